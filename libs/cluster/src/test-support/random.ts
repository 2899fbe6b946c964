/**
 * Seeded generators for the property and fuzz tests of this lib. Deterministic (mulberry32), so a
 * failing case reproduces from its seed. Test-only: not exported from index.ts.
 */
import { Buffer } from 'node:buffer';
import { fromTrustedEntries, mergeClocks, VectorClock } from '../vector-clock';
import { Version, VersionedObject } from '../versioned-object';

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }

  bigint64(): bigint {
    return (BigInt(this.int(0, 0xffffffff)) << 32n) | BigInt(this.int(0, 0xffffffff));
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

export const ACTORS = ['node-a', 'node-b', 'node-c', 'node-d'];

/** A clock over a few actors with small counters, so that equal and comparable clocks are common. */
export function randomClock(rng: Rng, actors = ACTORS, maxCounter = 3): VectorClock {
  const entries: Array<[string, number]> = [];
  for (const actor of actors) {
    const c = rng.int(0, maxCounter);
    if (c > 0) entries.push([actor, c]);
  }
  return fromTrustedEntries(entries);
}

/** A valid version: its actor has a clock entry; some have a dot gap, some expire. */
export function randomVersion(rng: Rng): Version {
  const actor = rng.pick(ACTORS);
  const clock = mergeClocks(randomClock(rng), fromTrustedEntries([[actor, rng.int(1, 3)]]));
  const value = rng.bool(0.2) ? null : rng.bytes(rng.int(0, 6));
  const writtenAt = 1_700_000_000_000 + rng.int(0, 5);
  const version: { -readonly [K in keyof Version]: Version[K] } = { clock, value, writtenAt, actor };
  if (rng.bool(0.3)) version.expiresAt = writtenAt + rng.int(0, 10);
  const dot = clock[actor];
  if (dot >= 2 && rng.bool(0.3)) version.actorBase = rng.int(0, dot - 2);
  return version;
}

/** An arbitrary (not necessarily merged) object with 1..4 versions. */
export function randomObject(rng: Rng): VersionedObject {
  const versions: Version[] = [];
  const count = rng.int(1, 4);
  for (let i = 0; i < count; i++) versions.push(randomVersion(rng));
  return { versions };
}

export function bytes(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}
