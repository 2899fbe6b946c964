/**
 * Quorum bookkeeping of one write, without I/O or timers (Riak's put core; the coordinator's
 * driver owns fan-out, the deadline timer, hints). Feed it each replica's answer with
 * addResult, tell it the deadline passed with deadlineExpired, and read isDone / outcome.
 *
 * Contract:
 * - `replicas` is the preference list the write was sent to (length <= n). A replica known DOWN
 *   is reported by the driver as a failure straight away; it gets a hint, not a request.
 * - The request finishes at the first of: w acks ('ok'), so many failures that w acks are
 *   impossible ('quorum-unreachable'), or the deadline ('deadline'). The outcome is frozen then;
 *   later answers are still recorded, so pendingReplicas() shrinks as stragglers ack.
 * - An answer from a node not in `replicas` throws UNKNOWN_REPLICA; a second answer from the
 *   same node is ignored (the first one is what the node did).
 */
import { ClusterError } from './errors';
import { checkReplicas, notDone, unknownReplica } from './quorum-replicas';

export type PutResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface PutFailure {
  readonly nodeId: string;
  readonly reason: string;
}

export type PutOutcome =
  /** w replicas acknowledged durably. `acks` is the replica_count of the reply. */
  | { readonly kind: 'ok'; readonly acks: number }
  /** Too many replicas failed for w acks; the write may still have landed on `acks` replicas. */
  | { readonly kind: 'quorum-unreachable'; readonly acks: number; readonly failures: readonly PutFailure[] }
  /** The deadline passed with fewer than w acks; same caveat. */
  | { readonly kind: 'deadline'; readonly acks: number };

export interface PutCoreOptions {
  /** Replicas the write goes to, in preference order. */
  readonly replicas: readonly string[];
  /** The tenant's replication factor. */
  readonly n: number;
  /** Acks required (requiredAcks(consistency, n)). */
  readonly w: number;
}

export class PutCore {
  readonly replicas: readonly string[];
  readonly n: number;
  readonly w: number;
  private readonly results = new Map<string, PutResult>();
  private acks = 0;
  private failures: PutFailure[] = [];
  private finished: PutOutcome | undefined;

  constructor(options: PutCoreOptions) {
    checkReplicas(options.replicas, options.w, 'w');
    if (!Number.isSafeInteger(options.n) || options.n < options.w) {
      throw new ClusterError('INVALID_ARGUMENT', `n must be an integer >= w (${options.w}), got ${options.n}`);
    }
    if (options.replicas.length > options.n) {
      throw new ClusterError('INVALID_ARGUMENT', `${options.replicas.length} replicas for n=${options.n}`);
    }
    this.replicas = [...options.replicas];
    this.n = options.n;
    this.w = options.w;
    // Fewer replicas than w (a ring smaller than n): unreachable before any answer.
    this.settle();
  }

  addResult(nodeId: string, result: PutResult): void {
    if (!this.replicas.includes(nodeId)) throw unknownReplica(nodeId);
    if (this.results.has(nodeId)) return;
    this.results.set(nodeId, result);
    if (result.ok) this.acks++;
    else this.failures.push({ nodeId, reason: result.reason });
    this.settle();
  }

  /** The driver's deadline fired. No effect once done. */
  deadlineExpired(): void {
    if (this.finished === undefined) this.finished = { kind: 'deadline', acks: this.acks };
  }

  isDone(): boolean {
    return this.finished !== undefined;
  }

  /** How the request finished. Throws NOT_DONE before isDone(). */
  outcome(): PutOutcome {
    if (this.finished === undefined) throw notDone();
    return this.finished;
  }

  /** Replicas without an ack so far (failed or silent), in preference order: the ones that need a hint. */
  pendingReplicas(): string[] {
    return this.replicas.filter((id) => this.results.get(id)?.ok !== true);
  }

  /** Replicas that acknowledged so far, in preference order. */
  acknowledged(): string[] {
    return this.replicas.filter((id) => this.results.get(id)?.ok === true);
  }

  /** Whether every replica has answered (the driver can stop waiting for stragglers). */
  allAnswered(): boolean {
    return this.results.size === this.replicas.length;
  }

  private settle(): void {
    if (this.finished !== undefined) return;
    if (this.acks >= this.w) {
      this.finished = { kind: 'ok', acks: this.acks };
    } else if (this.replicas.length - this.failures.length < this.w) {
      this.finished = { kind: 'quorum-unreachable', acks: this.acks, failures: [...this.failures] };
    }
  }
}
