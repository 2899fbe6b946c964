/**
 * Manifest on-disk format constants. Documented in docs/formats/manifest.md.
 *
 * The manifest is ONE snapshot file, `MANIFEST`, replaced atomically (write `MANIFEST.tmp`,
 * fsync, rename over `MANIFEST`, fsync the directory).
 * +--------------------------------------------------------------------------------+
 * | magic u32 | format_version u16 | reserved u16 (0) | payload_len u32 | crc32c u32|
 * +--------------------------------------------------------------------------------+
 * | payload[payload_len]   (crc32c covers the payload)                             |
 * +--------------------------------------------------------------------------------+
 * payload:
 * +-------------------------+-------------------+--------------------+--------------+
 * | next_file_number u64    | log_number u64    | last_sequence u64  | table_count  |
 * |                         |                   |                    | u32          |
 * +-------------------------+-------------------+--------------------+--------------+
 * | table_count x table, NEWEST FIRST (list order is shadowing order)              |
 * +--------------------------------------------------------------------------------+
 * table:
 * | file_number u64 | tier u32 | entry_count u64 | tombstone_count u64 | file_size u64 |
 * | data_bytes u64 | sstable_format_version u32 | min_key_len u32 | min_key |
 * | max_key_len u32 | max_key |
 * All integers little-endian.
 */

/** 'RKVM' little-endian. Never change or reuse. */
export const MANIFEST_MAGIC = 0x4d564b52;
/** Bump on any incompatible change; readers refuse versions they do not know. */
export const FORMAT_VERSION = 1;
export const MANIFEST_HEADER_BYTES = 16;
export const MANIFEST_FIXED_PAYLOAD_BYTES = 28;
export const TABLE_FIXED_BYTES = 56;
