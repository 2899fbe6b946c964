/**
 * Encoder and decoder of the object format (object-format.ts, docs/formats/object.md). Encoding
 * is canonical for a given version list; decoding validates every field and throws a
 * MalformedBytesError (code MALFORMED_OBJECT) on any deviation, so hostile or corrupt bytes can
 * never crash a process or come back as a wrong object. Decoded values are copies: callers may
 * reuse the input buffer.
 */
import { Buffer } from 'node:buffer';
import { readClock, writeClock } from './clock-codec';
import { ClusterError } from './errors';
import {
  FLAG_DOT_GAP,
  FLAG_EXPIRES,
  FLAG_TOMBSTONE,
  KNOWN_FLAGS,
  MAX_ACTOR_BYTES,
  MAX_VERSIONS,
  OBJECT_FORMAT_VERSION,
} from './object-format';
import { ByteReader, ByteWriter } from './varint-codec';
import { counterOf } from './vector-clock';
import { validateVersion, Version, VersionedObject } from './versioned-object';

export function writeVersion(writer: ByteWriter, version: Version): void {
  let flags = 0;
  if (version.value === null) flags |= FLAG_TOMBSTONE;
  if (version.expiresAt !== undefined) flags |= FLAG_EXPIRES;
  if (version.actorBase !== undefined) flags |= FLAG_DOT_GAP;
  writer.u8(flags);
  writeClock(writer, version.clock);
  writer.varint(version.writtenAt);
  if (version.expiresAt !== undefined) writer.varint(version.expiresAt);
  writer.string(version.actor);
  if (version.actorBase !== undefined) writer.varint(version.actorBase);
  if (version.value !== null) writer.bytes(version.value);
}

export function readVersion(reader: ByteReader): Version {
  const flagsAt = reader.offset;
  const flags = reader.u8('version flags');
  if ((flags & ~KNOWN_FLAGS) !== 0) reader.fail(`unknown flag bits 0x${flags.toString(16)}`, flagsAt);
  const clock = readClock(reader);
  const writtenAt = reader.varint('written_at');
  const expiresAt = (flags & FLAG_EXPIRES) !== 0 ? reader.varint('expires_at') : undefined;
  const actorAt = reader.offset;
  const actor = reader.string('actor', MAX_ACTOR_BYTES);
  const dot = counterOf(clock, actor);
  if (dot === 0) reader.fail('actor has no clock entry', actorAt);
  let actorBase: number | undefined;
  if ((flags & FLAG_DOT_GAP) !== 0) {
    const baseAt = reader.offset;
    actorBase = reader.varint('actor_base');
    if (actorBase >= dot - 1) reader.fail('actor_base is not below the dot', baseAt);
  }
  const value = (flags & FLAG_TOMBSTONE) !== 0 ? null : reader.bytes('value');
  // Optional fields are left out, not set to undefined, so decoded objects compare equal to built ones.
  const version: { -readonly [K in keyof Version]: Version[K] } = { clock, value, writtenAt, actor };
  if (expiresAt !== undefined) version.expiresAt = expiresAt;
  if (actorBase !== undefined) version.actorBase = actorBase;
  return version;
}

/** Canonical bytes of one version (used for deterministic tie-breaks). */
export function encodeVersion(version: Version): Buffer {
  const writer = new ByteWriter();
  writeVersion(writer, version);
  return writer.finish();
}

/**
 * Encodes an object with its versions in the given order (mergeObjects produces the canonical
 * order). Throws INVALID_ARGUMENT on an empty object or an invalid version: an object with no
 * versions is stored as no key at all.
 */
export function encodeObject(object: VersionedObject): Buffer {
  if (object.versions.length === 0) {
    throw new ClusterError('INVALID_ARGUMENT', 'cannot encode an object without versions');
  }
  if (object.versions.length > MAX_VERSIONS) {
    throw new ClusterError('INVALID_ARGUMENT', `object has ${object.versions.length} versions, limit ${MAX_VERSIONS}`);
  }
  const writer = new ByteWriter();
  writer.u8(OBJECT_FORMAT_VERSION);
  writer.varint(object.versions.length);
  for (const version of object.versions) {
    validateVersion(version);
    writeVersion(writer, version);
  }
  return writer.finish();
}

/** Decodes and validates object bytes; throws MalformedBytesError (MALFORMED_OBJECT). */
export function decodeObject(bytes: Uint8Array): VersionedObject {
  const reader = new ByteReader(bytes, 'MALFORMED_OBJECT');
  const format = reader.u8('format version');
  if (format !== OBJECT_FORMAT_VERSION) reader.fail(`unknown object format version ${format}`, 0);
  const countAt = reader.offset;
  const count = reader.varint('version count');
  if (count === 0) reader.fail('object without versions', countAt);
  // A version takes at least 5 bytes (flags, empty clock, written_at, 2-byte actor), so a count
  // the remaining bytes cannot hold is rejected before anything is allocated for it.
  if (count > MAX_VERSIONS || count * 5 > reader.remaining) {
    reader.fail(`version count ${count} is impossible here`, countAt);
  }
  const versions: Version[] = [];
  for (let i = 0; i < count; i++) versions.push(readVersion(reader));
  reader.end();
  return { versions };
}
