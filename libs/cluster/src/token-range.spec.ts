import { MAX_TOKEN, RING_SIZE } from './token';
import { coalesceRanges, offsetInRange, rangeContains, rangeSize, rangeWraps, splitRange, TokenRange } from './token-range';

const r = (start: bigint, end: bigint): TokenRange => ({ start, end });

describe('token ranges (start, end]', () => {
  it.each([
    [r(10n, 20n), 10n, false],
    [r(10n, 20n), 11n, true],
    [r(10n, 20n), 20n, true],
    [r(10n, 20n), 21n, false],
    [r(MAX_TOKEN - 1n, 5n), MAX_TOKEN, true],
    [r(MAX_TOKEN - 1n, 5n), 0n, true],
    [r(MAX_TOKEN - 1n, 5n), 5n, true],
    [r(MAX_TOKEN - 1n, 5n), 6n, false],
    [r(MAX_TOKEN - 1n, 5n), MAX_TOKEN - 1n, false],
    [r(7n, 7n), 7n, true],
    [r(7n, 7n), 0n, true],
    [r(MAX_TOKEN, 0n), 0n, true],
    [r(MAX_TOKEN, 0n), MAX_TOKEN, false],
  ])('%o contains %s: %s', (range, token, expected) => {
    expect(rangeContains(range, token)).toBe(expected);
  });

  it.each([
    [r(10n, 20n), 10n, false],
    [r(20n, 10n), RING_SIZE - 10n, true],
    [r(5n, 5n), RING_SIZE, true],
    [r(MAX_TOKEN, 0n), 1n, false],
    [r(MAX_TOKEN, MAX_TOKEN), RING_SIZE, false],
  ])('%o has size %s, wraps %s', (range, size, wraps) => {
    expect(rangeSize(range)).toBe(size);
    expect(rangeWraps(range)).toBe(wraps);
  });

  it('offsets count from start+1', () => {
    expect(offsetInRange(r(10n, 20n), 11n)).toBe(0n);
    expect(offsetInRange(r(MAX_TOKEN - 1n, 5n), 0n)).toBe(1n);
  });

  it.each([
    [r(0n, 100n), 4],
    [r(MAX_TOKEN - 10n, 20n), 8],
    [r(123n, 123n), 16],
    [r(0n, 3n), 8],
  ])('splits %o into %i contiguous parts covering it exactly', (range, parts) => {
    const pieces = splitRange(range, parts);
    expect(pieces).toHaveLength(parts);
    const nonEmpty = pieces.filter((p): p is TokenRange => p !== null);
    expect(nonEmpty[0]!.start).toBe(range.start);
    expect(nonEmpty[nonEmpty.length - 1]!.end).toBe(range.end);
    for (let i = 1; i < nonEmpty.length; i++) expect(nonEmpty[i]!.start).toBe(nonEmpty[i - 1]!.end);
    expect(nonEmpty.reduce((s, p) => s + rangeSize(p), 0n)).toBe(rangeSize(range));
  });

  it('coalesces touching ranges, across the wrap, and a full cover into the whole ring', () => {
    expect(coalesceRanges([r(1n, 2n), r(2n, 3n), r(5n, 6n)])).toEqual([r(1n, 3n), r(5n, 6n)]);
    expect(coalesceRanges([r(9n, 1n), r(4n, 5n), r(8n, 9n)])).toEqual([r(8n, 1n), r(4n, 5n)]);
    expect(coalesceRanges([r(9n, 1n), r(1n, 4n), r(4n, 9n)])).toEqual([r(9n, 9n)]);
    expect(coalesceRanges([])).toEqual([]);
  });
});
