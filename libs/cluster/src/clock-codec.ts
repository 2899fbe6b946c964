/**
 * Binary form of a vector clock (the `clock` production of object-format.ts): entry count, then
 * (actor, counter) pairs in strictly ascending actor order. The form is canonical, so equal
 * clocks have equal bytes; that is what makes byte comparison a valid deterministic tie-break.
 */
import { Buffer } from 'node:buffer';
import { MAX_ACTOR_BYTES, MAX_CLOCK_ENTRIES } from './object-format';
import { ByteReader, ByteWriter } from './varint-codec';
import { ClusterError } from './errors';
import { clockEntries, compareActors, fromTrustedEntries, isValidActor, isValidCounter, VectorClock } from './vector-clock';

/** Writes a clock; throws INVALID_ARGUMENT on an entry the decoder would reject (hand-built clocks). */
export function writeClock(writer: ByteWriter, clock: VectorClock): void {
  const entries = clockEntries(clock);
  if (entries.length > MAX_CLOCK_ENTRIES) throw new ClusterError('INVALID_ARGUMENT', `clock has ${entries.length} entries, limit ${MAX_CLOCK_ENTRIES}`);
  for (const [actor, counter] of entries) {
    if (!isValidActor(actor) || !isValidCounter(counter)) {
      throw new ClusterError('INVALID_ARGUMENT', `invalid clock entry ${JSON.stringify(actor)}: ${counter}`);
    }
  }
  writer.varint(entries.length);
  for (const [actor, counter] of entries) writer.string(actor).varint(counter);
}

export function readClock(reader: ByteReader): VectorClock {
  const countAt = reader.offset;
  const count = reader.varint('clock entry count');
  // Each entry takes at least 3 bytes (length, one actor byte, counter).
  if (count > MAX_CLOCK_ENTRIES || count * 3 > reader.remaining) {
    reader.fail(`clock entry count ${count} is impossible here`, countAt);
  }
  const entries: Array<[string, number]> = [];
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    const actorAt = reader.offset;
    const actor = reader.string('clock actor', MAX_ACTOR_BYTES);
    if (previous !== undefined && compareActors(previous, actor) >= 0) {
      reader.fail('clock actors not strictly ascending', actorAt);
    }
    const counterAt = reader.offset;
    const counter = reader.varint('clock counter');
    if (counter === 0) reader.fail('zero clock counter', counterAt);
    entries.push([actor, counter]);
    previous = actor;
  }
  return fromTrustedEntries(entries);
}

/** Canonical bytes of a clock. */
export function encodeClock(clock: VectorClock): Buffer {
  const writer = new ByteWriter();
  writeClock(writer, clock);
  return writer.finish();
}

/** Decodes canonical clock bytes; throws MALFORMED_OBJECT on anything else. */
export function decodeClock(bytes: Uint8Array): VectorClock {
  const reader = new ByteReader(bytes, 'MALFORMED_OBJECT');
  const clock = readClock(reader);
  reader.end();
  return clock;
}

/** Total order on clocks by their canonical bytes; only for deterministic tie-breaks. */
export function compareClockBytes(a: VectorClock, b: VectorClock): number {
  return Buffer.compare(encodeClock(a), encodeClock(b));
}
