/**
 * The gateway's way to the coordinators: one multiplexed, batched Session stream per
 * coordinator (SessionClient), used round-robin.
 *
 * - A coordinator whose stream breaks is excluded and re-probed with the unary Health call every
 *   PROBE_INTERVAL_MS until it serves again; while every coordinator is excluded, calls still try
 *   them (one may have recovered between probes).
 * - Each call carries the time the caller still waits (`timeout_ms`, a little less than the
 *   gateway's own deadline so the coordinator's answer — even a TIMEOUT — arrives in time).
 * - Only transport failures are retried, on another coordinator, and only when the caller says
 *   the operation may run twice (reads, and writes the client gave an Idempotency-Key); a
 *   coordinator's own verdict (QUORUM_NOT_REACHED, TIMEOUT, ...) is final.
 */
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { LOGGER, SessionCallError, SessionClient } from '@ringkv/platform';
import { coordinatorV1 } from '@ringkv/proto';
import type { Logger } from '@ringkv/telemetry';
import { GatewayError } from '../errors/gateway-error';
import { gatewayMetrics } from '../gateway.metrics';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { fromSessionError, isTransportFailure } from './coordinator-errors';

type Op = NonNullable<coordinatorV1.SessionOp['op']>;
type Result = Exclude<NonNullable<coordinatorV1.SessionResult['result']>, { $case: 'error' }>;
type ResultOf<C extends Op['$case']> = Extract<Result, { $case: C }>['value'];

const PROBE_INTERVAL_MS = 500;
/** Time left to the coordinator to turn its own deadline into an answer. */
const DEADLINE_MARGIN_MS = 50;
const DRAIN_POLL_MS = 20;

export interface CallOptions {
  /** Absolute deadline (ms since epoch). */
  deadline: number;
  /** May the operation be sent again after a transport failure? */
  retry: boolean;
}

class Endpoint {
  healthy = true;
  probe: NodeJS.Timeout | undefined;
  readonly stub: coordinatorV1.CoordinatorServiceClient;
  readonly session: SessionClient<Op, Result>;

  constructor(readonly address: string) {
    this.stub = new coordinatorV1.CoordinatorServiceClient(address, credentials.createInsecure());
    this.session = new SessionClient<Op, Result>(() => this.stub.session(), address);
  }
}

@Injectable()
export class CoordinatorPool implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly endpoints: Endpoint[];
  private next = 0;
  private inFlight = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.endpoints = config.coordinators.map((address) => new Endpoint(address));
  }

  /**
   * Nest runs shutdown hooks before it closes the HTTP server, so requests may still be waiting
   * on coordinators here: let them finish (within one request deadline) before the sessions go.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const until = Date.now() + this.config.request.timeoutMs;
    while (this.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
  }

  onApplicationShutdown(): void {
    for (const endpoint of this.endpoints) {
      clearInterval(endpoint.probe);
      endpoint.session.close();
      endpoint.stub.close();
    }
  }

  put(request: Omit<coordinatorV1.PutRequest, 'timeoutMs'>, options: CallOptions): Promise<ResultOf<'put'>> {
    return this.call('put', (timeoutMs) => ({ $case: 'put', value: { ...request, timeoutMs } }), options);
  }

  get(request: Omit<coordinatorV1.GetRequest, 'timeoutMs'>, options: CallOptions): Promise<ResultOf<'get'>> {
    return this.call('get', (timeoutMs) => ({ $case: 'get', value: { ...request, timeoutMs } }), options);
  }

  delete(request: Omit<coordinatorV1.DeleteRequest, 'timeoutMs'>, options: CallOptions): Promise<ResultOf<'delete'>> {
    return this.call('delete', (timeoutMs) => ({ $case: 'delete', value: { ...request, timeoutMs } }), options);
  }

  /**
   * Every live item of a tenant, batch by batch, from one coordinator's Export stream (a cold
   * path: not retried, since a half-sent export cannot be resumed).
   */
  async *export(tenantId: string): AsyncGenerator<coordinatorV1.ExportItem[]> {
    const endpoint = this.pick(new Set());
    if (!endpoint) throw new GatewayError('SERVICE_UNAVAILABLE', 'no coordinator is configured');
    const stream = endpoint.stub.export({ tenantId });
    try {
      for await (const batch of stream as AsyncIterable<coordinatorV1.ExportResponse>) yield batch.items;
    } catch (error) {
      // The coordinator puts its RingKV error code in the `ringkv-reason` trailer.
      const status = error as Partial<ServiceError>;
      const reason = String(status.metadata?.get('ringkv-reason')[0] ?? 'UNAVAILABLE');
      throw fromSessionError(new SessionCallError(status.code ?? 14, reason, status.details ?? String(error)));
    } finally {
      stream.cancel();
    }
  }

  /** The storage nodes as a coordinator sees them, or undefined when none answers in time. */
  async listNodes(timeoutMs = 2_000): Promise<coordinatorV1.ListNodesResponse | undefined> {
    const endpoint = this.pick(new Set());
    if (!endpoint) return undefined;
    return new Promise((resolve) =>
      endpoint.stub.listNodes({}, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, reply) =>
        resolve(error ? undefined : reply),
      ),
    );
  }

  /** Addresses currently considered healthy (for tests and diagnostics). */
  healthy(): string[] {
    return this.endpoints.filter((e) => e.healthy).map((e) => e.address);
  }

  private async call<C extends Op['$case']>(kind: C, build: (timeoutMs: number) => Op, options: CallOptions): Promise<ResultOf<C>> {
    const start = process.hrtime.bigint();
    this.inFlight++;
    try {
      const result = await this.attempt(kind, build, options);
      gatewayMetrics.coordinatorCall(kind, 'ok', start);
      return result;
    } catch (error) {
      gatewayMetrics.coordinatorCall(kind, error instanceof GatewayError ? error.code : 'INTERNAL_ERROR', start);
      throw error;
    } finally {
      this.inFlight--;
    }
  }

  private async attempt<C extends Op['$case']>(kind: C, build: (timeoutMs: number) => Op, options: CallOptions): Promise<ResultOf<C>> {
    const tried = new Set<Endpoint>();
    let lastFailure: SessionCallError | undefined;
    for (;;) {
      const remaining = options.deadline - Date.now();
      if (remaining <= 0) throw new GatewayError('TIMEOUT', 'the request did not complete before its deadline');
      const endpoint = this.pick(tried);
      if (!endpoint) break;
      if (tried.size > 0) gatewayMetrics.coordinatorRetry(kind);
      tried.add(endpoint);
      try {
        const result = await endpoint.session.call(build(Math.max(1, remaining - DEADLINE_MARGIN_MS)), remaining);
        if (result.$case !== kind) throw new GatewayError('INTERNAL_ERROR', `coordinator answered ${result.$case} to ${kind}`);
        return result.value as ResultOf<C>;
      } catch (error) {
        if (!(error instanceof SessionCallError)) throw error;
        if (!isTransportFailure(error)) throw fromSessionError(error);
        this.exclude(endpoint, error);
        lastFailure = error;
        if (!options.retry) break;
      }
    }
    throw lastFailure ? fromSessionError(lastFailure) : new GatewayError('SERVICE_UNAVAILABLE', 'no coordinator is configured');
  }

  /** Next untried endpoint, healthy ones first, round-robin among them. */
  private pick(tried: Set<Endpoint>): Endpoint | undefined {
    const count = this.endpoints.length;
    let fallback: Endpoint | undefined;
    for (let i = 0; i < count; i++) {
      const endpoint = this.endpoints[(this.next + i) % count];
      if (!endpoint || tried.has(endpoint)) continue;
      if (endpoint.healthy) {
        this.next = (this.next + i + 1) % count;
        return endpoint;
      }
      fallback ??= endpoint;
    }
    return fallback;
  }

  private exclude(endpoint: Endpoint, error: SessionCallError): void {
    if (!endpoint.healthy) return;
    endpoint.healthy = false;
    this.logger.warn({ coordinator: endpoint.address, err: error.message }, 'coordinator excluded until it answers Health');
    endpoint.probe = setInterval(() => {
      endpoint.stub.health({}, new Metadata(), { deadline: Date.now() + PROBE_INTERVAL_MS }, (failure, reply) => {
        if (failure || !reply.serving || endpoint.healthy) return;
        endpoint.healthy = true;
        clearInterval(endpoint.probe);
        endpoint.probe = undefined;
        this.logger.info({ coordinator: endpoint.address }, 'coordinator back in rotation');
      });
    }, PROBE_INTERVAL_MS);
    endpoint.probe.unref();
  }
}
