import { DEFAULT_HINT_REPLAY, nextAttemptAt } from './hint-replay.policy';

describe('hint retry schedule', () => {
  it('backs off exponentially from the base delay and stops at the cap', () => {
    const now = 1_000_000;
    const delays = [0, 1, 2, 3, 10, 40].map((a) => nextAttemptAt(DEFAULT_HINT_REPLAY, a, now).getTime() - now);
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000]);
  });
});
