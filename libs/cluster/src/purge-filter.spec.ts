import { decodeObject, encodeObject } from './object-codec';
import { purgeFilter, PurgeDecision } from './purge-filter';
import { bytes } from './test-support/random';
import { makeClock } from './vector-clock';
import { Version } from './versioned-object';

const GRACE = 1000;
const KEY = bytes('k');
const live = (actor: string, writtenAt: number, expiresAt?: number): Version => ({
  clock: makeClock({ [actor]: 1 }),
  value: bytes(actor),
  writtenAt,
  actor,
  ...(expiresAt === undefined ? {} : { expiresAt }),
});
const tomb = (actor: string, writtenAt: number): Version => ({ clock: makeClock({ [actor]: 1 }), value: null, writtenAt, actor });
const run = (versions: Version[], now: number, bottommost: boolean): PurgeDecision =>
  purgeFilter({ gcGraceMs: GRACE })(KEY, encodeObject({ versions }), { now, bottommost });
const summary = (d: PurgeDecision) =>
  d.action === 'rewrite' ? decodeObject(d.value).versions.map((v) => `${v.actor}:${v.value === null ? 'tomb' : 'live'}`) : d.action;

describe('purgeFilter', () => {
  it.each([
    ['a live value stays', [live('a', 0)], 5000, true, 'keep'],
    ['a young tombstone stays', [tomb('a', 4500)], 5000, true, 'keep'],
    ['a tombstone past gc grace goes at the bottommost level', [tomb('a', 4000)], 5000, true, 'drop'],
    ['but stays above it (older data below could resurrect)', [tomb('a', 0)], 5000, false, 'keep'],
    ['an expired value becomes a tombstone at once', [live('a', 0, 4500)], 5000, false, ['a:tomb']],
    ['an expired value past gc grace goes at the bottommost level', [live('a', 0, 4000)], 5000, true, 'drop'],
    ['an expired value within gc grace becomes a tombstone at the bottom too', [live('a', 0, 4500)], 5000, true, ['a:tomb']],
    ['a value expiring later stays', [live('a', 0, 6000)], 5000, true, 'keep'],
    ['only the dead sibling goes', [live('a', 0), tomb('b', 0)], 5000, true, ['a:live']],
    ['siblings are tombstoned one by one', [live('a', 0, 4500), live('b', 0)], 5000, false, ['a:tomb', 'b:live']],
  ] as const)('%s', (_name, versions, now, bottommost, expected) => {
    expect(summary(run([...versions], now, bottommost))).toEqual(expected);
  });

  it('keeps bytes it cannot decode', () => {
    expect(purgeFilter({ gcGraceMs: GRACE })(KEY, bytes('junk'), { now: 1, bottommost: true })).toEqual({ action: 'keep' });
  });

  it('rejects a negative grace', () => {
    expect(() => purgeFilter({ gcGraceMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
