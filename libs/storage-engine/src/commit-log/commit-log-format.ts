/**
 * Commit-log on-disk format constants. Documented in docs/formats/commit-log.md.
 *
 * A segment file `NNNNNN.log`:
 * +-----------------------------------------------------------------+
 * | header (16 B): magic u32 | format_version u16 | reserved u16 (0) |
 * |                segment_number u64                               |
 * +-----------------------------------------------------------------+
 * | record | record | ...                                           |
 * +-----------------------------------------------------------------+
 * record:
 * +-----------+------------+---------+-------------------+
 * | crc32c u32| length u32 | type u8 | payload[length]   |
 * +-----------+------------+---------+-------------------+
 *   crc32c (Castagnoli) covers length, type and payload.
 * WRITE_BATCH payload:
 * +--------------+-----------+----------------------------------------------------+
 * | sequence u64 | count u32 | count x (kind u8 | key_len u32 | value_len u32 |    |
 * |              |           |           key | value)                           |
 * +--------------+-----------+----------------------------------------------------+
 * All integers little-endian. `sequence` is the first op's sequence number; op i has
 * sequence + i.
 */

/** 'RKVL' little-endian. Never change or reuse. */
export const SEGMENT_MAGIC = 0x4c564b52;
/** Bump on any incompatible change; readers refuse versions they do not know. */
export const FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 16;
export const SEGMENT_SUFFIX = '.log';

export const RECORD_HEADER_BYTES = 9;
export const CRC_OFFSET = 0;
export const LENGTH_OFFSET = 4;
export const TYPE_OFFSET = 8;

/** Record types. Never change or reuse a value. */
export const RecordType = {
  WriteBatch: 1,
} as const;

export const BATCH_HEADER_BYTES = 12;
export const BATCH_OP_HEADER_BYTES = 9;

/** A length above this is treated as corruption rather than a huge allocation. */
export const MAX_RECORD_PAYLOAD_BYTES = 1 << 30;
