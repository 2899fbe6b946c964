/**
 * What a read answers from a merged object, per conflict policy (SYSTEM.md §3):
 * - `lww`: one winner over all versions, the latest `writtenAt`, ties broken by actor id, then
 *   by clock bytes, then by version bytes, so every coordinator picks the same one. A winning
 *   tombstone or expired version means "not found" (an expired write hides the older ones it
 *   beat, as a delete would).
 * - `siblings`: every live version (not a tombstone, not expired); `value` is their LWW winner,
 *   so clients that ignore siblings still get a deterministic answer.
 * The context is always the merged clock of ALL versions (tombstones and expired included), so a
 * write carrying it supersedes everything the read saw.
 */
import { Buffer } from 'node:buffer';
import { compareClockBytes } from './clock-codec';
import { encodeVersion } from './object-codec';
import { mergedClock } from './object-merge';
import { compareActors, VectorClock } from './vector-clock';
import { isLive, Version, VersionedObject } from './versioned-object';

export type ConflictPolicy = 'lww' | 'siblings';

export type ReadResolution =
  | { readonly found: false; readonly context: VectorClock }
  | {
      readonly found: true;
      /** The value to return (LWW winner). */
      readonly value: Uint8Array;
      /** The version `value` comes from. */
      readonly version: Version;
      /** Live concurrent versions, canonical order; just [version] under lww. */
      readonly siblings: readonly Version[];
      readonly context: VectorClock;
    };

/** Versions that read as values at `now`. */
export function liveVersions(object: VersionedObject | undefined, now: number): Version[] {
  return (object?.versions ?? []).filter((v) => isLive(v, now));
}

/** LWW order: > 0 when `a` beats `b`. Total on distinct versions. */
export function compareLww(a: Version, b: Version): number {
  if (a.writtenAt !== b.writtenAt) return a.writtenAt - b.writtenAt;
  const byActor = compareActors(a.actor, b.actor);
  if (byActor !== 0) return byActor;
  const byClock = compareClockBytes(a.clock, b.clock);
  if (byClock !== 0) return byClock;
  return Buffer.compare(encodeVersion(a), encodeVersion(b));
}

/** The deterministic last-writer-wins version, or undefined for no versions. */
export function resolveLww(versions: readonly Version[]): Version | undefined {
  let best: Version | undefined;
  for (const v of versions) if (best === undefined || compareLww(v, best) > 0) best = v;
  return best;
}

/** The answer to a read of `object` at `now` under `policy`. */
export function resolveRead(object: VersionedObject | undefined, now: number, policy: ConflictPolicy): ReadResolution {
  const context = mergedClock(object);
  if (policy === 'lww') {
    const winner = resolveLww(object?.versions ?? []);
    if (winner === undefined || winner.value === null || !isLive(winner, now)) return { found: false, context };
    return { found: true, value: winner.value, version: winner, siblings: [winner], context };
  }
  const live = liveVersions(object, now);
  const winner = resolveLww(live);
  // liveVersions holds no tombstone; the null check only narrows the type.
  if (winner === undefined || winner.value === null) return { found: false, context };
  return { found: true, value: winner.value, version: winner, siblings: live, context };
}
