/**
 * The gateway's own metrics (SYSTEM.md §10), beside the per-route HTTP metrics every process
 * records: coordinator calls by operation and outcome with their latency, rate-limit refusals,
 * idempotent replays and Redis fallbacks, RESP commands and connections.
 */
import { counter, latencyHistogram, secondsSince, upDownCounter } from '@ringkv/telemetry';

const coordinatorCalls = counter('ringkv_gateway_coordinator_calls', 'Calls to coordinators by operation and outcome (ok or error code)');
const coordinatorLatency = latencyHistogram('ringkv_gateway_coordinator_call_duration_seconds', 'Coordinator call latency by operation');
const coordinatorRetries = counter('ringkv_gateway_coordinator_retries', 'Calls resent to another coordinator after a transport failure');
const rateLimited = counter('ringkv_gateway_rate_limited', 'Requests refused by a tenant rate limit, by kind');
const fallbacks = counter('ringkv_gateway_redis_fallbacks', 'Requests served without Redis (rate limit open, idempotency unavailable), by feature');
const staleLookups = counter('ringkv_gateway_stale_lookups', 'Tenant and API key lookups answered from the last known entry because PostgreSQL was unreachable, by kind');
const replays = counter('ringkv_gateway_idempotent_replays', 'Writes answered from an idempotency record');
const respCommands = counter('ringkv_gateway_resp_commands', 'RESP commands by command name');
const respConnections = upDownCounter('ringkv_gateway_resp_connections', 'Open RESP connections');

export const gatewayMetrics = {
  coordinatorCall(op: string, outcome: string, start: bigint): void {
    coordinatorCalls.add(1, { op, outcome });
    coordinatorLatency.record(secondsSince(start), { op });
  },
  coordinatorRetry(op: string): void {
    coordinatorRetries.add(1, { op });
  },
  rateLimited(kind: string): void {
    rateLimited.add(1, { kind });
  },
  staleLookup(kind: 'tenant' | 'api-key'): void {
    staleLookups.add(1, { kind });
  },
  redisFallback(feature: 'rate-limit' | 'idempotency'): void {
    fallbacks.add(1, { feature });
  },
  idempotentReplay(): void {
    replays.add(1);
  },
  respCommand(command: string): void {
    respCommands.add(1, { command });
  },
  respConnection(delta: 1 | -1): void {
    respConnections.add(delta);
  },
};
