/**
 * The consistent-hash ring (SYSTEM.md §4): which storage nodes replicate a token.
 *
 * A Ring is an immutable snapshot built from the node rows of one epoch; the epoch and equality
 * between snapshots are the caller's business. Three views of the tokens are kept sorted:
 * - the ACTIVE ring (NORMAL and LEAVING nodes): reads, quorum writes, preference lists;
 * - the FUTURE ring (NORMAL and JOINING nodes): where data will live once every pending topology
 *   change completes (JOINING nodes become NORMAL, LEAVING nodes are gone);
 * - the UNION ring (every non-REMOVED node): its tokens split the ring into ranges on which both
 *   the active and future preference lists are constant.
 * A node in the future list but not the active one is a pending replica: it must get writes
 * (they do not count toward W) so that nothing written during streaming is lost, and serves no
 * reads. That covers both a JOINING node and the node inheriting a LEAVING node's range.
 *
 * Lookups are a binary search plus a clockwise walk over at most every token.
 */
import { ClusterError } from './errors';
import { assertToken, RING_SIZE } from './token';
import { coalesceRanges, rangeSize, TokenRange } from './token-range';

export const NODE_STATES = ['JOINING', 'NORMAL', 'LEAVING', 'REMOVED'] as const;
export type NodeState = (typeof NODE_STATES)[number];

export interface RingNode {
  readonly nodeId: string;
  readonly state: NodeState;
  readonly tokens: readonly bigint[];
}

export interface RingToken {
  readonly token: bigint;
  readonly nodeId: string;
}

/** Sorted tokens with their owners and the lookups over them. */
class TokenCircle {
  readonly tokens: bigint[];
  readonly owners: string[];
  readonly nodeCount: number;

  constructor(entries: RingToken[]) {
    entries.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
    this.tokens = entries.map((e) => e.token);
    this.owners = entries.map((e) => e.nodeId);
    this.nodeCount = new Set(this.owners).size;
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Index of the first token >= `token`, wrapping to 0: the vnode whose range holds `token`. */
  indexFor(token: bigint): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tokens[mid] < token) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.tokens.length ? 0 : lo;
  }

  /** The first `n` distinct owners clockwise from vnode `index`. */
  walk(index: number, n: number): string[] {
    const out: string[] = [];
    const want = Math.min(n, this.nodeCount);
    for (let step = 0; step < this.tokens.length && out.length < want; step++) {
      const owner = this.owners[(index + step) % this.tokens.length];
      if (!out.includes(owner)) out.push(owner);
    }
    return out;
  }

  list(token: bigint, n: number): string[] {
    return this.tokens.length === 0 ? [] : this.walk(this.indexFor(token), n);
  }

  /** The range `(previous token, token]` ending at vnode `index`. */
  rangeAt(index: number): TokenRange {
    const prev = this.tokens[(index - 1 + this.tokens.length) % this.tokens.length];
    return { start: prev, end: this.tokens[index] };
  }
}

function checkReplicationFactor(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ClusterError('INVALID_ARGUMENT', `replication factor must be a positive integer, got ${n}`);
  }
}

export class Ring {
  private readonly byId: ReadonlyMap<string, RingNode>;
  private readonly active: TokenCircle;
  private readonly future: TokenCircle;
  private readonly union: TokenCircle;

  /**
   * Builds a snapshot. Throws INVALID_ARGUMENT on a duplicate node id, an unknown state or a
   * token outside 64 bits, and TOKEN_COLLISION when two non-REMOVED nodes share a token.
   */
  constructor(nodes: readonly RingNode[]) {
    const byId = new Map<string, RingNode>();
    const owner = new Map<bigint, string>();
    for (const node of nodes) {
      if (typeof node.nodeId !== 'string' || node.nodeId.length === 0) {
        throw new ClusterError('INVALID_ARGUMENT', 'node id must be a non-empty string');
      }
      if (byId.has(node.nodeId)) throw new ClusterError('INVALID_ARGUMENT', `node ${node.nodeId} listed twice`);
      if (!(NODE_STATES as readonly string[]).includes(node.state)) {
        throw new ClusterError('INVALID_ARGUMENT', `node ${node.nodeId} has unknown state ${String(node.state)}`);
      }
      byId.set(node.nodeId, { nodeId: node.nodeId, state: node.state, tokens: [...node.tokens] });
      if (node.state === 'REMOVED') continue;
      for (const token of node.tokens) {
        assertToken(token, `token of ${node.nodeId}`);
        const other = owner.get(token);
        if (other !== undefined && other !== node.nodeId) {
          throw new ClusterError('TOKEN_COLLISION', `nodes ${other} and ${node.nodeId} both claim token ${token}`);
        }
        owner.set(token, node.nodeId);
      }
    }
    this.byId = byId;
    const entries = (states: readonly NodeState[]): RingToken[] =>
      [...owner].filter(([, id]) => states.some((state) => byId.get(id)?.state === state)).map(([token, nodeId]) => ({ token, nodeId }));
    this.active = new TokenCircle(entries(['NORMAL', 'LEAVING']));
    this.future = new TokenCircle(entries(['NORMAL', 'JOINING']));
    this.union = new TokenCircle(entries(['NORMAL', 'LEAVING', 'JOINING']));
  }

  /** Every node, REMOVED included, in input order. */
  nodes(): RingNode[] {
    return [...this.byId.values()];
  }

  node(nodeId: string): RingNode | undefined {
    return this.byId.get(nodeId);
  }

  /** Tokens of the active ring (NORMAL and LEAVING), ascending. */
  tokens(): RingToken[] {
    return this.active.tokens.map((token, i) => ({ token, nodeId: this.active.owners[i] }));
  }

  /** The first `n` distinct NORMAL/LEAVING nodes clockwise from `token`: the replicas that count. */
  preferenceList(token: bigint, n: number): string[] {
    assertToken(token);
    checkReplicationFactor(n);
    return this.active.list(token, n);
  }

  /** Nodes that will replicate `token` once pending changes complete but do not yet: send them writes, not reads. */
  pendingReplicas(token: bigint, n: number): string[] {
    assertToken(token);
    checkReplicationFactor(n);
    const current = this.active.list(token, n);
    return this.future.list(token, n).filter((id) => !current.includes(id));
  }

  /** The node whose vnode range holds `token` (first of the preference list). */
  primaryOf(token: bigint): string | undefined {
    return this.preferenceList(token, 1)[0];
  }

  /** The ranges `(prev, token]` of the active ring that `nodeId` replicates at factor `n`, coalesced, in ring order. */
  rangesOf(nodeId: string, n: number): TokenRange[] {
    checkReplicationFactor(n);
    const picked: TokenRange[] = [];
    for (let i = 0; i < this.active.size; i++) {
      if (this.active.walk(i, n).includes(nodeId)) picked.push(this.active.rangeAt(i));
    }
    return coalesceRanges(picked);
  }

  /**
   * The ranges `nodeId` will replicate once pending changes complete but does not replicate now:
   * what must be streamed to it (for a JOINING node, everything it gains).
   */
  pendingRangesOf(nodeId: string, n: number): TokenRange[] {
    checkReplicationFactor(n);
    const picked: TokenRange[] = [];
    for (let i = 0; i < this.union.size; i++) {
      const end = this.union.tokens[i];
      if (this.future.list(end, n).includes(nodeId) && !this.active.list(end, n).includes(nodeId)) {
        picked.push(this.union.rangeAt(i));
      }
    }
    return coalesceRanges(picked);
  }

  /**
   * Share of the ring each active node replicates at factor `n` (default 1: primary ownership).
   * Shares at n=1 sum to 1; at factor n they sum to min(n, nodes).
   */
  ownership(n = 1): Record<string, number> {
    checkReplicationFactor(n);
    const owned = new Map<string, bigint>();
    for (const node of this.byId.values()) {
      if (node.state === 'NORMAL' || node.state === 'LEAVING') owned.set(node.nodeId, 0n);
    }
    for (let i = 0; i < this.active.size; i++) {
      const size = rangeSize(this.active.rangeAt(i));
      for (const id of this.active.walk(i, n)) owned.set(id, (owned.get(id) ?? 0n) + size);
    }
    return Object.fromEntries([...owned].map(([id, size]) => [id, Number(size) / Number(RING_SIZE)]));
  }
}
