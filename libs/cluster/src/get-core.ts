/**
 * Quorum bookkeeping of one read, without I/O or timers (Riak's get core; the coordinator's
 * driver owns fan-out, the deadline and sending repairs). Feed it each replica's answer with
 * addResult; read isDone / outcome; ask repairs() which replicas need the merged object.
 *
 * Contract:
 * - `replicas` are the replicas asked (JOINING nodes excluded: they serve no reads).
 * - The request finishes at the first of: r successful answers ('ok', with the merge of every
 *   successful answer so far; undefined = not found anywhere), so many failures that r answers
 *   are impossible ('quorum-unreachable'), or the deadline ('deadline'). The outcome is frozen
 *   then; answers that arrive later are still recorded and feed repairs().
 * - repairs() is a function of every answer recorded so far: each replica that answered with
 *   something older than the merge of all answers, or with nothing while something exists, gets
 *   that merge. The driver calls it when it stops waiting (every replica answered, or the final
 *   deadline), or after each late answer and sends what changed.
 * - An answer from a node not asked throws UNKNOWN_REPLICA; a second answer from one node is ignored.
 */
import { checkReplicas, notDone, unknownReplica } from './quorum-replicas';
import { mergeObjects, objectsEqual } from './object-merge';
import { VersionedObject } from './versioned-object';

export type GetResult = { readonly ok: true; readonly object: VersionedObject | undefined } | { readonly ok: false; readonly reason?: string };

export type GetOutcome =
  | { readonly kind: 'ok'; readonly object: VersionedObject | undefined; readonly answers: number }
  | { readonly kind: 'quorum-unreachable'; readonly answers: number }
  | { readonly kind: 'deadline'; readonly answers: number };

export interface ReadRepair {
  readonly nodeId: string;
  /** The merged object to write to that replica. */
  readonly object: VersionedObject;
}

export interface GetCoreOptions {
  /** Replicas asked, in preference order. */
  readonly replicas: readonly string[];
  /** Successful answers required (requiredAcks(consistency, n)). */
  readonly r: number;
}

function present(object: VersionedObject | undefined): object is VersionedObject {
  return object !== undefined && object.versions.length > 0;
}

/**
 * The merge of the distinct answers; undefined if none holds anything. Merging is idempotent,
 * so answers that are the same object (replicas that sent identical bytes, decoded once by the
 * driver) are merged once.
 */
function mergeDistinct(answers: Set<VersionedObject | undefined>): VersionedObject | undefined {
  const merged = mergeObjects(...answers);
  return present(merged) ? merged : undefined;
}

export class GetCore {
  readonly replicas: readonly string[];
  readonly r: number;
  private readonly results = new Map<string, GetResult>();
  private successes = 0;
  private failures = 0;
  private finished: GetOutcome | undefined;

  constructor(options: GetCoreOptions) {
    checkReplicas(options.replicas, options.r, 'r');
    this.replicas = [...options.replicas];
    this.r = options.r;
    this.settle();
  }

  addResult(nodeId: string, result: GetResult): void {
    if (!this.replicas.includes(nodeId)) throw unknownReplica(nodeId);
    if (this.results.has(nodeId)) return;
    this.results.set(nodeId, result);
    if (result.ok) this.successes++;
    else this.failures++;
    this.settle();
  }

  deadlineExpired(): void {
    if (this.finished === undefined) this.finished = { kind: 'deadline', answers: this.successes };
  }

  isDone(): boolean {
    return this.finished !== undefined;
  }

  /** How the request finished. Throws NOT_DONE before isDone(). */
  outcome(): GetOutcome {
    if (this.finished === undefined) throw notDone();
    return this.finished;
  }

  allAnswered(): boolean {
    return this.results.size === this.replicas.length;
  }

  /** The merge of every successful answer recorded so far (late ones included); undefined if none holds anything. */
  merged(): VersionedObject | undefined {
    return mergeDistinct(this.distinctAnswers());
  }

  /** Replicas that answered with something stale or nothing while the merged object exists. */
  repairs(): ReadRepair[] {
    const distinct = this.distinctAnswers();
    // Every replica gave the same answer: nothing is stale (the common, consistent read).
    if (distinct.size <= 1) return [];
    const merged = mergeDistinct(distinct);
    if (merged === undefined) return [];
    return this.okAnswers()
      .filter(([, object]) => !present(object) || !objectsEqual(object, merged))
      .map(([nodeId]) => ({ nodeId, object: merged }));
  }

  private distinctAnswers(): Set<VersionedObject | undefined> {
    return new Set(this.okAnswers().map(([, object]) => object));
  }

  private okAnswers(): Array<[string, VersionedObject | undefined]> {
    const out: Array<[string, VersionedObject | undefined]> = [];
    for (const id of this.replicas) {
      const result = this.results.get(id);
      if (result?.ok) out.push([id, result.object]);
    }
    return out;
  }

  private settle(): void {
    if (this.finished !== undefined) return;
    if (this.successes >= this.r) {
      this.finished = { kind: 'ok', object: this.merged(), answers: this.successes };
    } else if (this.replicas.length - this.failures < this.r) {
      this.finished = { kind: 'quorum-unreachable', answers: this.successes };
    }
  }
}
