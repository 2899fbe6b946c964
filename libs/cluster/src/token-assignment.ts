/**
 * Deterministic virtual-node tokens. A node's tokens are the first 8 bytes of
 * SHA-256(`nodeId#i`) for i = 0, 1, ...: any process can recompute them from the node id alone,
 * so the ring in PostgreSQL can be checked, and a node that rejoins with the same id lands on the
 * same ranges. The rare repeated token is skipped, so a node always gets `count` distinct tokens.
 */
import { ClusterError } from './errors';
import { hashToToken } from './token';

/** Default vnodes per node (SYSTEM.md §4): enough for ~10% ownership spread. */
export const DEFAULT_VIRTUAL_NODES = 128;
/** Upper bound on vnodes per node, so a typo cannot build a ring of millions of tokens. */
export const MAX_VIRTUAL_NODES = 4096;

/** `count` distinct tokens for `nodeId`, ascending. */
export function tokensFor(nodeId: string, count: number = DEFAULT_VIRTUAL_NODES): bigint[] {
  if (typeof nodeId !== 'string' || nodeId.length === 0) {
    throw new ClusterError('INVALID_ARGUMENT', 'node id must be a non-empty string');
  }
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_VIRTUAL_NODES) {
    throw new ClusterError('INVALID_ARGUMENT', `virtual node count must be 1..${MAX_VIRTUAL_NODES}, got ${count}`);
  }
  const tokens = new Set<bigint>();
  for (let i = 0; tokens.size < count; i++) tokens.add(hashToToken(`${nodeId}#${i}`));
  return [...tokens].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
