/**
 * Constants of the versioned-object format (docs/formats/object.md): the value bytes the storage
 * engine keeps under a storage key, the payload of replication, hints and streaming. Only
 * constants live here; object-codec.ts and clock-codec.ts implement the layout. Everything marked
 * "never change or reuse" is on disk and on the wire.
 *
 *   object   := format_version:u8  version_count:varint  version{version_count}
 *   version  := flags:u8  clock  written_at:varint  [expires_at:varint]  actor:string  [actor_base:varint]  [value:bytes]
 *                 expires_at iff FLAG_EXPIRES; actor_base iff FLAG_DOT_GAP; value iff not FLAG_TOMBSTONE
 *                 clock[actor] >= 1 (the version's dot); actor_base < clock[actor] - 1
 *   clock    := entry_count:varint  (actor:string  counter:varint){entry_count}
 *                                    actors strictly ascending, counters >= 1
 *   string   := length:varint  utf8-bytes{length}        (1..255 bytes)
 *   bytes    := length:varint  raw-bytes{length}
 *   varint   := unsigned LEB128, minimal length, value <= 2^53-1 (at most 8 bytes)
 *
 *   +--------+--------+============================= version ===============================+
 *   | fmt u8 | count  | flags | clock | written_at | expires_at? | actor | actor_base? | value? | ...
 *   | 0x01   | varint | u8    |       | varint ms  | varint ms   | str   | varint      | bytes  |
 *   +--------+--------+-------+-------+------------+-------------+-------+-------------+--------+
 *
 * Decoders reject: an unknown format version, unknown flag bits, non-minimal or oversized
 * varints, zero versions, zero counters, unsorted or duplicate clock actors, an actor without a
 * clock entry, an actor_base that is not a gap, invalid UTF-8, lengths past the end, and
 * trailing bytes. So a decoded object re-encodes to the same bytes.
 */

/** Version of the object layout, the first byte of every object. Never change or reuse. */
export const OBJECT_FORMAT_VERSION = 1;

/** Flag: the version is a tombstone and has no value field. Never change or reuse. */
export const FLAG_TOMBSTONE = 0x01;
/** Flag: an expires_at field follows written_at. Never change or reuse. */
export const FLAG_EXPIRES = 0x02;
/** Flag: an actor_base field follows the actor (the version's dot is not contiguous with its
 *  context, see causal-history.ts). Never change or reuse. */
export const FLAG_DOT_GAP = 0x04;
/** Every flag bit this version of the format knows; any other bit set is malformed. */
export const KNOWN_FLAGS = FLAG_TOMBSTONE | FLAG_EXPIRES | FLAG_DOT_GAP;

/** Largest varint value: counters and millisecond timestamps stay exact JS numbers. */
export const MAX_VARINT = Number.MAX_SAFE_INTEGER;
/** Longest varint: ceil(53 / 7) bytes. */
export const MAX_VARINT_BYTES = 8;

/** Actor ids (storage node ids) are 1..255 UTF-8 bytes. */
export const MAX_ACTOR_BYTES = 255;
/** Cap on siblings in one object: more means a client keeps writing without context; refuse to
 *  decode absurd counts rather than allocate for them. */
export const MAX_VERSIONS = 4096;
/** Cap on clock entries: one per storage node that ever coordinated the key. */
export const MAX_CLOCK_ENTRIES = 4096;

/** Version of the opaque client context string (context.ts). Never change or reuse. */
export const CONTEXT_FORMAT_VERSION = 1;
/** Longest context string accepted from a client (base64url characters). */
export const MAX_CONTEXT_CHARS = 65536;
