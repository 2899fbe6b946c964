/**
 * The storage node's hot-path gRPC surface (proto/ringkv/storage/v1, StorageService): the
 * multiplexed Session carrying coordinate/apply/get, their unary forms, GetMany, Stats and
 * Health. Handlers are thin: map the message, call the store, map the result; errors are mapped
 * in grpc-error-mapping.ts only.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { StorageNodeConfig } from '@ringkv/config';
import { serveSession } from '@ringkv/platform';
import { storageV1 } from '@ringkv/proto';
import { StoreLifecycle } from '../store/store.lifecycle';
import { invalidRequest } from '../store/store-error';
import { STORAGE_NODE_CONFIG } from '../storage-node.tokens';
import { toErrorBody } from './grpc-error-mapping';
import { RpcMetrics } from './rpc-metrics';
import { unaryHandler } from './unary-handler';

type Op = NonNullable<storageV1.SessionOp['op']>;
type Result = Exclude<NonNullable<storageV1.SessionResult['result']>, { $case: 'error' }>;

/** Largest GetMany: bounds one call's memory and latency. */
export const MAX_GET_MANY_KEYS = 4096;

@Injectable()
export class StorageGrpcService {
  constructor(
    @Inject(STORAGE_NODE_CONFIG) private readonly config: StorageNodeConfig,
    private readonly host: StoreLifecycle,
    private readonly metrics: RpcMetrics,
  ) {}

  /** The handler table registered with the gRPC server. */
  handlers(): storageV1.StorageServiceServer {
    const m = this.metrics;
    return {
      session: (call) => this.session(call),
      coordinate: unaryHandler(m, 'Coordinate', (request: storageV1.CoordinateRequest) => this.coordinate(request)),
      apply: unaryHandler(m, 'Apply', (request: storageV1.ApplyRequest) => this.apply(request)),
      get: unaryHandler(m, 'Get', (request: storageV1.GetRequest) => this.get(request)),
      getMany: unaryHandler(m, 'GetMany', (request: storageV1.GetManyRequest) => this.getMany(request)),
      stats: unaryHandler(m, 'Stats', () => this.stats()),
      health: unaryHandler(m, 'Health', async () => ({ nodeId: this.config.nodeId, serving: this.host.serving })),
    };
  }

  private session(call: ServerDuplexStream<storageV1.SessionRequest, storageV1.SessionResponse>): void {
    this.metrics.sessionOpened();
    let open = true;
    const closed = () => {
      if (open) this.metrics.sessionClosed();
      open = false;
    };
    call.once('finish', closed);
    call.once('cancelled', closed);
    call.once('error', closed);
    serveSession<Op, Result>(call, {
      handle: (op) => {
        const start = process.hrtime.bigint();
        return this.runOp(op).then(
          (result) => {
            this.metrics.op(op.$case, start);
            return result;
          },
          (error: unknown) => {
            this.metrics.op(op.$case, start, toErrorBody(error).reason);
            throw error;
          },
        );
      },
      toError: toErrorBody,
    });
  }

  private async runOp(op: Op): Promise<Result> {
    switch (op.$case) {
      case 'coordinate':
        return { $case: 'coordinate', value: await this.coordinate(op.value) };
      case 'apply':
        return { $case: 'apply', value: await this.apply(op.value) };
      case 'get':
        return { $case: 'get', value: await this.get(op.value) };
    }
  }

  private async coordinate(request: storageV1.CoordinateRequest): Promise<storageV1.CoordinateResponse> {
    const object = await this.host.store.coordinate({
      tenantId: request.tenantId,
      key: request.key,
      value: request.value,
      tombstone: request.tombstone,
      context: request.context,
      ttlSeconds: request.ttlSeconds,
      supersedeExisting: request.supersedeExisting,
    });
    return { object };
  }

  private async apply(request: storageV1.ApplyRequest): Promise<storageV1.ApplyResponse> {
    await this.host.store.apply(request.tenantId, request.key, request.object);
    return {};
  }

  private async get(request: storageV1.GetRequest): Promise<storageV1.GetResponse> {
    const object = await this.host.store.get(request.tenantId, request.key);
    return object === undefined ? { found: false, object: Buffer.alloc(0) } : { found: true, object };
  }

  private async getMany(request: storageV1.GetManyRequest): Promise<storageV1.GetManyResponse> {
    if (request.keys.length > MAX_GET_MANY_KEYS) throw invalidRequest(`GetMany takes at most ${MAX_GET_MANY_KEYS} keys, got ${request.keys.length}`);
    const objects = await this.host.store.getMany(request.keys);
    return {
      results: objects.map((object) => (object === undefined ? { found: false, object: Buffer.alloc(0) } : { found: true, object })),
    };
  }

  private async stats(): Promise<storageV1.StatsResponse> {
    const s = await this.host.store.stats();
    return {
      nodeId: this.config.nodeId,
      keysEstimate: BigInt(s.keysEstimate),
      diskBytes: BigInt(s.diskBytes),
      diskFreeBytes: s.diskFreeBytes ?? 0n,
      memtableBytes: BigInt(s.engine.memtable.bytes + s.engine.memtable.immutableBytes),
      sstableCount: s.engine.tables.length,
      commitLogBytes: BigInt(s.commitLogBytes),
      compactions: BigInt(s.engine.compactions.completed),
      blockCacheHitRatio: s.blockCacheHitRatio,
      diskFull: s.diskFull,
      flushes: BigInt(s.engine.flushes.completed),
      writeStalls: BigInt(s.engine.writes.stalls),
    };
  }
}
