/**
 * The fixed 64-byte footer that ends every SSTable: handles of the index, filter and properties
 * blocks, the format version, a crc32c of the preceding footer bytes and the magic number.
 * Layout in sstable-format.ts.
 *
 * Contract: `decodeFooter` checks, in this order, the magic (is this an SSTable at all, or a
 * truncated one?), the checksum, the version, and that every handle lies inside the file before
 * the footer; any failure is a CorruptionError naming the file and the footer byte at fault.
 */
import { crc32c } from '@node-rs/crc32';
import { CorruptionError } from '../errors';
import { BlockHandle, decodeBlockHandle, encodeBlockHandle } from './block-handle';
import {
  BLOCK_TRAILER_SIZE,
  FOOTER_CHECKSUM_OFFSET,
  FOOTER_FILTER_HANDLE_OFFSET,
  FOOTER_INDEX_HANDLE_OFFSET,
  FOOTER_MAGIC_OFFSET,
  FOOTER_PROPERTIES_HANDLE_OFFSET,
  FOOTER_SIZE,
  FOOTER_VERSION_OFFSET,
  FORMAT_VERSION,
  SSTABLE_MAGIC,
} from './sstable-format';

export interface Footer {
  index: BlockHandle;
  filter: BlockHandle;
  properties: BlockHandle;
  formatVersion: number;
}

export function encodeFooter(footer: Omit<Footer, 'formatVersion'>): Buffer {
  const encoded = Buffer.alloc(FOOTER_SIZE);
  encodeBlockHandle(footer.index, encoded, FOOTER_INDEX_HANDLE_OFFSET);
  encodeBlockHandle(footer.filter, encoded, FOOTER_FILTER_HANDLE_OFFSET);
  encodeBlockHandle(footer.properties, encoded, FOOTER_PROPERTIES_HANDLE_OFFSET);
  encoded.writeUInt32LE(FORMAT_VERSION, FOOTER_VERSION_OFFSET);
  encoded.writeUInt32LE(crc32c(encoded.subarray(0, FOOTER_CHECKSUM_OFFSET)) >>> 0, FOOTER_CHECKSUM_OFFSET);
  encoded.writeBigUInt64LE(SSTABLE_MAGIC, FOOTER_MAGIC_OFFSET);
  return encoded;
}

/** Decodes the footer of a `fileSize`-byte file; `encoded` is its last FOOTER_SIZE bytes. */
export function decodeFooter(encoded: Buffer, file: string, fileSize: number): Footer {
  const footerOffset = fileSize - FOOTER_SIZE;
  if (encoded.length !== FOOTER_SIZE) {
    throw new CorruptionError(file, footerOffset, `footer read returned ${encoded.length} of ${FOOTER_SIZE} bytes`);
  }
  const magic = encoded.readBigUInt64LE(FOOTER_MAGIC_OFFSET);
  if (magic !== SSTABLE_MAGIC) {
    throw new CorruptionError(
      file,
      footerOffset + FOOTER_MAGIC_OFFSET,
      `bad magic 0x${magic.toString(16)} (not an SSTable, or truncated)`,
    );
  }
  const stored = encoded.readUInt32LE(FOOTER_CHECKSUM_OFFSET);
  if ((crc32c(encoded.subarray(0, FOOTER_CHECKSUM_OFFSET)) >>> 0) !== stored) {
    throw new CorruptionError(file, footerOffset, 'footer checksum mismatch');
  }
  const formatVersion = encoded.readUInt32LE(FOOTER_VERSION_OFFSET);
  if (formatVersion !== FORMAT_VERSION) {
    throw new CorruptionError(
      file,
      footerOffset + FOOTER_VERSION_OFFSET,
      `unsupported format version ${formatVersion} (this build reads ${FORMAT_VERSION})`,
    );
  }
  const handle = (at: number, name: string): BlockHandle => {
    const decoded = decodeBlockHandle(encoded, at, file, footerOffset);
    if (decoded.offset + decoded.size + BLOCK_TRAILER_SIZE > footerOffset) {
      throw new CorruptionError(
        file,
        footerOffset + at,
        `${name} handle [${decoded.offset}, +${decoded.size}] runs past the footer at ${footerOffset}`,
      );
    }
    return decoded;
  };
  return {
    index: handle(FOOTER_INDEX_HANDLE_OFFSET, 'index'),
    filter: handle(FOOTER_FILTER_HANDLE_OFFSET, 'filter'),
    properties: handle(FOOTER_PROPERTIES_HANDLE_OFFSET, 'properties'),
    formatVersion,
  };
}
