import { mergedClock, mergeObjects } from './object-merge';
import { resolveRead } from './read-resolution';
import { bytes, randomObject, Rng } from './test-support/random';
import { compareClocks, counterOf, emptyClock, makeClock } from './vector-clock';
import { coordinateLwwWrite, coordinateWrite } from './write-coordination';
import { Version, VersionedObject } from './versioned-object';

const NOW = 1_700_000_000_000;
const v = (clock: Record<string, number>, value: string | null): Version => ({
  clock: makeClock(clock),
  value: value === null ? null : bytes(value),
  writtenAt: NOW - 1000,
  actor: Object.keys(clock)[0]!,
});
const text = (o: VersionedObject) => o.versions.map((x) => (x.value === null ? null : Buffer.from(x.value).toString())).sort();

describe('coordinateWrite', () => {
  it('starts a fresh key at counter 1 of the coordinating node', () => {
    const { object, version } = coordinateWrite(undefined, { actor: 'n1', value: bytes('x'), now: NOW });
    expect(version.clock).toEqual(makeClock({ n1: 1 }));
    expect(version).toMatchObject({ actor: 'n1', writtenAt: NOW });
    expect(object.versions).toEqual([version]);
  });

  it.each([
    ['with the read context, supersedes what was read', [v({ n1: 1 }, 'a')], { n1: 1 }, ['b'], { n1: 2 }],
    ['without context, becomes a sibling of what exists', [v({ n1: 1 }, 'a')], undefined, ['a', 'b'], { n1: 2 }],
    ['with a context covering both siblings, resolves them', [v({ n1: 1 }, 'a'), v({ n2: 1 }, 'c')], { n1: 1, n2: 1 }, ['b'], { n1: 2, n2: 1 }],
    ['with a context covering one sibling, keeps the other', [v({ n1: 1 }, 'a'), v({ n2: 1 }, 'c')], { n2: 1 }, ['a', 'b'], { n1: 2, n2: 1 }],
    ['with a stale context, never reuses a counter', [v({ n1: 5 }, 'a')], { n1: 2 }, ['a', 'b'], { n1: 6 }],
    ['with a context newer than local data, goes past it', [v({ n1: 1 }, 'a')], { n1: 9, n2: 3 }, ['b'], { n1: 10, n2: 3 }],
    ['on another replica, adds its own entry', [v({ n1: 4 }, 'a')], { n1: 4 }, ['b'], { n1: 4, n9: 1 }],
  ] as const)('%s', (_name, existing, context, expected, clock) => {
    const actor = _name.includes('another replica') ? 'n9' : 'n1';
    const { object, version } = coordinateWrite({ versions: existing }, {
      actor,
      value: bytes('b'),
      context: context === undefined ? undefined : makeClock(context),
      now: NOW,
    });
    expect(text(object)).toEqual(expected);
    expect(version.clock).toEqual(makeClock(clock));
  });

  it('writes a tombstone for a delete and ignores a TTL on it', () => {
    const { object, version } = coordinateWrite({ versions: [v({ n1: 1 }, 'a')] }, { actor: 'n1', value: null, context: makeClock({ n1: 1 }), now: NOW, ttlSeconds: 60 });
    expect(object.versions).toEqual([version]);
    expect(version.value).toBeNull();
    expect(version.expiresAt).toBeUndefined();
  });

  it('sets expiresAt from the TTL', () => {
    expect(coordinateWrite(undefined, { actor: 'n1', value: bytes('x'), now: NOW, ttlSeconds: 60 }).version.expiresAt).toBe(NOW + 60_000);
  });

  it.each([0, -1, 1.5])('rejects ttlSeconds %s', (ttlSeconds) => {
    expect(() => coordinateWrite(undefined, { actor: 'n1', value: bytes('x'), now: NOW, ttlSeconds })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('always produces a version that survives and dominates exactly what the context covers (generated)', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 400; i++) {
      const existing = mergeObjects(randomObject(rng));
      const context = rng.bool(0.3) ? undefined : rng.bool() ? mergedClock(existing) : rng.pick(existing.versions).clock;
      const actor = rng.pick(['node-a', 'node-b', 'node-z']);
      const { object, version } = coordinateWrite(existing, { actor, value: bytes('new'), context, now: NOW });
      expect(object.versions).toContain(version);
      for (const old of existing.versions) {
        expect(counterOf(version.clock, actor)).toBeGreaterThan(counterOf(old.clock, actor));
        const covered = compareClocks(context ?? emptyClock(), old.clock);
        const kept = object.versions.includes(old);
        expect(kept).toBe(covered !== 'after' && covered !== 'equal');
      }
    }
  });
});

describe('coordinateLwwWrite', () => {
  it('supersedes everything stored even without context', () => {
    const existing = { versions: [v({ n1: 1 }, 'a'), v({ n2: 3 }, 'c')] };
    const { object, version } = coordinateLwwWrite(existing, { actor: 'n1', value: bytes('b'), now: NOW });
    expect(object.versions).toEqual([version]);
    expect(version.clock).toEqual(makeClock({ n1: 2, n2: 3 }));
    expect(resolveRead(object, NOW, 'lww')).toMatchObject({ found: true, value: bytes('b') });
  });
});
