/**
 * The storage node's token-range gRPC surface (StorageRangeService): ScanRange (batched server
 * stream with a resumable cursor), MerkleTree, Ingest (client stream, applied like Apply),
 * DeleteRange and Compact. Streams respect back-pressure: ScanRange waits for 'drain', Ingest
 * reads its next message only after the previous one is durable.
 */
import { Injectable } from '@nestjs/common';
import type { sendUnaryData, ServerReadableStream, ServerWritableStream } from '@grpc/grpc-js';
import { storageV1 } from '@ringkv/proto';
import { StoreLifecycle } from '../store/store.lifecycle';
import { toErrorBody, toServiceError } from './grpc-error-mapping';
import { RpcMetrics } from './rpc-metrics';
import { unaryHandler } from './unary-handler';

/** A ScanRange message carries at most this many entries or about this many bytes. */
export const SCAN_BATCH_ENTRIES = 256;
export const SCAN_BATCH_BYTES = 1024 * 1024;

@Injectable()
export class StorageRangeGrpcService {
  constructor(
    private readonly host: StoreLifecycle,
    private readonly metrics: RpcMetrics,
  ) {}

  handlers(): storageV1.StorageRangeServiceServer {
    const m = this.metrics;
    return {
      scanRange: (call) => this.scanRange(call),
      merkleTree: unaryHandler(m, 'MerkleTree', async (request: storageV1.MerkleTreeRequest) => {
        const tree = await this.host.store.merkleTree(request);
        return { depth: request.depth, leaves: tree.leaves, keys: BigInt(tree.keys) };
      }),
      ingest: (call, callback) => this.ingest(call, callback),
      deleteRange: unaryHandler(m, 'DeleteRange', async (request: storageV1.DeleteRangeRequest) => ({
        deleted: BigInt(await this.host.store.deleteRange(request)),
      })),
      compact: unaryHandler(m, 'Compact', async () => ({ sstableCount: await this.host.store.compact() })),
    };
  }

  private scanRange(call: ServerWritableStream<storageV1.ScanRangeRequest, storageV1.ScanRangeResponse>): void {
    const start = process.hrtime.bigint();
    const run = async () => {
      const { limit } = call.request;
      let sent = 0;
      let batch: storageV1.RangeEntry[] = [];
      let bytes = 0;
      let cursor: Buffer = Buffer.alloc(0);
      const flush = async () => {
        if (batch.length === 0) return;
        const message = { entries: batch, cursor };
        batch = [];
        bytes = 0;
        if (!call.write(message)) await drainedOrCancelled(call);
      };
      for await (const entry of this.host.store.scan(call.request)) {
        if (call.cancelled) return;
        batch.push({ tenantId: entry.tenantId, key: entry.key, object: entry.object });
        bytes += entry.object.length + entry.key.length;
        cursor = entry.storageKey;
        sent += 1;
        if (batch.length >= SCAN_BATCH_ENTRIES || bytes >= SCAN_BATCH_BYTES) await flush();
        if (limit > 0 && sent >= limit) break;
      }
      await flush();
    };
    run().then(
      () => {
        this.metrics.rpc('ScanRange', start);
        call.end();
      },
      (error: unknown) => {
        this.metrics.rpc('ScanRange', start, toErrorBody(error).reason);
        call.emit('error', toServiceError(error));
      },
    );
  }

  private ingest(call: ServerReadableStream<storageV1.IngestRequest, storageV1.IngestResponse>, callback: sendUnaryData<storageV1.IngestResponse>): void {
    const start = process.hrtime.bigint();
    const totals = { entries: 0, bytes: 0 };
    let failed = false;
    let chain = Promise.resolve();
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      this.metrics.rpc('Ingest', start, toErrorBody(error).reason);
      const serviceError = toServiceError(error);
      serviceError.details = `${serviceError.details} (after ${totals.entries} entries were applied)`;
      callback(serviceError);
    };
    call.on('data', (message: storageV1.IngestRequest) => {
      if (failed) return;
      call.pause();
      chain = chain
        .then(() => this.host.store.ingest(message.entries))
        .then((applied) => {
          totals.entries += applied.entries;
          totals.bytes += applied.bytes;
          if (!failed) call.resume();
        }, fail);
    });
    call.on('end', () => {
      void chain.then(() => {
        if (failed) return;
        this.metrics.rpc('Ingest', start);
        callback(null, { entries: BigInt(totals.entries), bytes: BigInt(totals.bytes) });
      });
    });
    call.on('error', () => {
      failed = true;
    });
  }
}

/** Waits for room in the stream's buffer; a cancelled call never drains, so that ends the wait too. */
function drainedOrCancelled(call: ServerWritableStream<storageV1.ScanRangeRequest, storageV1.ScanRangeResponse>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
