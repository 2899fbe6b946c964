/**
 * Typed errors of the storage node's domain code. Each carries a stable string `code` (the
 * RingKV reason clients see); only grpc/grpc-error-mapping.ts turns codes into gRPC statuses.
 */
export type StoreErrorCode =
  /** The request is malformed (tenant id, key, object, context, range...); nothing was written. */
  | 'INVALID_REQUEST'
  /** Free disk space is below the floor, or the disk filled up: writes refused, reads still work. */
  | 'DISK_FULL'
  /** A commit-log write or fsync failed for a reason other than space; writes refused until reopened. */
  | 'STORAGE_READ_ONLY'
  /** The engine is not open (starting, reopening after disk pressure, or shutting down). */
  | 'NOT_SERVING'
  /** Stored bytes failed validation. */
  | 'CORRUPTION';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export const invalidRequest = (message: string, cause?: unknown) => new StoreError('INVALID_REQUEST', message, { cause });
