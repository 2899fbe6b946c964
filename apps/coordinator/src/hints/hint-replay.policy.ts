/**
 * Hint replay tunables and the retry schedule, pure. A replay tick sends at most `batchPerNode`
 * hints to each UP node, so a node coming back is caught up steadily instead of being flooded;
 * a hint that fails again waits exponentially longer (capped), and one older than the hint
 * window is dropped (anti-entropy repairs that replica instead).
 */
export interface HintReplayPolicy {
  /** How often a replay tick runs (one coordinator of the cluster runs each tick). */
  intervalMs: number;
  /** Hints sent to one node per tick: the replay rate limit. */
  batchPerNode: number;
  /** Deadline of each replayed Apply. */
  applyTimeoutMs: number;
  /** First retry delay after a failed replay; doubles per attempt. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_HINT_REPLAY: HintReplayPolicy = {
  intervalMs: 1_000,
  batchPerNode: 500,
  applyTimeoutMs: 2_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
};

export function nextAttemptAt(policy: HintReplayPolicy, attempts: number, now: number): Date {
  const delay = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempts));
  return new Date(now + delay);
}
