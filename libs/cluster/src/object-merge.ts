/**
 * Reconciliation of versioned objects by causal history (causal-history.ts: vector clocks with
 * dots): the join of a semilattice. mergeObjects keeps the union of the versions minus every
 * version that another one supersedes; versions with equal histories (equal clocks, and equal
 * dot gaps if any) collapse to one, chosen by a total order on their content. The result is
 * listed in canonical order (ascending clock bytes, then gap).
 *
 * Contract, relied on by replication, read repair, hinted handoff, streaming and compaction:
 * the merge is commutative, associative and idempotent, and its encoding depends only on the
 * SET of inputs. Replicas that have seen the same versions in any order hold identical bytes,
 * and a stale object can never overwrite a newer one.
 */
import { Buffer } from 'node:buffer';
import { compareHistories, historyKey } from './causal-history';
import { encodeVersion } from './object-codec';
import { mergeClocks, VectorClock } from './vector-clock';
import { Version, VersionedObject } from './versioned-object';

/**
 * Which of two versions with EQUAL histories survives (> 0: a). Equal histories with different content
 * only happen when a node lost its data and reused counters; any total order converges, and this
 * one prefers the later write, then a tombstone (so an expired version that compaction turned
 * into a tombstone replaces its live-but-expired copies), then the larger encoding.
 */
export function compareEqualHistoryVersions(a: Version, b: Version): number {
  if (a.writtenAt !== b.writtenAt) return a.writtenAt - b.writtenAt;
  const aTomb = a.value === null ? 1 : 0;
  const bTomb = b.value === null ? 1 : 0;
  if (aTomb !== bTomb) return aTomb - bTomb;
  return Buffer.compare(encodeVersion(a), encodeVersion(b));
}

interface Candidate {
  readonly version: Version;
  readonly key: string;
}

/** Merges any number of objects (undefined = absent). Always returns an object, possibly empty. */
export function mergeObjects(...objects: Array<VersionedObject | undefined>): VersionedObject {
  // 1. Collapse equal histories.
  const byHistory = new Map<string, Version>();
  for (const object of objects) {
    if (object === undefined) continue;
    for (const version of object.versions) {
      const key = historyKey(version);
      const current = byHistory.get(key);
      if (current === undefined || compareEqualHistoryVersions(version, current) > 0) byHistory.set(key, version);
    }
  }
  const candidates: Candidate[] = [...byHistory].map(([key, version]) => ({ key, version }));
  // 2. Drop every version another one supersedes (histories are now distinct).
  const survivors = candidates.filter(
    (c) => !candidates.some((other) => other !== c && compareHistories(other.version, c.version) === 'after'),
  );
  // 3. Canonical order.
  survivors.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return { versions: survivors.map((c) => c.version) };
}

/** The merged clock of every version (tombstones and expired ones included): a read's context. */
export function mergedClock(object: VersionedObject | undefined): VectorClock {
  return mergeClocks(...(object?.versions ?? []).map((v) => v.clock));
}

/** Whether `a` already contains everything `b` knows (merging b into a changes nothing). */
export function objectDescends(a: VersionedObject | undefined, b: VersionedObject | undefined): boolean {
  if (b === undefined || b.versions.length === 0) return true;
  return objectsEqual(mergeObjects(a, b), mergeObjects(a));
}

/** Equality of the version SETS (canonical forms compared byte for byte). */
export function objectsEqual(a: VersionedObject | undefined, b: VersionedObject | undefined): boolean {
  const x = mergeObjects(a).versions;
  const y = mergeObjects(b).versions;
  if (x.length !== y.length) return false;
  return x.every((v, i) => encodeVersion(v).equals(encodeVersion(y[i])));
}
