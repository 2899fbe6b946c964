/** The coordinator's gRPC edge: domain errors → gRPC status + RingKV reason. */
import { status } from '@grpc/grpc-js';
import type { SessionErrorBody } from '@ringkv/platform';
import { CoordinatorError, CoordinatorErrorCode } from '../kv/coordinator-error';

const STATUS_BY_CODE: Record<CoordinatorErrorCode, status> = {
  INVALID_REQUEST: status.INVALID_ARGUMENT,
  TENANT_NOT_FOUND: status.NOT_FOUND,
  QUORUM_NOT_REACHED: status.UNAVAILABLE,
  TIMEOUT: status.DEADLINE_EXCEEDED,
  SERVICE_UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL_ERROR: status.INTERNAL,
};

export function toSessionError(error: unknown): SessionErrorBody {
  if (error instanceof CoordinatorError) {
    return { code: STATUS_BY_CODE[error.code], reason: error.code, message: error.message };
  }
  return { code: status.INTERNAL, reason: 'INTERNAL_ERROR', message: 'internal error' };
}

/** The same mapping for unary calls (`callback(serviceError)`). */
export function toServiceError(error: unknown): { code: status; details: string; reason: string } {
  const body = toSessionError(error);
  return { code: body.code, details: body.message, reason: body.reason };
}
