/**
 * Wraps a promise-returning function as a grpc-js unary handler: failures go through the error
 * mapping (status + `ringkv-reason` trailer), and every call is counted and timed under its
 * method name. A handler that throws synchronously is treated like one that rejects.
 */
import type { handleUnaryCall } from '@grpc/grpc-js';
import { toErrorBody, toServiceError } from './grpc-error-mapping';
import type { RpcMetrics } from './rpc-metrics';

export function unaryHandler<Req, Res>(metrics: RpcMetrics, method: string, run: (request: Req) => Promise<Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const start = process.hrtime.bigint();
    let pending: Promise<Res>;
    try {
      pending = run(call.request);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (response) => {
        metrics.rpc(method, start);
        callback(null, response);
      },
      (error: unknown) => {
        metrics.rpc(method, start, toErrorBody(error).reason);
        callback(toServiceError(error));
      },
    );
  };
}
