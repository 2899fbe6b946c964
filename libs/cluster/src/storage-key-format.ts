/**
 * Constants of the storage key format (docs/formats/storage-key.md). Storage keys are the keys
 * of the storage engine: every SSTable, commit-log record and Merkle leaf hash depends on these
 * bytes. Values marked "never change or reuse" are on disk.
 *
 *   +----------------+-----------+----------------------+---------------------+
 *   | token          | tenant    | tenant id            | key                 |
 *   | 8 bytes, BE    | id length | ASCII, 1..255 bytes  | UTF-8, 1.. bytes    |
 *   | uint64         | 1 byte    |                      | (to the end)        |
 *   +----------------+-----------+----------------------+---------------------+
 *
 * The token comes first so that a token range is one contiguous byte range of storage keys
 * (two when it wraps past 2^64-1); the tenant id is length-prefixed so that ("ab", "c…") and
 * ("a", "bc…") never collide; the key runs to the end, so it needs no length.
 */

/** Version of this layout. There is no version byte in a key (it would cost a byte per key and
 *  break token-first ordering); a new layout would need a new keyspace. Never change or reuse. */
export const STORAGE_KEY_FORMAT_VERSION = 1;

/** Offset of the token. Never change or reuse. */
export const TOKEN_OFFSET = 0;
/** Offset of the tenant id length byte. Never change or reuse. */
export const TENANT_LENGTH_OFFSET = 8;
/** Offset of the first tenant id byte. Never change or reuse. */
export const TENANT_OFFSET = 9;

/** Tenant ids are 1..255 ASCII bytes in the format (the API narrows them to 63). */
export const MIN_TENANT_BYTES = 1;
export const MAX_TENANT_BYTES = 255;
/** Keys are at least one byte; their upper bound is the API's (1024), not the format's. */
export const MIN_KEY_BYTES = 1;

/** Smallest storage key: header plus a 1-byte tenant and a 1-byte key. */
export const MIN_STORAGE_KEY_BYTES = TENANT_OFFSET + MIN_TENANT_BYTES + MIN_KEY_BYTES;
