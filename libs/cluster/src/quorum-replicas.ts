/**
 * Argument checks shared by the put and get quorum cores.
 */
import { ClusterError } from './errors';

export function checkReplicas(replicas: readonly string[], required: number, what: 'w' | 'r'): void {
  if (!Array.isArray(replicas) || replicas.some((id) => typeof id !== 'string' || id.length === 0)) {
    throw new ClusterError('INVALID_ARGUMENT', 'replicas must be a list of node ids');
  }
  if (new Set(replicas).size !== replicas.length) {
    throw new ClusterError('INVALID_ARGUMENT', `replicas listed twice in [${replicas.join(', ')}]`);
  }
  if (!Number.isSafeInteger(required) || required < 1) {
    throw new ClusterError('INVALID_ARGUMENT', `${what} must be a positive integer, got ${required}`);
  }
}

export function unknownReplica(nodeId: string): ClusterError {
  return new ClusterError('UNKNOWN_REPLICA', `no request was sent to ${JSON.stringify(nodeId)}`);
}

export function notDone(): ClusterError {
  return new ClusterError('NOT_DONE', 'the request has not finished: check isDone() first');
}
