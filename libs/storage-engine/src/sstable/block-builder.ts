/**
 * Builds the contents of one SSTable block (data, index or properties): a run of key/value
 * entries in strictly increasing key order, prefix-compressed against the previous key, with a
 * full key every `restartInterval` entries and the offsets of those restart points at the end so
 * a reader can binary-search them. The layout is drawn in sstable-format.ts.
 *
 * Contract: keys are added in strictly increasing order (Buffer.compare). The builder does not
 * check it — the SSTable writer validates user input once, before any block sees it. `finish()`
 * returns the encoded contents (not the trailer: the writer appends that), owned by the caller,
 * and leaves the builder empty for the next block. Added keys and values are copied.
 */
import { RESTART_ENTRY_SIZE } from './sstable-format';
import { MAX_VARINT32_LENGTH, writeVarint32 } from './varint';

/** Room reserved up front; grows by doubling, so a typical 4 KiB block never reallocates. */
const INITIAL_CAPACITY = 8 * 1024;

export class BlockBuilder {
  private buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private length = 0;
  private readonly restarts: number[] = [];
  private entriesSinceRestart = 0;
  private previousKey: Buffer = Buffer.alloc(0);
  private entryCount = 0;

  constructor(private readonly restartInterval: number) {
    if (!Number.isSafeInteger(restartInterval) || restartInterval < 1) {
      throw new RangeError(`restart interval must be a positive integer, got ${restartInterval}`);
    }
  }

  get isEmpty(): boolean {
    return this.entryCount === 0;
  }

  get count(): number {
    return this.entryCount;
  }

  /** The last key added since the previous `finish()`. */
  get lastKey(): Buffer {
    return this.previousKey;
  }

  /** Size of the block if it were finished now. */
  sizeEstimate(): number {
    return this.length + (this.restarts.length + 1) * RESTART_ENTRY_SIZE;
  }

  /** Upper bound of what adding this entry would grow the block by. */
  static entryCost(keyLength: number, valueLength: number): number {
    return 3 * MAX_VARINT32_LENGTH + keyLength + valueLength + RESTART_ENTRY_SIZE;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.entriesSinceRestart < this.restartInterval && this.entryCount > 0) {
      const limit = Math.min(key.length, this.previousKey.length);
      while (shared < limit && key[shared] === this.previousKey[shared]) shared++;
    } else {
      this.restarts.push(this.length);
      this.entriesSinceRestart = 0;
    }
    const unshared = key.length - shared;
    this.reserve(3 * MAX_VARINT32_LENGTH + unshared + value.length);
    let at = writeVarint32(this.buffer, this.length, shared);
    at = writeVarint32(this.buffer, at, unshared);
    at = writeVarint32(this.buffer, at, value.length);
    this.buffer.set(key.subarray(shared), at);
    at += unshared;
    this.buffer.set(value, at);
    this.length = at + value.length;
    this.previousKey = Buffer.from(key);
    this.entriesSinceRestart++;
    this.entryCount++;
  }

  finish(): Buffer {
    const size = this.sizeEstimate();
    const block = Buffer.allocUnsafe(size);
    this.buffer.copy(block, 0, 0, this.length);
    let at = this.length;
    for (const restart of this.restarts) {
      block.writeUInt32LE(restart, at);
      at += RESTART_ENTRY_SIZE;
    }
    block.writeUInt32LE(this.restarts.length, at);
    this.reset();
    return block;
  }

  reset(): void {
    this.length = 0;
    this.restarts.length = 0;
    this.entriesSinceRestart = 0;
    this.previousKey = Buffer.alloc(0);
    this.entryCount = 0;
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
