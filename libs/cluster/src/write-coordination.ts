/**
 * What the coordinating replica does with a write (SYSTEM.md §5 step 2): build the new version
 * from the client's context and its own actor entry, then merge it into what it stores.
 *
 * The new clock is the context with the actor's counter set to 1 + the largest counter of that
 * actor in the context or in any stored version. So the counter never goes backwards, even when
 * the client's context is stale or empty. When that skips past the context's own counter, the
 * version records the context's counter as `actorBase` (a dot gap, causal-history.ts), so the
 * new version supersedes exactly the versions the context covers; everything else, including
 * earlier versions this node coordinated that the client never saw, stays as a sibling.
 */
import { ClusterError } from './errors';
import { mergedClock, mergeObjects } from './object-merge';
import { counterOf, emptyClock, mergeClocks, setCounter, VectorClock } from './vector-clock';
import { validateVersion, Version, VersionedObject } from './versioned-object';

export interface WriteInput {
  /** The coordinating storage node's id. */
  readonly actor: string;
  /** New value bytes, or null to delete (write a tombstone). */
  readonly value: Uint8Array | null;
  /** The merged clock the client read (decodeContext); absent = concurrent with everything. */
  readonly context?: VectorClock;
  /** The coordinator's wall clock, ms. */
  readonly now: number;
  /** Lifetime of the value; ignored for deletes (a tombstone lives for gc grace). */
  readonly ttlSeconds?: number;
}

export interface WriteResult {
  /** The object to persist and fan out. */
  readonly object: VersionedObject;
  /** The version just created (its clock is the write's `vector_clock`). */
  readonly version: Version;
}

/** Coordinates a write; see the file comment. */
export function coordinateWrite(existing: VersionedObject | undefined, input: WriteInput): WriteResult {
  const { actor, value, now, ttlSeconds } = input;
  const context = input.context ?? emptyClock();
  if (ttlSeconds !== undefined && (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1)) {
    throw new ClusterError('INVALID_ARGUMENT', `ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
  let highest = counterOf(context, actor);
  for (const v of existing?.versions ?? []) highest = Math.max(highest, counterOf(v.clock, actor));
  const clock = setCounter(context, actor, highest + 1);
  const contextCounter = counterOf(context, actor);
  const version: { -readonly [K in keyof Version]: Version[K] } = { clock, value, writtenAt: now, actor };
  if (value !== null && ttlSeconds !== undefined) version.expiresAt = now + ttlSeconds * 1000;
  if (contextCounter < highest) version.actorBase = contextCounter;
  validateVersion(version);
  return { object: mergeObjects(existing, { versions: [version] }), version };
}

/**
 * A write under the `lww` conflict policy: the context is widened to the merged clock of every
 * stored version, so the write supersedes everything this replica holds, as last-writer-wins
 * means. Versions other replicas hold and this one has not seen stay siblings until they meet;
 * reads then pick the winner by timestamp (resolveLww), so replicas still converge.
 */
export function coordinateLwwWrite(existing: VersionedObject | undefined, input: WriteInput): WriteResult {
  const context = mergeClocks(input.context ?? emptyClock(), mergedClock(existing));
  return coordinateWrite(existing, { ...input, context });
}
