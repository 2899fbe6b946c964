import { CONSISTENCY_LEVELS, requiredAcks } from './consistency';
import { PutCore, PutOutcome } from './put-core';
import { scenarios } from './test-support/orderings';

const REPLICAS = ['r1', 'r2', 'r3', 'r4', 'r5'];

/** Reference: scan prefixes for the first point where w acks or too many failures happened. */
function expectedOutcome(replicas: string[], w: number, events: ReadonlyArray<{ nodeId: string; state: 'ack' | 'fail' }>): PutOutcome {
  for (let i = 1; i <= events.length; i++) {
    const prefix = events.slice(0, i);
    const acks = prefix.filter((e) => e.state === 'ack').length;
    const failed = prefix.filter((e) => e.state === 'fail');
    if (acks === w) return { kind: 'ok', acks };
    if (failed.length === replicas.length - w + 1) {
      return { kind: 'quorum-unreachable', acks, failures: failed.map((e) => ({ nodeId: e.nodeId, reason: `${e.nodeId} down` })) };
    }
  }
  return { kind: 'deadline', acks: events.filter((e) => e.state === 'ack').length };
}

describe('PutCore: every ordering of acks, failures and silence, n = 1..5, each consistency', () => {
  for (let n = 1; n <= 5; n++) {
    for (const consistency of CONSISTENCY_LEVELS) {
      it(`n=${n} ${consistency}`, () => {
        const replicas = REPLICAS.slice(0, n);
        const w = requiredAcks(consistency, n);
        let cases = 0;
        for (const { events } of scenarios(replicas, ['ack', 'fail', undefined] as const)) {
          cases++;
          const core = new PutCore({ replicas, n, w });
          const expected = expectedOutcome(replicas, w, events);
          let doneAt = -1;
          events.forEach((e, i) => {
            core.addResult(e.nodeId, e.state === 'ack' ? { ok: true } : { ok: false, reason: `${e.nodeId} down` });
            if (doneAt < 0 && core.isDone()) doneAt = i;
          });
          if (!core.isDone()) {
            expect(expected.kind).toBe('deadline');
            core.deadlineExpired();
          }
          // Plain comparisons first, expect() only on a mismatch (for a readable report).
          const got = core.outcome();
          if (JSON.stringify(got) !== JSON.stringify(expected)) expect({ events, got }).toEqual({ events, got: expected });
          // Answers after the end are still recorded: hints go only to replicas that never acked.
          const acked = events.filter((e) => e.state === 'ack').map((e) => e.nodeId);
          const pending = replicas.filter((id) => !acked.includes(id));
          if (core.pendingReplicas().join() !== pending.join()) expect(core.pendingReplicas()).toEqual(pending);
          const ackedInOrder = replicas.filter((id) => acked.includes(id));
          if (core.acknowledged().join() !== ackedInOrder.join()) expect(core.acknowledged()).toEqual(ackedInOrder);
          if (core.allAnswered() !== (events.length === n)) expect(core.allAnswered()).toBe(events.length === n);
          // It finishes as soon as the outcome is decided: before the deadline when it can.
          if (expected.kind !== 'deadline' && doneAt < 0) expect({ events, doneAt }).toBe('done before the deadline');
        }
        expect(cases).toBeGreaterThanOrEqual(3 ** n);
      });
    }
  }
});

describe('PutCore: contract details', () => {
  it('is unreachable at once when fewer replicas exist than w', () => {
    const core = new PutCore({ replicas: ['a', 'b'], n: 3, w: 3 });
    expect(core.isDone()).toBe(true);
    expect(core.outcome()).toEqual({ kind: 'quorum-unreachable', acks: 0, failures: [] });
  });

  it('keeps the first answer of a replica and the frozen outcome', () => {
    const core = new PutCore({ replicas: ['a', 'b', 'c'], n: 3, w: 2 });
    core.addResult('a', { ok: false, reason: 'x' });
    core.addResult('a', { ok: true });
    expect(core.acknowledged()).toEqual([]);
    core.addResult('b', { ok: true });
    core.addResult('c', { ok: true });
    expect(core.outcome()).toEqual({ kind: 'ok', acks: 2 });
    core.deadlineExpired();
    expect(core.outcome()).toEqual({ kind: 'ok', acks: 2 });
  });

  it('throws NOT_DONE before the end and UNKNOWN_REPLICA for strangers', () => {
    const core = new PutCore({ replicas: ['a', 'b'], n: 2, w: 2 });
    expect(() => core.outcome()).toThrow(expect.objectContaining({ code: 'NOT_DONE' }));
    expect(() => core.addResult('z', { ok: true })).toThrow(expect.objectContaining({ code: 'UNKNOWN_REPLICA' }));
  });

  it.each([
    [{ replicas: ['a'], n: 1, w: 0 }],
    [{ replicas: ['a'], n: 1, w: 2 }],
    [{ replicas: ['a', 'a'], n: 2, w: 1 }],
    [{ replicas: ['a', 'b', 'c'], n: 2, w: 1 }],
  ])('rejects %o', (options) => {
    expect(() => new PutCore(options)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
