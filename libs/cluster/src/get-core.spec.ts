import { CONSISTENCY_LEVELS, requiredAcks } from './consistency';
import { GetCore, GetOutcome } from './get-core';
import { encodeObject } from './object-codec';
import { mergeObjects } from './object-merge';
import { scenarios } from './test-support/orderings';
import { bytes } from './test-support/random';
import { makeClock } from './vector-clock';
import { VersionedObject } from './versioned-object';

const REPLICAS = ['r1', 'r2', 'r3', 'r4', 'r5'];
const version = (clock: Record<string, number>, value: string) => ({ clock: makeClock(clock), value: bytes(value), writtenAt: 1, actor: Object.keys(clock)[0]! });
const OBJECTS: Record<string, VersionedObject | undefined> = {
  none: undefined,
  old: { versions: [version({ a: 1 }, 'old')] },
  new: { versions: [version({ a: 2 }, 'new')] }, // supersedes old
  sib: { versions: [version({ b: 1 }, 'sib')] }, // concurrent with both
};
type State = 'fail' | keyof typeof OBJECTS | 'by-index';
const BY_INDEX = ['old', 'new', 'none', 'sib', 'old'];

const objectOf = (nodeId: string, state: State) => OBJECTS[state === 'by-index' ? BY_INDEX[REPLICAS.indexOf(nodeId)]! : state];
const keys = new WeakMap<VersionedObject, string>();
function key(o: VersionedObject | undefined): string {
  if (o === undefined || o.versions.length === 0) return 'absent';
  let k = keys.get(o);
  if (k === undefined) keys.set(o, (k = encodeObject(mergeObjects(o)).toString('hex')));
  return k;
}

function statesFor(n: number): Array<State | undefined> {
  if (n <= 3) return ['fail', 'none', 'old', 'new', 'sib', undefined];
  if (n === 4) return ['fail', 'none', 'old', 'new', undefined];
  return ['fail', 'by-index', undefined];
}

/** Reference: first prefix with r successes or too many failures; repairs from all answers. */
function expected(replicas: string[], r: number, events: ReadonlyArray<{ nodeId: string; state: State }>) {
  let outcome: GetOutcome | undefined;
  for (let i = 1; i <= events.length && outcome === undefined; i++) {
    const prefix = events.slice(0, i);
    const oks = prefix.filter((e) => e.state !== 'fail');
    const fails = prefix.length - oks.length;
    if (oks.length === r) {
      const merged = mergeObjects(...oks.map((e) => objectOf(e.nodeId, e.state)));
      outcome = { kind: 'ok', object: merged.versions.length > 0 ? merged : undefined, answers: r };
    } else if (fails === replicas.length - r + 1) {
      outcome = { kind: 'quorum-unreachable', answers: oks.length };
    }
  }
  const oks = events.filter((e) => e.state !== 'fail');
  outcome ??= { kind: 'deadline', answers: oks.length };
  const all = mergeObjects(...oks.map((e) => objectOf(e.nodeId, e.state)));
  const repairs =
    all.versions.length === 0
      ? []
      : replicas.filter((id) => oks.some((e) => e.nodeId === id && key(objectOf(id, e.state)) !== key(all)));
  return { outcome, repairs, merged: key(all) };
}

describe('GetCore: every ordering of answers, failures and silence, n = 1..5, each consistency', () => {
  for (let n = 1; n <= 5; n++) {
    for (const consistency of CONSISTENCY_LEVELS) {
      it(`n=${n} ${consistency}`, () => {
        const replicas = REPLICAS.slice(0, n);
        const r = requiredAcks(consistency, n);
        let cases = 0;
        for (const { events } of scenarios(replicas, statesFor(n))) {
          cases++;
          const core = new GetCore({ replicas, r });
          for (const e of events) {
            core.addResult(e.nodeId, e.state === 'fail' ? { ok: false } : { ok: true, object: objectOf(e.nodeId, e.state) });
          }
          if (!core.isDone()) core.deadlineExpired();
          const want = expected(replicas, r, events);
          const got = core.outcome();
          // Compare cheaply first; fall back to expect() for a readable failure.
          const same =
            got.kind === want.outcome.kind &&
            got.answers === want.outcome.answers &&
            (got.kind !== 'ok' || want.outcome.kind !== 'ok' || key(got.object) === key(want.outcome.object));
          if (!same) expect({ events, got }).toEqual({ events, got: want.outcome });
          const repairs = core.repairs();
          const repairIds = repairs.map((x) => x.nodeId);
          if (repairIds.join() !== want.repairs.join()) expect({ events, repairIds }).toEqual({ events, repairIds: want.repairs });
          for (const repair of repairs) if (key(repair.object) !== want.merged) expect(key(repair.object)).toBe(want.merged);
        }
        expect(cases).toBeGreaterThanOrEqual(3 ** n);
      });
    }
  }
});

describe('GetCore: contract details', () => {
  it('repairs late answerers and re-targets earlier ones when a late answer is newer', () => {
    const core = new GetCore({ replicas: ['a', 'b', 'c'], r: 2 });
    core.addResult('a', { ok: true, object: OBJECTS.old });
    core.addResult('b', { ok: true, object: OBJECTS.old });
    expect(core.outcome()).toMatchObject({ kind: 'ok', object: OBJECTS.old });
    expect(core.repairs()).toEqual([]);
    core.addResult('c', { ok: true, object: OBJECTS.new });
    expect(core.outcome()).toMatchObject({ kind: 'ok', object: OBJECTS.old }); // frozen
    expect(core.repairs()).toEqual([
      { nodeId: 'a', object: OBJECTS.new },
      { nodeId: 'b', object: OBJECTS.new },
    ]);
  });

  it('repairs a replica that answered nothing, but not one that failed', () => {
    const core = new GetCore({ replicas: ['a', 'b', 'c'], r: 1 });
    core.addResult('a', { ok: true, object: undefined });
    core.addResult('b', { ok: false });
    core.addResult('c', { ok: true, object: OBJECTS.sib });
    expect(core.outcome()).toEqual({ kind: 'ok', object: undefined, answers: 1 });
    expect(core.repairs().map((x) => x.nodeId)).toEqual(['a']);
    expect(core.allAnswered()).toBe(true);
  });

  it('throws NOT_DONE before the end and UNKNOWN_REPLICA for strangers', () => {
    const core = new GetCore({ replicas: ['a', 'b'], r: 2 });
    expect(() => core.outcome()).toThrow(expect.objectContaining({ code: 'NOT_DONE' }));
    expect(() => core.addResult('z', { ok: false })).toThrow(expect.objectContaining({ code: 'UNKNOWN_REPLICA' }));
  });

  it('is unreachable at once with fewer replicas than r', () => {
    expect(new GetCore({ replicas: ['a'], r: 2 }).outcome()).toEqual({ kind: 'quorum-unreachable', answers: 0 });
  });
});
