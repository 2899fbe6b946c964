/**
 * Which versions supersede which: dotted version vectors.
 *
 * Actors are storage nodes, not clients (SYSTEM.md §3). With plain version vectors that loses
 * data: node n1 holds {n1:1}; a write WITHOUT context coordinated by n1 must get a counter no one
 * used, {n1:2}, and {n1:2} dominates {n1:1}, so the write would silently replace a version it
 * never saw, where the spec wants a sibling. The fix (Preguiça et al., "Dotted Version Vectors",
 * as in Riak 2) is to tell apart the event that created a version, its dot (actor, clock[actor]),
 * from the context it saw. When the context's actor counter (`actorBase`) is below dot - 1 there
 * is a gap: the events in between are NOT in the version's history.
 *
 * The history of a version is therefore, per actor a: the events 1..clock[a], except for the
 * version's own actor with a gap, where it is 1..actorBase plus the single dot. A version
 * supersedes another when its history strictly includes the other's. Set inclusion is a partial
 * order whatever the data, so the merge stays a semilattice join even on corrupt input. Without
 * any gap this is exactly the pointwise order of the vector clocks.
 *
 * `clock` stays the full vector (context plus dot): it is what the API shows and what a read's
 * context merges. Covering a gap in a context is harmless, because every object holding the gap
 * version also holds (or superseded) the versions in the gap: it was created by merging with them.
 */
import { encodeClock } from './clock-codec';
import { ClockOrder, clockActors, counterOf } from './vector-clock';
import { Version } from './versioned-object';

/** Events of one actor in a history: 1..prefix, plus `dot` when it is past prefix + 1. */
interface ActorEvents {
  readonly prefix: number;
  readonly dot: number | undefined;
}

function eventsOf(version: Version, actor: string): ActorEvents {
  const counter = counterOf(version.clock, actor);
  if (actor === version.actor && version.actorBase !== undefined && version.actorBase < counter - 1) {
    return { prefix: version.actorBase, dot: counter };
  }
  return { prefix: counter, dot: undefined };
}

/** Whether events `x` are a subset of `y` (both canonical: a dot is never prefix + 1). */
function subset(x: ActorEvents, y: ActorEvents): boolean {
  if (x.prefix > y.prefix) return false;
  return x.dot === undefined || x.dot <= y.prefix || x.dot === y.dot;
}

function historyIncluded(x: Version, y: Version): boolean {
  for (const actor of clockActors(x.clock)) {
    if (!subset(eventsOf(x, actor), eventsOf(y, actor))) return false;
  }
  return true;
}

/** How `a`'s history relates to `b`'s: 'before' means b supersedes a. */
export function compareHistories(a: Version, b: Version): ClockOrder {
  const ab = historyIncluded(a, b);
  const ba = historyIncluded(b, a);
  if (ab && ba) return 'equal';
  if (ab) return 'before';
  if (ba) return 'after';
  return 'concurrent';
}

/** Whether `a` supersedes `b` (strictly larger history). */
export function supersedes(a: Version, b: Version): boolean {
  return compareHistories(a, b) === 'after';
}

/** A string equal for two versions exactly when their histories are equal. */
export function historyKey(version: Version): string {
  const clock = encodeClock(version.clock).toString('latin1');
  const gap = eventsOf(version, version.actor).dot !== undefined;
  return gap ? `${clock}\u0000${version.actor}\u0000${version.actorBase}` : clock;
}
