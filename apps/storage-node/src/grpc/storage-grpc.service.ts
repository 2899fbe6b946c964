/**
 * The storage node's gRPC surface (proto/ringkv/storage/v1). Health answers now; the data
 * operations arrive with the storage-node work and answer UNIMPLEMENTED until then, so callers
 * get a clear status instead of a hang.
 */
import { Inject, Injectable } from '@nestjs/common';
import { sendUnaryData, ServerDuplexStream, ServerUnaryCall, status } from '@grpc/grpc-js';
import type { StorageNodeConfig } from '@ringkv/config';
import { storageV1 } from '@ringkv/proto';
import { STORAGE_NODE_CONFIG } from '../storage-node.tokens';

const unimplemented = (method: string) => ({
  code: status.UNIMPLEMENTED,
  details: `StorageService.${method} is not implemented yet`,
});

@Injectable()
export class StorageGrpcService {
  constructor(@Inject(STORAGE_NODE_CONFIG) private readonly config: StorageNodeConfig) {}

  /** The handler table registered with the gRPC server. */
  handlers(): storageV1.StorageServiceServer {
    const notYet =
      (method: string) =>
      (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<never>): void =>
        callback(unimplemented(method));
    return {
      session: (call: ServerDuplexStream<storageV1.SessionRequest, storageV1.SessionResponse>) =>
        call.emit('error', unimplemented('Session')),
      coordinate: notYet('Coordinate'),
      apply: notYet('Apply'),
      get: notYet('Get'),
      getMany: notYet('GetMany'),
      stats: notYet('Stats'),
      health: (_call, callback) => callback(null, { nodeId: this.config.nodeId, serving: true }),
    };
  }
}
