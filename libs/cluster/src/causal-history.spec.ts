import { compareHistories, historyKey, supersedes } from './causal-history';
import { randomVersion, Rng } from './test-support/random';
import { compareClocks, makeClock } from './vector-clock';
import { Version } from './versioned-object';

const ver = (clock: Record<string, number>, actor: string, actorBase?: number): Version => ({
  clock: makeClock(clock),
  value: null,
  writtenAt: 0,
  actor,
  ...(actorBase === undefined ? {} : { actorBase }),
});

describe('causal histories (dotted version vectors)', () => {
  it.each([
    ['equal clocks, no gaps', ver({ a: 1 }, 'a'), ver({ a: 1 }, 'a'), 'equal'],
    ['plain domination', ver({ a: 1 }, 'a'), ver({ a: 2 }, 'a'), 'before'],
    ['a gap skips the events in between', ver({ a: 1 }, 'a'), ver({ a: 2 }, 'a', 0), 'concurrent'],
    ['a gap keeps what its base covers', ver({ a: 1 }, 'a'), ver({ a: 3 }, 'a', 1), 'before'],
    ['a gap version is covered by a full clock', ver({ a: 3 }, 'a', 0), ver({ a: 3, b: 1 }, 'b'), 'before'],
    ['two gaps on one actor are concurrent', ver({ a: 3 }, 'a', 0), ver({ a: 4 }, 'a', 0), 'concurrent'],
    ['a gap base covering the other dot', ver({ a: 3 }, 'a', 0), ver({ a: 5 }, 'a', 3), 'before'],
    ['same clock, gap vs none', ver({ a: 3 }, 'a', 1), ver({ a: 3 }, 'a'), 'before'],
    ['concurrent actors', ver({ a: 1 }, 'a'), ver({ b: 1 }, 'b'), 'concurrent'],
  ] as const)('%s: %s', (_name, x, y, expected) => {
    expect(compareHistories(x, y)).toBe(expected);
    const mirror = { equal: 'equal', before: 'after', after: 'before', concurrent: 'concurrent' } as const;
    expect(compareHistories(y, x)).toBe(mirror[expected]);
    expect(historyKey(x) === historyKey(y)).toBe(expected === 'equal');
  });

  const rng = new Rng(17);
  const samples = Array.from({ length: 80 }, () => randomVersion(rng));

  it('is a partial order on generated versions (reflexive, antisymmetric, transitive)', () => {
    for (const x of samples) expect(compareHistories(x, x)).toBe('equal');
    for (const x of samples) for (const y of samples) {
      const xy = compareHistories(x, y);
      if (xy === 'equal') expect(historyKey(x)).toBe(historyKey(y));
      if (!supersedes(x, y)) continue;
      expect(supersedes(y, x)).toBe(false);
      for (const z of samples) if (supersedes(y, z)) expect(supersedes(x, z)).toBe(true);
    }
  });

  it('is exactly the vector clock order when no version has a gap', () => {
    const plain = samples.map(({ actorBase: _drop, ...rest }) => rest);
    for (const x of plain) for (const y of plain) expect(compareHistories(x, y)).toBe(compareClocks(x.clock, y.clock));
  });
});
