/**
 * Per-RPC and per-session-operation metrics (SYSTEM.md §10): request counts by outcome, latency
 * histograms and errors by reason. Attribute objects are built once per method/op and reused,
 * so recording costs no allocation on the hot path.
 */
import { counter, latencyHistogram, secondsSince, upDownCounter, type Attributes } from '@ringkv/telemetry';

const rpcDuration = latencyHistogram('ringkv_storage_rpc_duration_seconds', 'Storage node gRPC call latency, by method.');
const rpcRequests = counter('ringkv_storage_rpc_requests', 'Storage node gRPC calls, by method and outcome (ok or error).');
const rpcErrors = counter('ringkv_storage_rpc_errors', 'Storage node gRPC calls that failed, by method and RingKV reason.');
const opDuration = latencyHistogram('ringkv_storage_session_op_duration_seconds', 'Latency of operations carried on Session streams, by op.');
const opRequests = counter('ringkv_storage_session_ops', 'Operations carried on Session streams, by op and outcome.');
const opErrors = counter('ringkv_storage_session_op_errors', 'Session operations that failed, by op and RingKV reason.');
const openSessions = upDownCounter('ringkv_storage_sessions_open', 'Session streams currently open.');

interface Series {
  base: Attributes;
  ok: Attributes;
  error: Attributes;
  reasons: Map<string, Attributes>;
}

function series(label: 'method' | 'op', name: string): Series {
  return { base: { [label]: name }, ok: { [label]: name, outcome: 'ok' }, error: { [label]: name, outcome: 'error' }, reasons: new Map() };
}

function reasonAttributes(s: Series, reason: string): Attributes {
  let attributes = s.reasons.get(reason);
  if (!attributes) {
    attributes = { ...s.base, reason };
    s.reasons.set(reason, attributes);
  }
  return attributes;
}

export class RpcMetrics {
  private readonly methods = new Map<string, Series>();
  private readonly ops = new Map<string, Series>();

  /** Times one call; `reason` is the RingKV reason when it failed. */
  rpc(method: string, start: bigint, reason?: string): void {
    this.record(this.seriesFor(this.methods, 'method', method), start, reason, rpcDuration, rpcRequests, rpcErrors);
  }

  op(op: string, start: bigint, reason?: string): void {
    this.record(this.seriesFor(this.ops, 'op', op), start, reason, opDuration, opRequests, opErrors);
  }

  sessionOpened(): void {
    openSessions.add(1);
  }

  sessionClosed(): void {
    openSessions.add(-1);
  }

  private seriesFor(map: Map<string, Series>, label: 'method' | 'op', name: string): Series {
    let s = map.get(name);
    if (!s) {
      s = series(label, name);
      map.set(name, s);
    }
    return s;
  }

  private record(
    s: Series,
    start: bigint,
    reason: string | undefined,
    duration: typeof rpcDuration,
    requests: typeof rpcRequests,
    errors: typeof rpcErrors,
  ): void {
    duration.record(secondsSince(start), s.base);
    if (reason === undefined) {
      requests.add(1, s.ok);
    } else {
      requests.add(1, s.error);
      errors.add(1, reasonAttributes(s, reason));
    }
  }
}
