/**
 * Which storage nodes are UP. Pure state, no I/O or timers: the request drivers report every
 * RPC outcome, and a node that fails `failureThreshold` times in a row is marked DOWN (it then
 * gets hints instead of requests, so callers stop waiting for timeouts). A successful probe
 * (or any success) brings it back UP. The prober (liveness-prober.ts) does the probing.
 */
export type Liveness = 'UP' | 'DOWN';

export interface LivenessChange {
  nodeId: string;
  liveness: Liveness;
}

export class FailureDetector {
  private readonly consecutiveFailures = new Map<string, number>();
  private readonly down = new Set<string>();

  constructor(private readonly failureThreshold = 3) {}

  isUp(nodeId: string): boolean {
    return !this.down.has(nodeId);
  }

  downNodes(): string[] {
    return [...this.down];
  }

  /** Returns the change, if this success brought the node back UP. */
  recordSuccess(nodeId: string): LivenessChange | undefined {
    this.consecutiveFailures.delete(nodeId);
    if (!this.down.delete(nodeId)) return undefined;
    return { nodeId, liveness: 'UP' };
  }

  /** Returns the change, if this failure marked the node DOWN. */
  recordFailure(nodeId: string): LivenessChange | undefined {
    const failures = (this.consecutiveFailures.get(nodeId) ?? 0) + 1;
    this.consecutiveFailures.set(nodeId, failures);
    if (failures < this.failureThreshold || this.down.has(nodeId)) return undefined;
    this.down.add(nodeId);
    return { nodeId, liveness: 'DOWN' };
  }

  /** Marks a node DOWN at once (e.g. its probe failed at startup). */
  markDown(nodeId: string): LivenessChange | undefined {
    if (this.down.has(nodeId)) return undefined;
    this.down.add(nodeId);
    this.consecutiveFailures.set(nodeId, this.failureThreshold);
    return { nodeId, liveness: 'DOWN' };
  }

  forget(nodeId: string): void {
    this.down.delete(nodeId);
    this.consecutiveFailures.delete(nodeId);
  }
}
