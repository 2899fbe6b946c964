/**
 * The byte packing of everything that crosses to and from the table worker: entry streams for a
 * flush, key groups the engine must resolve during a compaction, and the resolutions. Packed
 * into plain ArrayBuffers so a message moves by transfer (no structured-clone walk over
 * thousands of small objects). Pure: no I/O, no threads; both sides use the same codec.
 *
 * Layouts (little-endian u32 lengths):
 *   entry       = kind u8 | keyLength u32 | valueLength u32 | key | value
 *   group       = keyLength u32 | key | count u32 | count x (kind u8 | valueLength u32 | value)
 *   resolution  = kind u8 (0: write nothing) | valueLength u32 | value
 * These never touch disk; both ends are built from the same source.
 */
import type { EntryKind } from '../format/entry-kind';

export interface PackedEntry {
  key: Buffer;
  kind: EntryKind;
  value: Buffer;
}

/** A filled buffer ready to transfer: the bytes are [0, length) of `buffer`. */
export interface Packed {
  buffer: ArrayBuffer;
  length: number;
}

export class PackWriter {
  private bytes: Buffer;
  private at = 0;

  constructor(private readonly initialBytes: number) {
    this.bytes = PackWriter.alloc(initialBytes);
  }

  get length(): number {
    return this.at;
  }

  u8(n: number): void {
    this.reserve(1);
    this.bytes[this.at++] = n;
  }

  u32(n: number): void {
    this.reserve(4);
    this.bytes.writeUInt32LE(n, this.at);
    this.at += 4;
  }

  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.bytes.set(b, this.at);
    this.at += b.length;
  }

  entry(key: Uint8Array, kind: EntryKind, value: Uint8Array): void {
    this.reserve(9 + key.length + value.length);
    const b = this.bytes;
    b[this.at] = kind;
    b.writeUInt32LE(key.length, this.at + 1);
    b.writeUInt32LE(value.length, this.at + 5);
    b.set(key, this.at + 9);
    b.set(value, this.at + 9 + key.length);
    this.at += 9 + key.length + value.length;
  }

  /** `entry` from byte ranges of larger buffers (a memtable's arena), without views. */
  entryFrom(
    kind: number,
    keySrc: Buffer,
    keyStart: number,
    keyLength: number,
    valueSrc: Buffer,
    valueStart: number,
    valueLength: number,
  ): void {
    this.reserve(9 + keyLength + valueLength);
    const b = this.bytes;
    b[this.at] = kind;
    b.writeUInt32LE(keyLength, this.at + 1);
    b.writeUInt32LE(valueLength, this.at + 5);
    keySrc.copy(b, this.at + 9, keyStart, keyStart + keyLength);
    valueSrc.copy(b, this.at + 9 + keyLength, valueStart, valueStart + valueLength);
    this.at += 9 + keyLength + valueLength;
  }

  /** Hands the bytes over (the buffer may be transferred) and starts a fresh buffer. */
  take(): Packed {
    const out = { buffer: this.bytes.buffer as ArrayBuffer, length: this.at };
    this.bytes = PackWriter.alloc(this.initialBytes);
    this.at = 0;
    return out;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.at + n) capacity *= 2;
    const grown = PackWriter.alloc(capacity);
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }

  /** A buffer that owns its whole ArrayBuffer (pooled Buffers share theirs; never transfer those). */
  private static alloc(n: number): Buffer {
    return Buffer.from(new ArrayBuffer(n));
  }
}

export class PackReader {
  private readonly bytes: Buffer;
  private at = 0;

  constructor(packed: Packed) {
    this.bytes = Buffer.from(packed.buffer, 0, packed.length);
  }

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.at++];
  }

  u32(): number {
    this.need(4);
    const n = this.bytes.readUInt32LE(this.at);
    this.at += 4;
    return n;
  }

  /** A view (no copy) of the next `n` bytes. */
  raw(n: number): Buffer {
    this.need(n);
    const b = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  entry(): PackedEntry {
    const kind = this.u8() as EntryKind;
    const keyLength = this.u32();
    const valueLength = this.u32();
    return { kind, key: this.raw(keyLength), value: this.raw(valueLength) };
  }

  private need(n: number): void {
    if (this.at + n > this.bytes.length)
      throw new Error(`packed message truncated at ${this.at} (+${n} of ${this.bytes.length})`);
  }
}
