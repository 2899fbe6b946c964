/**
 * The one place where the storage node's typed errors become gRPC statuses. Domain code throws
 * StoreError / ClusterError / EngineError with a string `code`; clients get the status below
 * plus the machine-readable reason, as the `ringkv-reason` trailer and as the prefix of the
 * status message (`DISK_FULL: ...`) on unary and streaming calls, and as `SessionError.reason`
 * inside a Session.
 */
import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import { ClusterError } from '@ringkv/cluster';
import { EngineError } from '@ringkv/storage-engine';
import type { SessionErrorBody } from '@ringkv/platform';
import { fromEngineError } from '../store/engine-errors';
import { StoreError, type StoreErrorCode } from '../store/store-error';

export const REASON_TRAILER = 'ringkv-reason';

const STORE_STATUS: Record<StoreErrorCode, status> = {
  INVALID_REQUEST: status.INVALID_ARGUMENT,
  DISK_FULL: status.RESOURCE_EXHAUSTED,
  STORAGE_READ_ONLY: status.UNAVAILABLE,
  NOT_SERVING: status.UNAVAILABLE,
  CORRUPTION: status.DATA_LOSS,
};

/** Cluster-logic codes that can only come from what the caller sent. */
const CALLER_CLUSTER_CODES = new Set(['MALFORMED_STORAGE_KEY', 'MALFORMED_OBJECT', 'INVALID_CONTEXT', 'INVALID_ARGUMENT']);

export function toErrorBody(error: unknown): SessionErrorBody {
  const e = error instanceof EngineError ? fromEngineError(error) : error;
  if (e instanceof StoreError) return { code: STORE_STATUS[e.code], reason: e.code, message: e.message };
  if (e instanceof ClusterError && CALLER_CLUSTER_CODES.has(e.code)) {
    return { code: status.INVALID_ARGUMENT, reason: 'INVALID_REQUEST', message: e.message };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: status.INTERNAL, reason: 'INTERNAL_ERROR', message };
}

/** The error a unary or streaming handler reports to grpc-js. */
export function toServiceError(error: unknown): ServerErrorResponse {
  const body = toErrorBody(error);
  const metadata = new Metadata();
  metadata.set(REASON_TRAILER, body.reason);
  return Object.assign(new Error(body.message), { code: body.code, details: `${body.reason}: ${body.message}`, metadata });
}
