/**
 * Where a block lives in an SSTable: the offset of its contents and their size (the trailer that
 * follows is not counted). On disk both are u64 little-endian, so the format allows files past
 * 4 GiB; in memory they are numbers, which is exact up to 2^53 bytes (8 PiB), far beyond any
 * table RingKV writes. Decoding a value above 2^53 is reported as corruption rather than rounded.
 */
import { CorruptionError } from '../errors';
import { BLOCK_HANDLE_SIZE } from './sstable-format';

export interface BlockHandle {
  readonly offset: number;
  readonly size: number;
}

export function encodeBlockHandle(handle: BlockHandle, target: Buffer = Buffer.alloc(BLOCK_HANDLE_SIZE), at = 0): Buffer {
  target.writeBigUInt64LE(BigInt(handle.offset), at);
  target.writeBigUInt64LE(BigInt(handle.size), at + 8);
  return target;
}

/**
 * Decodes the handle at `source[at]`. `file` and `fileOffset` (the file position of `source[0]`)
 * only name the place in a CorruptionError.
 */
export function decodeBlockHandle(source: Buffer, at: number, file: string, fileOffset: number): BlockHandle {
  if (at < 0 || at + BLOCK_HANDLE_SIZE > source.length) {
    throw new CorruptionError(file, fileOffset + at, `block handle needs ${BLOCK_HANDLE_SIZE} bytes, ${source.length - at} present`);
  }
  return {
    offset: readSafeUint64(source, at, file, fileOffset),
    size: readSafeUint64(source, at + 8, file, fileOffset),
  };
}

/** Reads a u64 that must fit a JavaScript number exactly. */
export function readSafeUint64(source: Buffer, at: number, file: string, fileOffset: number): number {
  const value = source.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CorruptionError(file, fileOffset + at, `64-bit value ${value} exceeds 2^53`);
  }
  return Number(value);
}
