/**
 * Coalesces the merges issued in one tick (a Session message carries many operations, and they
 * all start in the same tick) into one engine WriteBatch: one commit-log record, one durability
 * wait, instead of one per operation. There is no timer: a lone write goes out at the end of the
 * tick it was issued in, so nothing waits for company at low load.
 *
 * Contract: each `merge` resolves when its batch is durable and rejects with the batch's error.
 * Callers validate every operation first, so a batch fails only for reasons that would fail each
 * of its writes alone (disk full, engine read-only or closed). Single-threaded.
 */
import { WriteBatch } from '@ringkv/storage-engine';

interface Pending {
  key: Buffer;
  value: Uint8Array;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WriteCoalescer {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Batches written and merges they carried (for tests and metrics). */
  batches = 0;
  merges = 0;

  constructor(
    private readonly write: (batch: WriteBatch) => Promise<void>,
    /** Upper bound of merges per batch: bounds one commit-log record. */
    private readonly maxBatch = 1024,
  ) {}

  merge(key: Buffer, value: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ key, value, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let at = 0; at < all.length; at += this.maxBatch) {
      const group = all.slice(at, at + this.maxBatch);
      const batch = new WriteBatch();
      for (const p of group) batch.merge(p.key, p.value);
      this.batches += 1;
      this.merges += group.length;
      this.write(batch).then(
        () => group.forEach((p) => p.resolve()),
        (error: unknown) => group.forEach((p) => p.reject(error)),
      );
    }
  }
}
