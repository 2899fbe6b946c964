/**
 * A WriteBatch: puts, deletes and merges applied atomically, as one commit-log record.
 *
 * Contract: operations apply in the order they were added (a later op on the same key in one
 * batch sees the earlier one). The engine copies keys and values when the batch is written, so
 * the caller may reuse its buffers afterwards. Not thread-safe; build it, then hand it over.
 */
import { EntryKind } from './format/entry-kind';

export interface BatchOp {
  kind: EntryKind;
  key: Buffer;
  value: Buffer;
}

const EMPTY = Buffer.alloc(0);

function toBuffer(bytes: Uint8Array | string): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class WriteBatch {
  readonly ops: BatchOp[] = [];
  private bytes = 0;

  put(key: Uint8Array | string, value: Uint8Array | string): this {
    return this.add(EntryKind.Put, key, value);
  }

  delete(key: Uint8Array | string): this {
    return this.add(EntryKind.Delete, key, EMPTY);
  }

  merge(key: Uint8Array | string, operand: Uint8Array | string): this {
    return this.add(EntryKind.Merge, key, operand);
  }

  get length(): number {
    return this.ops.length;
  }

  /** Key + value bytes, before framing. */
  get byteSize(): number {
    return this.bytes;
  }

  private add(kind: EntryKind, key: Uint8Array | string, value: Uint8Array | string): this {
    const k = toBuffer(key);
    const v = toBuffer(value);
    this.ops.push({ kind, key: k, value: v });
    this.bytes += k.length + v.length;
    return this;
  }
}
