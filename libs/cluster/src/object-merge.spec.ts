import { encodeObject } from './object-codec';
import { mergedClock, mergeObjects, objectDescends, objectsEqual } from './object-merge';
import { bytes, randomObject, Rng } from './test-support/random';
import { compareHistories } from './causal-history';
import { makeClock } from './vector-clock';
import { Version, VersionedObject } from './versioned-object';

const v = (clock: Record<string, number>, value: string | null, writtenAt = 1000): Version => ({
  clock: makeClock(clock),
  value: value === null ? null : bytes(value),
  writtenAt,
  actor: Object.keys(clock)[0]!,
});
const obj = (...versions: Version[]): VersionedObject => ({ versions });
const enc = (o: VersionedObject) => encodeObject(o).toString('hex');
const values = (o: VersionedObject) => o.versions.map((x) => (x.value === null ? null : Buffer.from(x.value).toString()));

describe('mergeObjects: cases', () => {
  it.each([
    ['a newer version replaces an older one', obj(v({ a: 1 }, 'old')), obj(v({ a: 2 }, 'new')), ['new']],
    ['an older version never replaces a newer one', obj(v({ a: 2 }, 'new')), obj(v({ a: 1 }, 'old')), ['new']],
    ['concurrent versions become siblings', obj(v({ a: 1 }, 'x')), obj(v({ b: 1 }, 'y')), ['x', 'y']],
    ['a tombstone supersedes what it covers', obj(v({ a: 1 }, 'x')), obj(v({ a: 1, b: 1 }, null)), [null]],
    ['a write covering both siblings resolves them', obj(v({ a: 1 }, 'x'), v({ b: 1 }, 'y')), obj(v({ a: 1, b: 2 }, 'z')), ['z']],
    ['a write covering one sibling keeps the other', obj(v({ a: 1 }, 'x'), v({ b: 1 }, 'y')), obj(v({ a: 2 }, 'z')), ['z', 'y']],
    ['a dot gap does not supersede the skipped events', obj(v({ a: 1 }, 'x')), obj({ ...v({ a: 2 }, 'z'), actorBase: 0 }), ['x', 'z']],
    ['a dot gap supersedes what its base covers', obj(v({ a: 1 }, 'x')), obj({ ...v({ a: 3 }, 'z'), actorBase: 1 }), ['z']],
    ['a full clock supersedes a gap version', obj({ ...v({ a: 2 }, 'z'), actorBase: 0 }), obj(v({ a: 2, b: 1 }, 'w')), ['w']],
    ['equal clocks keep the later write', obj(v({ a: 1 }, 'early', 1000)), obj(v({ a: 1 }, 'late', 2000)), ['late']],
    ['equal clocks and times keep the tombstone', obj(v({ a: 1 }, 'x', 1000)), obj(v({ a: 1 }, null, 1000)), [null]],
    ['absent objects change nothing', obj(v({ a: 1 }, 'x')), undefined, ['x']],
  ])('%s', (_name, a, b, expected) => {
    expect(values(mergeObjects(a, b))).toEqual(expected);
    expect(values(mergeObjects(b, a))).toEqual(expected);
  });

  it('of nothing is the empty object', () => {
    expect(mergeObjects()).toEqual({ versions: [] });
    expect(mergeObjects(undefined, undefined)).toEqual({ versions: [] });
  });

  it('mergedClock covers tombstones and every sibling', () => {
    expect(mergedClock(obj(v({ a: 1, c: 4 }, 'x'), v({ b: 3 }, null)))).toEqual(makeClock({ a: 1, b: 3, c: 4 }));
    expect(mergedClock(undefined)).toEqual(makeClock({}));
  });

  it('objectDescends tells whether merging would add anything', () => {
    const older = obj(v({ a: 1 }, 'x'));
    const newer = obj(v({ a: 2 }, 'y'));
    expect(objectDescends(newer, older)).toBe(true);
    expect(objectDescends(older, newer)).toBe(false);
    expect(objectDescends(older, undefined)).toBe(true);
    expect(objectsEqual(obj(v({ a: 1 }, 'x'), v({ b: 1 }, 'y')), obj(v({ b: 1 }, 'y'), v({ a: 1 }, 'x')))).toBe(true);
  });
});

describe('mergeObjects: properties on generated objects', () => {
  const rng = new Rng(42);
  const samples = Array.from({ length: 60 }, () => randomObject(rng));

  // Plain comparisons in the hot loops, expect() only on a mismatch: thousands of expect calls
  // cost more than the merges under test.
  it('is commutative', () => {
    for (const a of samples) for (const b of samples) {
      const ab = enc(mergeObjects(a, b));
      const ba = enc(mergeObjects(b, a));
      if (ab !== ba) expect({ a, b, ab }).toEqual({ a, b, ab: ba });
    }
  });

  it('is associative', () => {
    const small = samples.slice(0, 16);
    let checked = 0;
    for (const a of small) for (const b of small) for (const c of small) {
      const left = enc(mergeObjects(mergeObjects(a, b), c));
      const right = enc(mergeObjects(a, mergeObjects(b, c)));
      if (left !== right) expect({ a, b, c, left }).toEqual({ a, b, c, left: right });
      checked++;
    }
    expect(checked).toBe(16 ** 3);
  });

  it('is idempotent', () => {
    for (const a of samples) {
      const m = mergeObjects(a);
      expect(enc(mergeObjects(m))).toBe(enc(m));
      expect(enc(mergeObjects(a, a))).toBe(enc(m));
      for (const b of samples.slice(0, 10)) {
        const ab = mergeObjects(a, b);
        expect(enc(mergeObjects(ab, b))).toBe(enc(ab));
      }
    }
  });

  it('keeps no dominated version, no duplicate clock, and covers every input version', () => {
    for (const a of samples) for (const b of samples.slice(0, 15)) {
      const m = mergeObjects(a, b);
      for (const x of m.versions) for (const y of m.versions) {
        if (x !== y) expect(compareHistories(x, y)).toBe('concurrent');
      }
      for (const input of [...a.versions, ...b.versions]) {
        expect(m.versions.some((x) => ['equal', 'after'].includes(compareHistories(x, input)))).toBe(true);
      }
    }
  });

  it('converges whatever order replicas receive versions in', () => {
    for (let round = 0; round < 100; round++) {
      const all = Array.from({ length: rng.int(2, 8) }, () => randomObject(rng)).flatMap((o) => o.versions);
      const reference = enc(mergeObjects(...all.map((x) => obj(x))));
      for (let k = 0; k < 5; k++) {
        let replica: VersionedObject | undefined;
        for (const x of rng.shuffle(all)) replica = mergeObjects(replica, obj(x));
        expect(enc(replica!)).toBe(reference);
      }
    }
  });
});
