/**
 * Reads the contents of one SSTable block built by BlockBuilder (layout in sstable-format.ts).
 *
 * Contract: the contents passed in have already passed their checksum, but the reader still
 * bounds-checks every length and offset it decodes, so a block that is wrong in a way the
 * checksum cannot see (a writer bug, a forged file) raises CorruptionError naming the file and
 * the byte offset — it never reads outside the block or returns bytes from the wrong entry.
 * A BlockReader is immutable and can be shared (the block cache holds them); each BlockIterator
 * is a cursor owned by one caller.
 */
import { CorruptionError } from '../errors';
import { RESTART_ENTRY_SIZE } from './sstable-format';
import { readVarint32 } from './varint';

const EMPTY = Buffer.alloc(0);

export class BlockReader {
  /** Offset of the restart array: entries occupy [0, restartsStart). */
  readonly restartsStart: number;
  readonly restartCount: number;

  /**
   * @param contents the block without its trailer
   * @param file path named in corruption errors
   * @param fileOffset file position of `contents[0]`, so errors give absolute offsets
   */
  constructor(
    readonly contents: Buffer,
    readonly file: string,
    readonly fileOffset: number,
  ) {
    if (contents.length < RESTART_ENTRY_SIZE) {
      throw this.corruption(0, `block of ${contents.length} bytes is too short for its restart count`);
    }
    const countAt = contents.length - RESTART_ENTRY_SIZE;
    const count = contents.readUInt32LE(countAt);
    if (count > countAt / RESTART_ENTRY_SIZE) {
      throw this.corruption(countAt, `restart count ${count} does not fit a ${contents.length}-byte block`);
    }
    this.restartCount = count;
    this.restartsStart = countAt - count * RESTART_ENTRY_SIZE;
    if (count === 0 && this.restartsStart !== 0) {
      throw this.corruption(countAt, 'block has entries but no restart points');
    }
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const restart = this.restartOffset(i);
      const valid = i === 0 ? restart === 0 : restart > previous && restart < this.restartsStart;
      if (!valid) {
        throw this.corruption(this.restartsStart + i * RESTART_ENTRY_SIZE, `restart point ${i} has bad offset ${restart}`);
      }
      previous = restart;
    }
  }

  get byteLength(): number {
    return this.contents.length;
  }

  iterator(): BlockIterator {
    return new BlockIterator(this);
  }

  restartOffset(index: number): number {
    return this.contents.readUInt32LE(this.restartsStart + index * RESTART_ENTRY_SIZE);
  }

  corruption(at: number, detail: string): CorruptionError {
    return new CorruptionError(this.file, this.fileOffset + at, `block at ${this.fileOffset}: ${detail}`);
  }
}

/**
 * A cursor over a block's entries in key order. Starts unpositioned: call `seekToFirst()` or
 * `seek()`. `key()` and `value()` may be views into the block's memory; the caller copies what it
 * keeps past the block's lifetime and never writes through them.
 */
export class BlockIterator {
  private currentKey: Buffer = EMPTY;
  private valueStart = 0;
  private valueEnd = 0;
  private nextOffset = 0;
  private positioned = false;
  // Scratch output of readHeader.
  private shared = 0;
  private unshared = 0;
  private valueLength = 0;
  private keyStart = 0;

  constructor(private readonly block: BlockReader) {}

  valid(): boolean {
    return this.positioned;
  }

  key(): Buffer {
    this.assertValid();
    return this.currentKey;
  }

  value(): Buffer {
    this.assertValid();
    return this.block.contents.subarray(this.valueStart, this.valueEnd);
  }

  /** File offset of the current entry's value, for corruption reports about it. */
  valueFileOffset(): number {
    return this.block.fileOffset + this.valueStart;
  }

  seekToFirst(): void {
    this.startAt(0);
  }

  /** Positions at the first entry whose key is >= target, or past the end. */
  seek(target: Uint8Array): void {
    const block = this.block;
    if (block.restartCount === 0) {
      this.positioned = false;
      return;
    }
    // Last restart point whose key is below the target; the answer is at or after it.
    let low = 0;
    let high = block.restartCount - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (Buffer.compare(this.restartKey(middle), target) < 0) low = middle;
      else high = middle - 1;
    }
    this.startAt(block.restartOffset(low));
    while (this.positioned && Buffer.compare(this.currentKey, target) < 0) this.next();
  }

  next(): void {
    this.assertValid();
    if (this.nextOffset >= this.block.restartsStart) {
      this.positioned = false;
      return;
    }
    this.decodeAt(this.nextOffset, this.currentKey);
  }

  private startAt(offset: number): void {
    if (offset >= this.block.restartsStart) {
      this.positioned = false;
      return;
    }
    this.decodeAt(offset, EMPTY);
  }

  /** Key of a restart entry, which stores its key in full. */
  private restartKey(index: number): Buffer {
    const offset = this.block.restartOffset(index);
    this.readHeader(offset);
    if (this.shared !== 0) {
      throw this.block.corruption(offset, `restart entry shares ${this.shared} bytes with a previous key`);
    }
    return this.block.contents.subarray(this.keyStart, this.keyStart + this.unshared);
  }

  private decodeAt(offset: number, previousKey: Buffer): void {
    this.readHeader(offset);
    const { shared, unshared, keyStart } = this;
    if (shared > previousKey.length) {
      throw this.block.corruption(offset, `entry shares ${shared} bytes of a ${previousKey.length}-byte key`);
    }
    const contents = this.block.contents;
    const keyEnd = keyStart + unshared;
    if (shared === 0) {
      this.currentKey = contents.subarray(keyStart, keyEnd);
    } else {
      const key = Buffer.allocUnsafe(shared + unshared);
      previousKey.copy(key, 0, 0, shared);
      contents.copy(key, shared, keyStart, keyEnd);
      this.currentKey = key;
    }
    this.valueStart = keyEnd;
    this.valueEnd = keyEnd + this.valueLength;
    this.nextOffset = this.valueEnd;
    this.positioned = true;
  }

  /**
   * Decodes the entry header at `offset` into the scratch fields below; fields rather than a
   * returned object because this runs for every entry visited and allocating there shows up.
   */
  private readHeader(offset: number): void {
    const contents = this.block.contents;
    const limit = this.block.restartsStart;
    let at = offset;
    for (let field = 0; field < 3; field++) {
      let value: number;
      const byte = at < limit ? contents[at] : 0x80;
      if (byte < 0x80) {
        value = byte;
        at++;
      } else {
        const decoded = readVarint32(contents, at, limit);
        if (decoded === undefined) throw this.block.corruption(offset, 'entry header is truncated or malformed');
        value = decoded.value;
        at = decoded.next;
      }
      if (field === 0) this.shared = value;
      else if (field === 1) this.unshared = value;
      else this.valueLength = value;
    }
    if (this.unshared + this.valueLength > limit - at) {
      throw this.block.corruption(offset, `entry of ${this.unshared + this.valueLength} bytes overruns the block`);
    }
    this.keyStart = at;
  }

  private assertValid(): void {
    if (!this.positioned) throw new RangeError('block iterator is not positioned on an entry');
  }
}
