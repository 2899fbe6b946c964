/**
 * Drives one read across its replicas (the I/O half; GetCore in libs/cluster keeps the count):
 * asks every live replica of the preference list, answers once R have answered (ALL: every
 * replica), and afterwards repairs every replica that answered with something stale or nothing
 * — including those that answer after the reply (read repair). Replicas known DOWN count as
 * failed at once.
 */
import { decodeObject, GetCore, GetOutcome, ReadRepair, encodeObject, VersionedObject } from '@ringkv/cluster';
import { QuorumWait } from './quorum-wait';
import { classifyFailure } from './replica-failure';
import type { Liveness, ReplicaTransport } from './replica-ports';

export interface GetPlan {
  tenantId: string;
  key: string;
  replicas: string[];
  r: number;
  deadline: number;
  /** Deadline of each read-repair write, sent after the reply. */
  repairTimeoutMs: number;
}

export interface GetDriverDeps {
  transport: ReplicaTransport;
  liveness: Liveness;
  /** Told about each repair sent (for metrics), after the reply. */
  onRepair: (repair: ReadRepair, ok: boolean) => void;
}

export async function runGet(plan: GetPlan, deps: GetDriverDeps): Promise<GetOutcome> {
  const core = new GetCore({ replicas: plan.replicas, r: plan.r });
  const timeLeft = () => Math.max(0, plan.deadline - Date.now());
  const wait = new QuorumWait(core);

  // Replicas in sync send identical bytes: decode those once, so the merge and the repair check
  // see one object (GetCore skips both for identical answers).
  const decoded: Array<{ bytes: Uint8Array; object: VersionedObject }> = [];
  const decodeOnce = (bytes: Uint8Array): VersionedObject => {
    const seen = decoded.find((d) => Buffer.compare(d.bytes, bytes) === 0);
    if (seen) return seen.object;
    const object = decodeObject(bytes);
    decoded.push({ bytes, object });
    return object;
  };

  const asks: Promise<void>[] = [];
  for (const id of plan.replicas) {
    if (!deps.liveness.isUp(id)) {
      core.addResult(id, { ok: false, reason: 'DOWN' });
      continue;
    }
    asks.push(
      deps.transport.get(id, { tenantId: plan.tenantId, key: plan.key }, timeLeft()).then(
        (bytes) => {
          deps.liveness.recordSuccess(id);
          let object: VersionedObject | undefined;
          try {
            object = bytes === undefined ? undefined : decodeOnce(bytes);
            core.addResult(id, { ok: true, object });
          } catch {
            core.addResult(id, { ok: false, reason: 'MALFORMED_OBJECT' });
          }
          wait.check();
        },
        (error: unknown) => {
          if (classifyFailure(error) === 'transport') deps.liveness.recordFailure(id);
          core.addResult(id, { ok: false });
          wait.check();
        },
      ),
    );
  }

  await wait.until(timeLeft());
  const outcome = core.outcome();

  // Read repair once every asked replica has answered or timed out (late answers included).
  void Promise.allSettled(asks).then(() => repair(plan, core, deps));
  return outcome;
}

function repair(plan: GetPlan, core: GetCore, deps: GetDriverDeps): void {
  for (const fix of core.repairs()) {
    deps.transport
      .apply(fix.nodeId, { tenantId: plan.tenantId, key: plan.key, object: encodeObject(fix.object) }, plan.repairTimeoutMs)
      .then(
        () => deps.onRepair(fix, true),
        () => deps.onRepair(fix, false),
      );
  }
}
