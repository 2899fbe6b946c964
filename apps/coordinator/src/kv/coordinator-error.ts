/**
 * Typed errors of the coordinator's domain. The code is a RingKV error code (API.md), carried
 * to the gateway as the session error's `reason`; only the gRPC edge (grpc/error-mapping.ts)
 * turns it into a status.
 */
export type CoordinatorErrorCode =
  | 'INVALID_REQUEST'
  | 'TENANT_NOT_FOUND'
  | 'QUORUM_NOT_REACHED'
  | 'TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export class CoordinatorError extends Error {
  constructor(
    readonly code: CoordinatorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CoordinatorError';
  }
}

export const invalidRequest = (message: string) => new CoordinatorError('INVALID_REQUEST', message);
