/**
 * Consistency levels and the acknowledgements they require out of N replicas:
 * ONE = 1, QUORUM = floor(N/2) + 1, ALL = N. The same rule sizes W for writes and R for reads.
 */
import { ClusterError } from './errors';

export const CONSISTENCY_LEVELS = ['ONE', 'QUORUM', 'ALL'] as const;
export type Consistency = (typeof CONSISTENCY_LEVELS)[number];

/** Replication factor bounds (SYSTEM.md §3). */
export const MIN_REPLICATION_FACTOR = 1;
export const MAX_REPLICATION_FACTOR = 10;

export function isConsistency(value: unknown): value is Consistency {
  return typeof value === 'string' && (CONSISTENCY_LEVELS as readonly string[]).includes(value);
}

/** Parses `one|quorum|all` in any case (the API's lower case, RESP's upper case). */
export function parseConsistency(text: string): Consistency {
  const upper = typeof text === 'string' ? text.toUpperCase() : '';
  if (!isConsistency(upper)) {
    throw new ClusterError('INVALID_ARGUMENT', `consistency must be one, quorum or all, got ${JSON.stringify(text)}`);
  }
  return upper;
}

/** Acks required out of `n` replicas. Throws INVALID_ARGUMENT for n outside 1..10 or an unknown level. */
export function requiredAcks(consistency: Consistency, n: number): number {
  if (!Number.isSafeInteger(n) || n < MIN_REPLICATION_FACTOR || n > MAX_REPLICATION_FACTOR) {
    throw new ClusterError('INVALID_ARGUMENT', `replication factor must be ${MIN_REPLICATION_FACTOR}..${MAX_REPLICATION_FACTOR}, got ${n}`);
  }
  switch (consistency) {
    case 'ONE':
      return 1;
    case 'QUORUM':
      return Math.floor(n / 2) + 1;
    case 'ALL':
      return n;
    default:
      throw new ClusterError('INVALID_ARGUMENT', `unknown consistency ${JSON.stringify(consistency)}`);
  }
}
