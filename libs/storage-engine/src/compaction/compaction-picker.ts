/**
 * Chooses what to compact: size-tiered over sorted runs kept in age order (see
 * docs/adr/0002-compaction-strategy.md). Pure: sizes in, a window out.
 *
 * Tables carry no per-entry sequence numbers, so shadowing is decided by table age; a
 * compaction therefore always merges a CONTIGUOUS window of the newest-first list, and its
 * output takes the window's place. Triggers, in order:
 * 1. space amplification: the newer runs together exceed `maxSpaceAmplification` x the oldest
 *    run -> merge everything (bounded by `maxMergeWidth`, always including the oldest run);
 * 2. size ratio: starting from the newest run, grow a window while the next (older) run is at
 *    most (1 + sizeRatio) x the window so far; a window of >= `minMergeWidth` runs is merged;
 * 3. run count: more than `maxRuns` runs -> merge the newest ones to bound read fan-out.
 */
export interface PickerOptions {
  minMergeWidth: number;
  maxMergeWidth: number;
  sizeRatio: number;
  maxSpaceAmplification: number;
  maxRuns: number;
}

export interface CompactionPick {
  /** Index of the newest input in the newest-first list. */
  start: number;
  /** One past the oldest input. */
  end: number;
  reason: 'space-amplification' | 'size-ratio' | 'run-count';
}

export function pickCompaction(sizesNewestFirst: readonly number[], o: PickerOptions): CompactionPick | undefined {
  const n = sizesNewestFirst.length;
  if (n < 2) return undefined;

  if (n >= o.minMergeWidth) {
    const oldest = sizesNewestFirst[n - 1];
    let newer = 0;
    for (let i = 0; i < n - 1; i++) newer += sizesNewestFirst[i];
    if (newer > o.maxSpaceAmplification * Math.max(oldest, 1)) {
      return { start: Math.max(0, n - o.maxMergeWidth), end: n, reason: 'space-amplification' };
    }
  }

  for (let start = 0; start + o.minMergeWidth <= n; start++) {
    let acc = sizesNewestFirst[start];
    let end = start + 1;
    while (end < n && end - start < o.maxMergeWidth && sizesNewestFirst[end] <= acc * (1 + o.sizeRatio)) {
      acc += sizesNewestFirst[end];
      end++;
    }
    if (end - start >= o.minMergeWidth) return { start, end, reason: 'size-ratio' };
  }

  if (n > o.maxRuns) {
    const width = Math.min(o.maxMergeWidth, Math.max(o.minMergeWidth, n - o.maxRuns + 1));
    return { start: 0, end: width, reason: 'run-count' };
  }
  return undefined;
}
