/**
 * The coordinator's gRPC surface (proto/ringkv/coordinator/v1). Health answers now; the KV
 * operations arrive with the coordinator work and answer UNIMPLEMENTED until then.
 */
import { Injectable } from '@nestjs/common';
import { sendUnaryData, ServerDuplexStream, ServerUnaryCall, status } from '@grpc/grpc-js';
import { coordinatorV1 } from '@ringkv/proto';

const unimplemented = (method: string) => ({
  code: status.UNIMPLEMENTED,
  details: `CoordinatorService.${method} is not implemented yet`,
});

@Injectable()
export class CoordinatorGrpcService {
  handlers(): coordinatorV1.CoordinatorServiceServer {
    const notYet =
      (method: string) =>
      (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<never>): void =>
        callback(unimplemented(method));
    return {
      session: (call: ServerDuplexStream<coordinatorV1.SessionRequest, coordinatorV1.SessionResponse>) =>
        call.emit('error', unimplemented('Session')),
      put: notYet('Put'),
      get: notYet('Get'),
      delete: notYet('Delete'),
      health: (_call, callback) => callback(null, { serving: true, ringEpoch: 0n }),
    };
  }
}
