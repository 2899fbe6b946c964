/**
 * How a failed operation travels inside a session stream: a gRPC status code, a
 * machine-readable RingKV reason (`QUORUM_NOT_REACHED`, `DISK_FULL`, ...) and a message.
 * Matches the `SessionError` message of every service's proto.
 */
import { status } from '@grpc/grpc-js';

export interface SessionErrorBody {
  code: number;
  reason: string;
  message: string;
}

/** A session call that failed; `code` is a gRPC status, `reason` the RingKV error code. */
export class SessionCallError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'SessionCallError';
  }

  static from(body: SessionErrorBody): SessionCallError {
    return new SessionCallError(body.code, body.reason, body.message);
  }
}

export const unavailable = (message: string) => new SessionCallError(status.UNAVAILABLE, 'UNAVAILABLE', message);
export const deadlineExceeded = (message: string) =>
  new SessionCallError(status.DEADLINE_EXCEEDED, 'TIMEOUT', message);
