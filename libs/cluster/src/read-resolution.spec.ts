import { mergedClock } from './object-merge';
import { compareLww, liveVersions, resolveLww, resolveRead } from './read-resolution';
import { bytes } from './test-support/random';
import { makeClock } from './vector-clock';
import { coordinateWrite } from './write-coordination';
import { Version, VersionedObject } from './versioned-object';

const NOW = 10_000;
const v = (actor: string, counter: number, value: string | null, writtenAt: number, expiresAt?: number): Version => ({
  clock: makeClock({ [actor]: counter }),
  value: value === null ? null : bytes(value),
  writtenAt,
  actor,
  ...(expiresAt === undefined ? {} : { expiresAt }),
});
const text = (x: Version | undefined) => (x?.value == null ? x?.value : Buffer.from(x.value).toString());

describe('resolveLww', () => {
  it.each([
    ['latest writtenAt wins', [v('a', 1, 'old', 1), v('b', 1, 'new', 2)], 'new'],
    ['ties go to the greater actor id', [v('b', 1, 'from-b', 5), v('a', 1, 'from-a', 5)], 'from-b'],
    ['then to the greater clock bytes', [v('a', 1, 'one', 5), v('a', 2, 'two', 5)], 'two'],
    ['a tombstone can win', [v('a', 1, 'x', 1), v('b', 1, null, 2)], null],
  ])('%s', (_name, versions, expected) => {
    expect(text(resolveLww(versions))).toEqual(expected);
    expect(text(resolveLww([...versions].reverse()))).toEqual(expected);
  });

  it('is undefined for no versions and total on distinct versions', () => {
    expect(resolveLww([])).toBeUndefined();
    const x = v('a', 1, 'x', 5);
    const y = { ...x, value: bytes('y') };
    expect(Math.sign(compareLww(x, y))).toBe(-Math.sign(compareLww(y, x)));
    expect(compareLww(x, y)).not.toBe(0);
  });
});

describe('resolveRead', () => {
  const obj = (...versions: Version[]): VersionedObject => ({ versions });

  it.each([
    ['absent object', undefined, 'lww', false, undefined, 0],
    ['one live value', obj(v('a', 1, 'x', 1)), 'lww', true, 'x', 1],
    ['a tombstone', obj(v('a', 1, null, 1)), 'lww', false, undefined, 0],
    ['an expired value', obj(v('a', 1, 'x', 1, NOW)), 'lww', false, undefined, 0],
    ['a value expiring later', obj(v('a', 1, 'x', 1, NOW + 1)), 'lww', true, 'x', 1],
    ['lww: newest sibling wins', obj(v('a', 1, 'x', 1), v('b', 1, 'y', 2)), 'lww', true, 'y', 1],
    ['lww: a newer concurrent delete hides the value', obj(v('a', 1, 'x', 1), v('b', 1, null, 2)), 'lww', false, undefined, 0],
    ['lww: a newer expired write hides the older value', obj(v('a', 1, 'x', 1), v('b', 1, 'y', 2, 3)), 'lww', false, undefined, 0],
    ['siblings: every live value', obj(v('a', 1, 'x', 1), v('b', 1, 'y', 2)), 'siblings', true, 'y', 2],
    ['siblings: a concurrent delete leaves the value', obj(v('a', 1, 'x', 1), v('b', 1, null, 2)), 'siblings', true, 'x', 1],
    ['siblings: expired siblings are dropped', obj(v('a', 1, 'x', 1), v('b', 1, 'y', 2, 3)), 'siblings', true, 'x', 1],
  ] as const)('%s (%s)', (_name, object, policy, found, value, siblings) => {
    const result = resolveRead(object, NOW, policy);
    expect(result.found).toBe(found);
    expect(result.context).toEqual(mergedClock(object));
    if (result.found) {
      expect(Buffer.from(result.value).toString()).toBe(value);
      expect(result.siblings).toHaveLength(siblings);
      expect(result.siblings).toContain(result.version);
    }
  });

  it('drops tombstones and expired versions from liveVersions', () => {
    expect(liveVersions({ versions: [v('a', 1, 'x', 1), v('b', 1, null, 1), v('c', 1, 'z', 1, NOW)] }, NOW).map(text)).toEqual(['x']);
  });

  it('siblings policy: two writes without context at one node both show, and the read context resolves them', () => {
    const first = coordinateWrite(undefined, { actor: 'n1', value: bytes('x'), now: 1 }).object;
    const second = coordinateWrite(first, { actor: 'n1', value: bytes('y'), now: 2 }).object;
    const read = resolveRead(second, NOW, 'siblings');
    expect(read.found && read.siblings.map(text).sort()).toEqual(['x', 'y']);
    const resolved = coordinateWrite(second, { actor: 'n2', value: bytes('z'), context: read.context, now: 3 }).object;
    expect(resolved.versions.map(text)).toEqual(['z']);
  });
});
