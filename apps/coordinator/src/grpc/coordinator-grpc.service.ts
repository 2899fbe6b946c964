/**
 * The coordinator's gRPC surface (proto/ringkv/coordinator/v1): KV operations over the
 * multiplexed Session stream (the gateway's hot path) and as unary calls, plus Health.
 */
import { Injectable } from '@nestjs/common';
import { Metadata, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import { serveSession } from '@ringkv/platform';
import { coordinatorV1 } from '@ringkv/proto';
import { ExportService } from '../kv/export.service';
import { KvMetrics } from '../kv/kv.metrics';
import { KvService } from '../kv/kv.service';
import { FailureDetector } from '../liveness/failure-detector';
import { MetadataService } from '../metadata/metadata.service';
import { StorageSessionPool } from '../storage/storage-session-pool';
import { toServiceError, toSessionError } from './error-mapping';

type Op = NonNullable<coordinatorV1.SessionOp['op']>;
type Result = Exclude<NonNullable<coordinatorV1.SessionResult['result']>, { $case: 'error' }>;

const NODE_STATS_TIMEOUT_MS = 1_000;
const CONSISTENCY_LABEL: Record<number, string> = { 0: 'default', 1: 'one', 2: 'quorum', 3: 'all' };

@Injectable()
export class CoordinatorGrpcService {
  constructor(
    private readonly kv: KvService,
    private readonly metadata: MetadataService,
    private readonly metrics: KvMetrics,
    private readonly exports: ExportService,
    private readonly pool: StorageSessionPool,
    private readonly detector: FailureDetector,
  ) {}

  handlers(): coordinatorV1.CoordinatorServiceServer {
    return {
      session: (call) => serveSession<Op, Result>(call, { handle: (op) => this.dispatch(op), toError: toSessionError }),
      put: this.unary((request: coordinatorV1.PutRequest) => this.measure('put', request.consistency, () => this.kv.put(request))),
      get: this.unary((request: coordinatorV1.GetRequest) => this.measure('get', request.consistency, () => this.kv.get(request))),
      delete: this.unary((request: coordinatorV1.DeleteRequest) =>
        this.measure('delete', request.consistency, () => this.kv.delete(request)),
      ),
      health: (_call, callback) => callback(null, { serving: true, ringEpoch: this.metadata.current().epoch }),
      export: (call) => void this.streamExport(call),
      listNodes: this.unary(() => this.listNodes()),
    };
  }

  private async listNodes(): Promise<coordinatorV1.ListNodesResponse> {
    const view = this.metadata.current();
    const nodes = await Promise.all(
      view.addresses.map(async ({ nodeId }) => {
        const stats = await this.pool.stats(nodeId, NODE_STATS_TIMEOUT_MS);
        return {
          nodeId,
          liveness: this.detector.isUp(nodeId) ? 'UP' : 'DOWN',
          statsAvailable: stats !== undefined,
          keysCount: stats?.keysEstimate ?? 0n,
          diskUsageBytes: stats?.diskBytes ?? 0n,
        };
      }),
    );
    return { nodes, ringEpoch: view.epoch };
  }

  /** Server stream of a tenant's items, respecting the client's flow control. */
  private async streamExport(call: ServerWritableStream<coordinatorV1.ExportRequest, coordinatorV1.ExportResponse>): Promise<void> {
    try {
      for await (const items of this.exports.export(call.request.tenantId)) {
        if (call.cancelled) return;
        if (!call.write({ items })) await new Promise<void>((resolve) => call.once('drain', resolve));
      }
      call.end();
    } catch (error) {
      const { code, details, reason } = toServiceError(error);
      const metadata = new Metadata();
      metadata.set('ringkv-reason', reason);
      call.emit('error', { code, details, metadata });
    }
  }

  private async dispatch(op: Op): Promise<Result> {
    switch (op.$case) {
      case 'put':
        return { $case: 'put', value: await this.measure('put', op.value.consistency, () => this.kv.put(op.value)) };
      case 'get':
        return { $case: 'get', value: await this.measure('get', op.value.consistency, () => this.kv.get(op.value)) };
      case 'delete':
        return { $case: 'delete', value: await this.measure('delete', op.value.consistency, () => this.kv.delete(op.value)) };
    }
  }

  private async measure<T>(op: string, consistency: number, run: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    const label = CONSISTENCY_LABEL[consistency] ?? 'invalid';
    try {
      const result = await run();
      this.metrics.observe(op, label, 'ok', start);
      return result;
    } catch (error) {
      this.metrics.observe(op, label, toSessionError(error).reason, start);
      throw error;
    }
  }

  private unary<Req, Res>(run: (request: Req) => Promise<Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      run(call.request).then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error)),
      );
    };
  }
}
