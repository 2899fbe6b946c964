/** The coordinator's request metrics (SYSTEM.md §10). */
import { Injectable } from '@nestjs/common';
import type { Consistency } from '@ringkv/cluster';
import { counter, latencyHistogram, secondsSince } from '@ringkv/telemetry';

const requests = counter('ringkv_coordinator_requests', 'KV requests by operation, consistency and outcome');
const latency = latencyHistogram('ringkv_coordinator_request_duration_seconds', 'KV request latency by operation and consistency');
const quorumFailures = counter('ringkv_coordinator_quorum_failures', 'Requests that did not reach their quorum');
const readRepairs = counter('ringkv_coordinator_read_repairs', 'Read-repair writes sent to stale replicas, by result');
const hintsWritten = counter('ringkv_coordinator_hints_written', 'Hints written for replicas that missed a write, per target node');

@Injectable()
export class KvMetrics {
  observe(op: string, consistency: string, outcome: string, start: bigint): void {
    requests.add(1, { op, consistency, outcome });
    latency.record(secondsSince(start), { op, consistency });
  }

  quorumFailure(op: string, consistency: Consistency): void {
    quorumFailures.add(1, { op, consistency });
  }

  readRepair(ok: boolean): void {
    readRepairs.add(1, { result: ok ? 'ok' : 'failed' });
  }

  hintsWritten(targets: string[]): void {
    for (const node of targets) hintsWritten.add(1, { node });
  }
}
