/**
 * A live SSTable with a reference count, so a table replaced by compaction is closed and
 * unlinked only when the last reader or iterator using it lets go.
 *
 * Contract: the table list holds one reference; every get/scan/compaction takes one for the
 * tables it snapshotted (synchronously, before its first await) and releases it when done.
 * `retire()` drops the list's reference after the table left the list; the `onFree` callback
 * (close, and unlink unless the engine is merely closing) runs exactly once, when the count reaches zero.
 */
import type { TableMeta } from '../manifest/manifest';
import type { SSTableReader } from '../sstable';

export class TableHandle {
  private refs = 1;
  private retired = false;
  private freed = false;
  private deleteFile = true;

  constructor(
    readonly meta: TableMeta,
    readonly reader: SSTableReader,
    private readonly onFree: (handle: TableHandle) => void,
  ) {}

  get fileNumber(): bigint {
    return this.meta.fileNumber;
  }

  get refCount(): number {
    return this.refs;
  }

  /** True when the table's key range intersects [start, end). */
  overlaps(start?: Uint8Array, end?: Uint8Array): boolean {
    if (start && Buffer.compare(this.meta.maxKey, start) < 0) return false;
    if (end && Buffer.compare(this.meta.minKey, end) >= 0) return false;
    return true;
  }

  ref(): void {
    if (this.freed) throw new Error(`table ${this.meta.fileNumber} used after free`);
    this.refs++;
  }

  unref(): void {
    this.refs--;
    if (this.refs === 0 && !this.freed) {
      this.freed = true;
      this.onFree(this);
    }
  }

  /**
   * The table left the live list: free it once current users are done. `deleteFile` is false
   * when the engine closes (the table stays live on disk).
   */
  retire(deleteFile = true): void {
    if (this.retired) return;
    this.retired = true;
    this.deleteFile = deleteFile;
    this.unref();
  }

  /** Whether the file should be unlinked when freed. */
  get shouldDelete(): boolean {
    return this.deleteFile;
  }

  get isRetired(): boolean {
    return this.retired;
  }
}

export function refAll(tables: readonly TableHandle[]): void {
  for (const t of tables) t.ref();
}

export function unrefAll(tables: readonly TableHandle[]): void {
  for (const t of tables) t.unref();
}
