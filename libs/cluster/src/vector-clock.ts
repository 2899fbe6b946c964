/**
 * Vector clocks: actor id (a storage node id) -> counter (a positive safe integer). Absent actors
 * count as 0, so a zero entry is never stored. Clocks are immutable plain data: every function
 * returns a new frozen clock without prototype (so an actor named "__proto__" is just an actor)
 * and without zero entries. Iterate with clockEntries, which sorts actors: JavaScript lists
 * integer-like property names first whatever the insertion order. Equal clocks therefore list
 * equal entries and encode to equal bytes (clock-codec.ts).
 *
 * The order is the usual pointwise one: a descends b when every counter of a is >= b's.
 */
import { Buffer } from 'node:buffer';
import { ClusterError } from './errors';
import { MAX_ACTOR_BYTES } from './object-format';

export type VectorClock = Readonly<Record<string, number>>;

export type ClockOrder = 'equal' | 'before' | 'after' | 'concurrent';

/** Largest counter (and largest value for any varint in the object format). */
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

const EMPTY: VectorClock = Object.freeze(Object.create(null) as Record<string, number>);

export function emptyClock(): VectorClock {
  return EMPTY;
}

function has(clock: VectorClock, actor: string): boolean {
  return Object.prototype.hasOwnProperty.call(clock, actor);
}

/** The counter of `actor`, 0 when absent. */
export function counterOf(clock: VectorClock, actor: string): number {
  return has(clock, actor) ? clock[actor] : 0;
}

/** Actors of a clock, ascending by UTF-16 code units (the canonical order of the format). */
export function clockActors(clock: VectorClock): string[] {
  return Object.keys(clock).sort(compareActors);
}

/** Total order on actor ids used everywhere a canonical order is needed. */
export function compareActors(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isValidActor(actor: unknown): actor is string {
  return typeof actor === 'string' && actor.length > 0 && Buffer.byteLength(actor, 'utf8') <= MAX_ACTOR_BYTES;
}

export function isValidCounter(counter: unknown): counter is number {
  return typeof counter === 'number' && Number.isSafeInteger(counter) && counter >= 1;
}

function validateActor(actor: string): void {
  if (!isValidActor(actor)) {
    throw new ClusterError('INVALID_ARGUMENT', `actor id must be 1..${MAX_ACTOR_BYTES} UTF-8 bytes, got ${JSON.stringify(actor)}`);
  }
}

/**
 * Builds a canonical clock from entries or a record, validating every entry. Zero counters are
 * dropped (absent and 0 mean the same). Throws INVALID_ARGUMENT on a bad actor or counter.
 */
export function makeClock(source: Iterable<readonly [string, number]> | Readonly<Record<string, number>>): VectorClock {
  const entries: Array<readonly [string, number]> =
    Symbol.iterator in source
      ? [...(source as Iterable<readonly [string, number]>)]
      : Object.keys(source).map((k) => [k, (source as Record<string, number>)[k]] as const);
  const seen = new Set<string>();
  for (const [actor, counter] of entries) {
    validateActor(actor);
    if (seen.has(actor)) throw new ClusterError('INVALID_ARGUMENT', `actor ${JSON.stringify(actor)} appears twice`);
    seen.add(actor);
    if (counter !== 0 && !isValidCounter(counter)) {
      throw new ClusterError('INVALID_ARGUMENT', `counter of ${JSON.stringify(actor)} must be an integer in [0, 2^53-1], got ${counter}`);
    }
  }
  return fromTrustedEntries(entries.filter(([, c]) => c !== 0));
}

/** Canonical clock from already-validated, non-zero, distinct entries in any order. */
export function fromTrustedEntries(entries: ReadonlyArray<readonly [string, number]>): VectorClock {
  if (entries.length === 0) return EMPTY;
  const sorted = [...entries].sort((x, y) => compareActors(x[0], y[0]));
  const out = Object.create(null) as Record<string, number>;
  for (const [actor, counter] of sorted) out[actor] = counter;
  return Object.freeze(out);
}

/** Entries in canonical (ascending actor) order. */
export function clockEntries(clock: VectorClock): Array<[string, number]> {
  return clockActors(clock).map((a) => [a, clock[a]]);
}

/** The clock with `actor` incremented by one. */
export function incrementClock(clock: VectorClock, actor: string): VectorClock {
  return setCounter(clock, actor, counterOf(clock, actor) + 1);
}

/** The clock with `actor`'s counter replaced. */
export function setCounter(clock: VectorClock, actor: string, counter: number): VectorClock {
  validateActor(actor);
  if (!isValidCounter(counter)) {
    throw new ClusterError('INVALID_ARGUMENT', `counter must be an integer in [1, 2^53-1], got ${counter}`);
  }
  const entries = clockEntries(clock).filter(([a]) => a !== actor);
  entries.push([actor, counter]);
  return fromTrustedEntries(entries);
}

/** Pointwise maximum: the least clock that descends every argument. */
export function mergeClocks(...clocks: VectorClock[]): VectorClock {
  const max = new Map<string, number>();
  for (const clock of clocks) {
    for (const actor of Object.keys(clock)) {
      const c = clock[actor];
      if ((max.get(actor) ?? 0) < c) max.set(actor, c);
    }
  }
  return fromTrustedEntries([...max]);
}

/** Whether `a` descends `b`: every counter of `a` is >= the same counter of `b` (reflexive). */
export function descends(a: VectorClock, b: VectorClock): boolean {
  for (const actor of Object.keys(b)) {
    if (counterOf(a, actor) < b[actor]) return false;
  }
  return true;
}

/** How `a` relates to `b`: 'before' means a happened before b (b strictly descends a). */
export function compareClocks(a: VectorClock, b: VectorClock): ClockOrder {
  const aGeB = descends(a, b);
  const bGeA = descends(b, a);
  if (aGeB && bGeA) return 'equal';
  if (aGeB) return 'after';
  if (bGeA) return 'before';
  return 'concurrent';
}

/** Whether `a` strictly dominates `b` (descends it and differs). */
export function dominates(a: VectorClock, b: VectorClock): boolean {
  return compareClocks(a, b) === 'after';
}

export function clocksEqual(a: VectorClock, b: VectorClock): boolean {
  return compareClocks(a, b) === 'equal';
}

/** A plain `{actor: counter}` object with a normal prototype, for JSON responses (`vector_clock`). */
export function clockToRecord(clock: VectorClock): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [actor, counter] of clockEntries(clock)) {
    Object.defineProperty(out, actor, { value: counter, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
