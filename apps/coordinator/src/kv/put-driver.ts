/**
 * Drives one write across its replicas (the I/O half of Riak's put core/fsm split; the quorum
 * bookkeeping is PutCore in libs/cluster):
 *
 *   1. replicas known DOWN fail at once (they get hints, nobody waits for their timeout);
 *   2. the first live replica coordinates the version (Coordinate); if it fails, the next one
 *      tries, until one succeeds or the deadline passes;
 *   3. the resulting object is Applied to every other replica, and to JOINING nodes that will
 *      own the key (those never count toward W);
 *   4. the driver returns as soon as PutCore is done (W acks, quorum unreachable, or deadline),
 *      after writing hints for every replica that is DOWN, failed or timed out;
 *   5. stragglers keep going in the background; one that fails later gets its hint then.
 */
import { PutCore, PutOutcome } from '@ringkv/cluster';
import type { storageV1 } from '@ringkv/proto';
import { CoordinatorError } from './coordinator-error';
import { QuorumWait } from './quorum-wait';
import { classifyFailure, failureReason } from './replica-failure';
import type { HintSink, Liveness, ReplicaTransport } from './replica-ports';

export interface PutPlan {
  tenantId: string;
  key: string;
  token: bigint;
  /** Preference list (NORMAL and LEAVING nodes), in order. */
  replicas: string[];
  /** JOINING nodes that will own the key: they get the write, it does not count. */
  pending: string[];
  n: number;
  w: number;
  /** Absolute deadline, ms since the epoch. */
  deadline: number;
  /** Longest a coordinating replica may take before the next one is tried: a hung node must
   *  not use up the whole deadline. */
  coordinateAttemptMs: number;
  request: storageV1.CoordinateRequest;
}

export interface PutDriverDeps {
  transport: ReplicaTransport;
  liveness: Liveness;
  hints: HintSink;
  onBackgroundError: (error: unknown) => void;
}

export interface PutReport {
  outcome: PutOutcome;
  /** The stored object (codec bytes) and the node that created the version, when one did. */
  object?: Buffer;
  coordinator?: string;
  hinted: string[];
}

export async function runPut(plan: PutPlan, deps: PutDriverDeps): Promise<PutReport> {
  const core = new PutCore({ replicas: plan.replicas, n: plan.n, w: plan.w });
  const failed = new Set<string>();
  const fail = (id: string, reason: string) => {
    failed.add(id);
    if (plan.replicas.includes(id)) core.addResult(id, { ok: false, reason });
  };
  const timeLeft = () => Math.max(0, plan.deadline - Date.now());
  const live = plan.replicas.filter((id) => deps.liveness.isUp(id));
  for (const id of plan.replicas) if (!live.includes(id)) fail(id, 'DOWN');

  const { object, coordinator } = await coordinate(plan, live, core, fail, deps, timeLeft);
  if (object === undefined || coordinator === undefined) {
    core.deadlineExpired();
    return { outcome: core.outcome(), hinted: [] };
  }

  const hinted = new Set<string>();
  const hintFor = (targets: string[]) => {
    const fresh = targets.filter((t) => !hinted.has(t));
    fresh.forEach((t) => hinted.add(t));
    if (fresh.length === 0) return Promise.resolve();
    return deps.hints.write(
      fresh.map((targetNode) => ({ targetNode, tenantId: plan.tenantId, key: plan.key, token: plan.token, object })),
    );
  };

  const wait = new QuorumWait(core);
  let replied = false;
  const apply = { tenantId: plan.tenantId, key: plan.key, object };
  const fanOut = [...live.filter((id) => id !== coordinator && !core.acknowledged().includes(id)), ...plan.pending];
  for (const id of fanOut) {
    const counts = plan.replicas.includes(id);
    deps.transport.apply(id, apply, timeLeft()).then(
      () => {
        deps.liveness.recordSuccess(id);
        if (counts) core.addResult(id, { ok: true });
        wait.check();
      },
      (error: unknown) => {
        if (classifyFailure(error) === 'transport') deps.liveness.recordFailure(id);
        fail(id, failureReason(error));
        // Before the reply, hints are written by the main path; after it, here.
        if (replied) hintFor([id]).catch(deps.onBackgroundError);
        wait.check();
      },
    );
  }

  await wait.until(timeLeft());

  const outcome = core.outcome();
  // Every replica that is DOWN or failed gets a hint (joining nodes too); if the write did not
  // reach W, so do those still silent (timed out).
  const silent = outcome.kind === 'ok' ? [] : core.pendingReplicas().filter((id) => !failed.has(id));
  replied = true; // from here on, late failures write their own hints
  await hintFor([...failed, ...silent].filter((id) => id !== coordinator));
  return { outcome, object, coordinator, hinted: [...hinted] };
}

async function coordinate(
  plan: PutPlan,
  live: string[],
  core: PutCore,
  fail: (id: string, reason: string) => void,
  deps: PutDriverDeps,
  timeLeft: () => number,
): Promise<{ object?: Buffer; coordinator?: string }> {
  for (const id of live) {
    if (timeLeft() === 0) break;
    try {
      const object = await deps.transport.coordinate(id, plan.request, Math.min(timeLeft(), plan.coordinateAttemptMs));
      deps.liveness.recordSuccess(id);
      core.addResult(id, { ok: true });
      return { object, coordinator: id };
    } catch (error) {
      const kind = classifyFailure(error);
      if (kind === 'invalid-request') throw new CoordinatorError('INVALID_REQUEST', failureReason(error));
      if (kind === 'transport') deps.liveness.recordFailure(id);
      fail(id, failureReason(error));
    }
  }
  return {};
}
