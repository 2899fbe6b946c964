import { pickCompaction, type PickerOptions } from './compaction-picker';

const o: PickerOptions = { minMergeWidth: 4, maxMergeWidth: 8, sizeRatio: 1, maxSpaceAmplification: 2, maxRuns: 10 };

describe('pickCompaction (sizes newest first)', () => {
  it.each([
    ['too few runs', [10, 10, 10], undefined],
    ['four similar runs merge', [10, 10, 10, 10], { start: 0, end: 4 }],
    ['a big old run is left alone', [10, 10, 10, 1000], undefined],
    ['similar newest runs merge above a big one', [10, 10, 10, 10, 1000], { start: 0, end: 4 }],
    ['the window may start below a small newest run', [1, 100, 100, 100, 100, 10000], { start: 1, end: 5 }],
    ['width is capped', Array(12).fill(10), { start: 4, end: 12 }],
  ])('%s', (_n, sizes, expected) => {
    const r = pickCompaction(sizes as number[], o);
    expect(r && { start: r.start, end: r.end }).toEqual(expected);
  });

  it('merges everything when newer runs outweigh the oldest (space amplification)', () => {
    expect(pickCompaction([30, 25, 20, 10], { ...o, sizeRatio: 0 })).toMatchObject({ start: 0, end: 4, reason: 'space-amplification' });
  });

  it('bounds the number of runs', () => {
    const sizes = [1, 3, 9, 27, 81, 243, 729, 2187, 6561, 19683, 59049, 177147];
    const r = pickCompaction(sizes, { ...o, sizeRatio: 0.1 });
    expect(r).toMatchObject({ start: 0, reason: 'run-count' });
    expect(r!.end).toBeGreaterThanOrEqual(4);
  });
});
