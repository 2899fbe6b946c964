/**
 * Classifies a failed replica call. Transport trouble (unreachable, timed out) counts against
 * the node's liveness; a replica that answered with an error (disk full, internal error) is a
 * failed replica for the quorum but is still UP; a rejected request is the client's fault and
 * must not be retried on another replica or hinted.
 */
import { status } from '@grpc/grpc-js';
import { SessionCallError } from '@ringkv/platform';

export type ReplicaFailureKind = 'transport' | 'replica' | 'invalid-request';

export function classifyFailure(error: unknown): ReplicaFailureKind {
  if (!(error instanceof SessionCallError)) return 'transport';
  switch (error.code) {
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return 'transport';
    case status.INVALID_ARGUMENT:
      return 'invalid-request';
    default:
      return 'replica';
  }
}

export function failureReason(error: unknown): string {
  if (error instanceof SessionCallError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}
