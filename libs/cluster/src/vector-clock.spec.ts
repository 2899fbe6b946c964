import { decodeClock, encodeClock } from './clock-codec';
import {
  clockEntries,
  clockToRecord,
  compareClocks,
  counterOf,
  descends,
  dominates,
  emptyClock,
  incrementClock,
  makeClock,
  mergeClocks,
  setCounter,
  VectorClock,
} from './vector-clock';

// Every clock over three actors with counters 0..2: 27 clocks, exhaustive over pairs and triples.
const ACTORS = ['a', 'b', 'c'];
const VECTORS: number[][] = [];
for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) for (let z = 0; z < 3; z++) VECTORS.push([x, y, z]);
const clockOf = (v: number[]): VectorClock => makeClock(ACTORS.map((a, i) => [a, v[i]!] as const));
const CLOCKS = VECTORS.map(clockOf);

// Independent oracle over plain arrays.
function oracle(a: number[], b: number[]): string {
  const ge = a.every((x, i) => x >= b[i]!);
  const le = a.every((x, i) => x <= b[i]!);
  return ge && le ? 'equal' : ge ? 'after' : le ? 'before' : 'concurrent';
}

describe('vector clock order', () => {
  it('matches the pointwise order on every pair', () => {
    for (let i = 0; i < CLOCKS.length; i++) {
      for (let j = 0; j < CLOCKS.length; j++) {
        expect(compareClocks(CLOCKS[i]!, CLOCKS[j]!)).toBe(oracle(VECTORS[i]!, VECTORS[j]!));
      }
    }
  });

  it('is reflexive', () => {
    for (const c of CLOCKS) {
      expect(compareClocks(c, c)).toBe('equal');
      expect(descends(c, c)).toBe(true);
      expect(dominates(c, c)).toBe(false);
    }
  });

  it('is antisymmetric: before/after mirror, equal and concurrent are symmetric', () => {
    const mirror: Record<string, string> = { equal: 'equal', before: 'after', after: 'before', concurrent: 'concurrent' };
    for (const a of CLOCKS) for (const b of CLOCKS) expect(compareClocks(b, a)).toBe(mirror[compareClocks(a, b)]);
  });

  it('descends both ways only for equal clocks', () => {
    for (const a of CLOCKS) for (const b of CLOCKS) {
      if (descends(a, b) && descends(b, a)) expect(encodeClock(a).equals(encodeClock(b))).toBe(true);
    }
  });

  it('is transitive on every triple', () => {
    for (const a of CLOCKS) for (const b of CLOCKS) {
      if (!descends(a, b)) continue;
      for (const c of CLOCKS) if (descends(b, c)) expect(descends(a, c)).toBe(true);
    }
  });

  it('treats absent actors as zero', () => {
    expect(compareClocks(emptyClock(), makeClock({ a: 1 }))).toBe('before');
    expect(compareClocks(makeClock({ a: 1 }), makeClock({ b: 1 }))).toBe('concurrent');
    expect(makeClock({ a: 0, b: 2 })).toEqual(makeClock({ b: 2 }));
    expect(counterOf(makeClock({ a: 3 }), 'z')).toBe(0);
  });
});

describe('vector clock merge', () => {
  it('is commutative, idempotent and the least upper bound on every pair', () => {
    for (const a of CLOCKS) for (const b of CLOCKS) {
      const m = mergeClocks(a, b);
      expect(encodeClock(m)).toEqual(encodeClock(mergeClocks(b, a)));
      expect(descends(m, a) && descends(m, b)).toBe(true);
      // Least: any other upper bound descends the merge.
      for (const u of CLOCKS) if (descends(u, a) && descends(u, b)) expect(descends(u, m)).toBe(true);
    }
    for (const a of CLOCKS) expect(encodeClock(mergeClocks(a, a))).toEqual(encodeClock(a));
  });

  it('is associative on every triple', () => {
    for (const a of CLOCKS) for (const b of CLOCKS) for (const c of CLOCKS) {
      expect(encodeClock(mergeClocks(mergeClocks(a, b), c))).toEqual(encodeClock(mergeClocks(a, mergeClocks(b, c))));
    }
  });

  it('has the empty clock as identity', () => {
    for (const a of CLOCKS) expect(encodeClock(mergeClocks(a, emptyClock()))).toEqual(encodeClock(a));
  });
});

describe('vector clock updates and canonical form', () => {
  it('increment strictly dominates and only touches its actor', () => {
    for (const c of CLOCKS) for (const actor of [...ACTORS, 'new']) {
      const next = incrementClock(c, actor);
      expect(compareClocks(next, c)).toBe('after');
      expect(counterOf(next, actor)).toBe(counterOf(c, actor) + 1);
      for (const other of ACTORS.filter((x) => x !== actor)) expect(counterOf(next, other)).toBe(counterOf(c, other));
    }
  });

  it('lists actors in ascending order whatever the insertion order, so equal clocks encode equally', () => {
    const x = makeClock([['zeta', 1], ['alpha', 2], ['10', 3], ['2', 4]]);
    const y = makeClock({ '2': 4, alpha: 2, zeta: 1, '10': 3 });
    expect(clockEntries(x).map(([a]) => a)).toEqual(['10', '2', 'alpha', 'zeta']);
    expect(clockEntries(y)).toEqual([['10', 3], ['2', 4], ['alpha', 2], ['zeta', 1]]);
    expect(encodeClock(x)).toEqual(encodeClock(y));
    expect(decodeClock(encodeClock(x))).toEqual(x);
  });

  it('treats "__proto__" as an ordinary actor', () => {
    const c = setCounter(emptyClock(), '__proto__', 5);
    expect(counterOf(c, '__proto__')).toBe(5);
    expect(counterOf(emptyClock(), '__proto__')).toBe(0);
    expect(counterOf(c, 'toString')).toBe(0);
    expect(JSON.stringify(clockToRecord(c))).toBe('{"__proto__":5}');
    expect(decodeClock(encodeClock(c))).toEqual(c);
  });

  it('never mutates its inputs', () => {
    const c = makeClock({ a: 1 });
    incrementClock(c, 'a');
    mergeClocks(c, makeClock({ a: 5 }));
    expect(c).toEqual(makeClock({ a: 1 }));
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ a: -1 }],
    [{ a: 1.5 }],
    [{ a: Number.MAX_SAFE_INTEGER + 1 }],
    [{ '': 1 }],
    [{ ['x'.repeat(256)]: 1 }],
  ])('rejects %o', (record) => {
    expect(() => makeClock(record)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects duplicate actors in entry lists', () => {
    expect(() => makeClock([['a', 1], ['a', 2]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
