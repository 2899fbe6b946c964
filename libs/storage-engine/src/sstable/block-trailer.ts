/**
 * The 5-byte trailer after every SSTable block: a block-type byte (compression, reserved: only
 * Uncompressed exists) and a crc32c over the contents and that byte. Covering the type byte means
 * a flipped type is caught like any other flipped bit instead of selecting a wrong decoder.
 *
 * Contract: `checkBlock` returns a block's contents only if every byte of contents and trailer
 * is present and verified; otherwise it throws CorruptionError naming the file and the offset.
 */
import { crc32c } from '@node-rs/crc32';
import { CorruptionError } from '../errors';
import { BlockHandle } from './block-handle';
import { BLOCK_TRAILER_SIZE, BlockType } from './sstable-format';

export function blockChecksum(contents: Buffer, type: BlockType): number {
  return crc32c(Buffer.of(type), crc32c(contents)) >>> 0;
}

export function encodeBlockTrailer(contents: Buffer, type: BlockType): Buffer {
  const trailer = Buffer.allocUnsafe(BLOCK_TRAILER_SIZE);
  trailer[0] = type;
  trailer.writeUInt32LE(blockChecksum(contents, type), 1);
  return trailer;
}

/**
 * Verifies `raw` — the bytes read at `handle.offset`, contents then trailer — and returns the
 * contents as a buffer of their own (never a view into `raw`, which may belong to the caller).
 */
export function checkBlock(raw: Buffer, handle: BlockHandle, file: string): Buffer {
  const expected = handle.size + BLOCK_TRAILER_SIZE;
  if (raw.length < expected) {
    throw new CorruptionError(file, handle.offset + raw.length, `block at ${handle.offset} truncated: ${raw.length} of ${expected} bytes`);
  }
  const contents = Buffer.from(raw.subarray(0, handle.size));
  const type = raw[handle.size];
  const stored = raw.readUInt32LE(handle.size + 1);
  if (blockChecksum(contents, type) !== stored) {
    throw new CorruptionError(file, handle.offset, `block checksum mismatch (${handle.size} bytes)`);
  }
  if (type !== BlockType.Uncompressed) {
    throw new CorruptionError(file, handle.offset + handle.size, `unknown block type ${type}`);
  }
  return contents;
}
