/**
 * On-disk constants of the SSTable format. Only constants live here; the writer and reader encode
 * and decode with them, and docs/formats/sstable.md describes the same layout in prose.
 *
 * File layout (all integers little-endian):
 *
 *   +----------------------------+  offset 0
 *   | data block 0     | trailer |  sorted entries of the table
 *   | data block 1     | trailer |
 *   | ...              | ...     |
 *   | data block N-1   | trailer |  <- dataBytes ends here
 *   | filter block     | trailer |  bloom filter over every key of the table
 *   | properties block | trailer |  counts and key bounds (a block of name -> value)
 *   | index block      | trailer |  last key of each data block -> its block handle
 *   | footer (64 bytes)          |  fixed size, always the last 64 bytes of the file
 *   +----------------------------+
 *
 * Block contents (data, index and properties blocks share this encoding):
 *
 *   entry*  restart[numRestarts] (u32 each)  numRestarts (u32)
 *   entry = shared (varint32) | unshared (varint32) | valueLength (varint32)
 *           | key bytes [shared, shared+unshared) | value bytes
 *   A restart entry has shared = 0; restart[i] is the offset of the i-th restart entry.
 *   In a data block the value is  kind (u8, EntryKind) | user value.
 *   In the index block the value is a block handle: offset (u64) | size (u64).
 *
 * Block trailer (after every block):
 *
 *   +----------------+-------------------------------------------+
 *   | blockType (u8) | crc32c (u32) of block contents ++ blockType |
 *   +----------------+-------------------------------------------+
 *
 * Filter block contents:   bit array (m bits, m = 8 * (length - 1)) | numProbes (u8)
 *
 * Footer (64 bytes):
 *
 *   0   index handle       offset (u64) | size (u64)
 *   16  filter handle      offset (u64) | size (u64)
 *   32  properties handle  offset (u64) | size (u64)
 *   48  formatVersion (u32)
 *   52  crc32c (u32) of footer bytes [0, 52)
 *   56  magic (u64)
 *
 * A block handle's size counts the block contents only, not the 5-byte trailer after them.
 */

/** Version of the layout above; bump it for any incompatible change. Never change or reuse. */
export const FORMAT_VERSION = 1;

/** Last 8 bytes of every SSTable; on disk they read "RINGKVST". Never change or reuse. */
export const SSTABLE_MAGIC = 0x5453564b474e4952n;

/** Size of the footer at the end of the file. Never change or reuse. */
export const FOOTER_SIZE = 64;
/** Footer field offsets. Never change or reuse. */
export const FOOTER_INDEX_HANDLE_OFFSET = 0;
export const FOOTER_FILTER_HANDLE_OFFSET = 16;
export const FOOTER_PROPERTIES_HANDLE_OFFSET = 32;
export const FOOTER_VERSION_OFFSET = 48;
export const FOOTER_CHECKSUM_OFFSET = 52;
export const FOOTER_MAGIC_OFFSET = 56;

/** An encoded block handle: offset (u64) then size (u64). Never change or reuse. */
export const BLOCK_HANDLE_SIZE = 16;

/** Trailer after every block: blockType (u8) then crc32c (u32). Never change or reuse. */
export const BLOCK_TRAILER_SIZE = 5;

/** Width of a restart offset and of the restart count at the end of a block. Never change. */
export const RESTART_ENTRY_SIZE = 4;

/** The blockType byte of a block trailer. Values are on disk: never change or reuse. */
export enum BlockType {
  /** Contents stored as is. */
  Uncompressed = 0, // never change or reuse
}

/** Largest number of bloom probes a reader accepts. Never change. */
export const BLOOM_MAX_PROBES = 30;
/** Seeds of the two MurmurHash3_x86_32 hashes combined by double hashing. Never change or reuse. */
export const BLOOM_HASH_SEED_1 = 0x5bd1e995;
export const BLOOM_HASH_SEED_2 = 0x9747b28c;

/**
 * Names in the properties block; each value is a u64 unless noted. Readers ignore names they do
 * not know, so a property can be added without a new FORMAT_VERSION. Never change or reuse.
 */
export const PROPERTY_DATA_BLOCK_COUNT = 'ringkv.data-block-count';
export const PROPERTY_DATA_BYTES = 'ringkv.data-bytes';
export const PROPERTY_ENTRY_COUNT = 'ringkv.entry-count';
/** Raw bytes of the largest key (empty in an empty table). */
export const PROPERTY_MAX_KEY = 'ringkv.max-key';
/** Raw bytes of the smallest key (empty in an empty table). */
export const PROPERTY_MIN_KEY = 'ringkv.min-key';
export const PROPERTY_TOMBSTONE_COUNT = 'ringkv.tombstone-count';
