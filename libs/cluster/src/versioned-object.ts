/**
 * The data model of a stored object (SYSTEM.md §3): a set of versions, each with a vector clock,
 * a value or a tombstone, when it was written, when it expires, and which storage node
 * coordinated it. Versions in an object never dominate one another (object-merge.ts keeps it so);
 * more than one version means concurrent siblings.
 *
 * Objects are plain immutable data. Values are opaque bytes (the gateway's JSON encoding).
 */
import { ClusterError } from './errors';
import { isValidActor, isValidCounter, VectorClock } from './vector-clock';

export interface Version {
  readonly clock: VectorClock;
  /** The value bytes, or null for a tombstone (a delete). */
  readonly value: Uint8Array | null;
  /** Wall-clock ms since the epoch at the coordinating replica; only breaks LWW ties. */
  readonly writtenAt: number;
  /** Wall-clock ms since the epoch after which the version reads as absent. */
  readonly expiresAt?: number;
  /** The storage node that coordinated this version; (actor, clock[actor]) is its dot, the
   *  event that created it, so clock[actor] >= 1. */
  readonly actor: string;
  /**
   * The actor's counter in the context the write carried, present only when it is below
   * clock[actor] - 1: the write did not see the actor's events in between (a write without or
   * with a stale context), so it must not supersede them. Absent means clock[actor] - 1.
   * See causal-history.ts.
   */
  readonly actorBase?: number;
}

export interface VersionedObject {
  /** Mutually non-dominated versions in canonical order (ascending clock bytes). */
  readonly versions: readonly Version[];
}

/** Short alias used across the coordinator. */
export type Obj = VersionedObject;

export function isTombstone(version: Version): boolean {
  return version.value === null;
}

/** Whether the version has expired at `now` (expiry is exclusive of the instant: live while now < expiresAt). */
export function isExpired(version: Version, now: number): boolean {
  return version.expiresAt !== undefined && version.expiresAt <= now;
}

/** A version that reads as a value at `now`: not a tombstone, not expired. */
export function isLive(version: Version, now: number): boolean {
  return !isTombstone(version) && !isExpired(version, now);
}

/**
 * When the version stopped being readable, for gc grace: a tombstone's is when it was written
 * (or its expiry, if earlier code turned an expired version into a tombstone), a live version's
 * is its expiry, and a version without expiry that is not a tombstone never stops (undefined).
 */
export function deathTime(version: Version): number | undefined {
  if (version.value === null) return version.expiresAt ?? version.writtenAt;
  return version.expiresAt;
}

function isTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Throws INVALID_ARGUMENT unless `version` is well-formed (so that it can be encoded). */
export function validateVersion(version: Version): void {
  const fail = (why: string): never => {
    throw new ClusterError('INVALID_ARGUMENT', `invalid version: ${why}`);
  };
  if (version === null || typeof version !== 'object') fail('not an object');
  if (!isValidActor(version.actor)) fail('bad actor');
  if (!isTimestamp(version.writtenAt)) fail('writtenAt must be a non-negative integer (ms)');
  if (version.expiresAt !== undefined && !isTimestamp(version.expiresAt)) fail('expiresAt must be a non-negative integer (ms)');
  if (version.value !== null && !(version.value instanceof Uint8Array)) fail('value must be bytes or null');
  if (version.clock === null || typeof version.clock !== 'object') fail('clock must be an object');
  for (const actor of Object.keys(version.clock)) {
    if (!isValidActor(actor) || !isValidCounter(version.clock[actor])) fail(`bad clock entry ${JSON.stringify(actor)}`);
  }
  const dot = Object.prototype.hasOwnProperty.call(version.clock, version.actor) ? version.clock[version.actor] : 0;
  if (dot < 1) fail('the clock has no entry for the version\'s actor');
  if (version.actorBase !== undefined && !(Number.isSafeInteger(version.actorBase) && version.actorBase >= 0 && version.actorBase < dot - 1)) {
    fail('actorBase must be an integer in [0, clock[actor] - 1)');
  }
}

export function emptyObject(): VersionedObject {
  return { versions: [] };
}
