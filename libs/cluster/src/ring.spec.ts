import { Ring, RingNode } from './ring';
import { Rng } from './test-support/random';
import { MAX_TOKEN, RING_SIZE } from './token';
import { tokensFor } from './token-assignment';
import { rangeContains, rangeSize, TokenRange } from './token-range';

const node = (nodeId: string, state: RingNode['state'] = 'NORMAL', tokens = tokensFor(nodeId, 128)): RingNode => ({ nodeId, state, tokens });
const nodes = (k: number, state: RingNode['state'] = 'NORMAL') => Array.from({ length: k }, (_, i) => node(`node-${i + 1}`, state));

// A small hand-made ring: A@100, B@200, C@300, A@400.
const small = new Ring([
  { nodeId: 'A', state: 'NORMAL', tokens: [100n, 400n] },
  { nodeId: 'B', state: 'NORMAL', tokens: [200n] },
  { nodeId: 'C', state: 'NORMAL', tokens: [300n] },
]);

describe('Ring: preference lists', () => {
  it.each([
    [150n, 2, ['B', 'C']],
    [200n, 2, ['B', 'C']],
    [201n, 3, ['C', 'A', 'B']],
    [350n, 3, ['A', 'B', 'C']],
    [401n, 2, ['A', 'B']], // wraps past the last token to 100
    [MAX_TOKEN, 1, ['A']],
    [0n, 2, ['A', 'B']],
    [100n, 5, ['A', 'B', 'C']], // n beyond the node count: every node once
  ])('token %s, n=%i -> %j', (token, n, expected) => {
    expect(small.preferenceList(token, n)).toEqual(expected);
  });

  it('always yields min(n, nodes) distinct nodes (generated tokens)', () => {
    const rng = new Rng(21);
    for (const k of [1, 3, 5, 10]) {
      const ring = new Ring(nodes(k));
      for (let i = 0; i < 200; i++) {
        const n = rng.int(1, 12);
        const list = ring.preferenceList(rng.bigint64(), n);
        expect(list).toHaveLength(Math.min(n, k));
        expect(new Set(list).size).toBe(list.length);
      }
    }
  });

  it('starts at the owner of the range (prev, token] that holds the key', () => {
    const ring = new Ring(nodes(4));
    const tokens = ring.tokens();
    for (let i = 0; i < tokens.length; i += 17) {
      const { token, nodeId } = tokens[i]!;
      expect(ring.primaryOf(token)).toBe(nodeId);
      expect(ring.primaryOf(tokens[(i - 1 + tokens.length) % tokens.length]!.token + 1n)).toBe(nodeId);
    }
  });

  it('is empty without active nodes, and ignores JOINING and REMOVED nodes for reads', () => {
    expect(new Ring([]).preferenceList(5n, 3)).toEqual([]);
    const ring = new Ring([node('a'), node('b', 'JOINING'), node('c', 'REMOVED'), node('d', 'LEAVING')]);
    for (let t = 0n; t < RING_SIZE; t += RING_SIZE / 64n) {
      expect(ring.preferenceList(t, 3).sort()).toEqual(['a', 'd']);
    }
  });
});

describe('Ring: pending replicas', () => {
  it('a JOINING node gets writes for exactly the tokens it will replicate', () => {
    const before = new Ring(nodes(3));
    const during = new Ring([...nodes(3), node('node-4', 'JOINING')]);
    const after = new Ring(nodes(4));
    const rng = new Rng(22);
    for (let i = 0; i < 300; i++) {
      const t = rng.bigint64();
      expect(during.preferenceList(t, 3)).toEqual(before.preferenceList(t, 3));
      const future = after.preferenceList(t, 3);
      expect(during.pendingReplicas(t, 3)).toEqual(future.includes('node-4') ? ['node-4'] : []);
    }
  });

  it('the node inheriting a LEAVING node range gets writes meanwhile', () => {
    const during = new Ring([...nodes(3), node('node-4', 'LEAVING')]);
    const after = new Ring(nodes(3));
    const rng = new Rng(23);
    for (let i = 0; i < 300; i++) {
      const t = rng.bigint64();
      const current = during.preferenceList(t, 2);
      const pending = during.pendingReplicas(t, 2);
      expect(pending).toEqual(after.preferenceList(t, 2).filter((id) => !current.includes(id)));
      expect(pending.length > 0).toBe(current.includes('node-4'));
    }
  });

  it('pendingRangesOf covers exactly the tokens where the node is pending', () => {
    const during = new Ring([...nodes(3), node('node-4', 'JOINING', tokensFor('node-4', 8))]);
    const ranges = during.pendingRangesOf('node-4', 2);
    const rng = new Rng(24);
    for (let i = 0; i < 500; i++) {
      const t = rng.bigint64();
      expect(ranges.some((r) => rangeContains(r, t))).toBe(during.pendingReplicas(t, 2).includes('node-4'));
    }
  });
});

describe('Ring: ranges and ownership', () => {
  it('rangesOf lists the (prev, token] ranges a node replicates, coalesced', () => {
    expect(small.rangesOf('B', 1)).toEqual([{ start: 100n, end: 200n }]);
    expect(small.rangesOf('C', 2)).toEqual([{ start: 100n, end: 300n }]);
    expect(small.rangesOf('A', 1)).toEqual([{ start: 300n, end: 100n }]); // (300,400] + (400,100] across the wrap
    expect(small.rangesOf('A', 3)).toEqual([{ start: 400n, end: 400n }]); // the whole ring
  });

  it('rangesOf agrees with preference lists on random tokens', () => {
    const ring = new Ring(nodes(5));
    const rng = new Rng(25);
    const ranges = new Map(['node-1', 'node-3'].map((id) => [id, ring.rangesOf(id, 3)] as const));
    for (let i = 0; i < 500; i++) {
      const t = rng.bigint64();
      for (const [id, rs] of ranges) expect(rs.some((r) => rangeContains(r, t))).toBe(ring.preferenceList(t, 3).includes(id));
    }
  });

  it('ownership shares sum to 1 (n=1) and to n (n < nodes)', () => {
    const ring = new Ring(nodes(5));
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(ring.ownership())).toBeCloseTo(1, 9);
    expect(sum(ring.ownership(3))).toBeCloseTo(3, 9);
    expect(small.ownership()).toEqual({ A: expect.any(Number), B: 100 / 2 ** 64, C: 100 / 2 ** 64 });
  });

  it.each([3, 4, 5, 6, 7, 8, 9, 10])('balances 128 vnodes over %i nodes within ±40%% of a fair share', (k) => {
    const shares = Object.values(new Ring(nodes(k)).ownership());
    for (const share of shares) {
      expect(share).toBeGreaterThan((1 / k) * 0.6);
      expect(share).toBeLessThan((1 / k) * 1.4);
    }
  });

  it.each([3, 5, 9])('adding a node to %i moves only the ranges it takes, about 1/(k+1) of the ring', (k) => {
    const before = new Ring(nodes(k));
    const after = new Ring(nodes(k + 1));
    const newcomer = `node-${k + 1}`;
    // Split the ring at every token of both rings; on each piece the primary is constant.
    const cuts = [...new Set([...before.tokens(), ...after.tokens()].map((t) => t.token))].sort((a, b) => (a < b ? -1 : 1));
    let moved = 0n;
    for (let i = 0; i < cuts.length; i++) {
      const piece: TokenRange = { start: cuts[(i - 1 + cuts.length) % cuts.length]!, end: cuts[i]! };
      const was = before.primaryOf(piece.end);
      const is = after.primaryOf(piece.end);
      if (was !== is) {
        expect(is).toBe(newcomer); // nothing moves between old nodes
        moved += rangeSize(piece);
      }
    }
    const share = Number(moved) / 2 ** 64;
    expect(share).toBeCloseTo(after.ownership()[newcomer]!, 9);
    expect(share).toBeGreaterThan(0.6 / (k + 1));
    expect(share).toBeLessThan(1.4 / (k + 1));
  });
});

describe('Ring: validation', () => {
  it('rejects two nodes claiming one token', () => {
    expect(() => new Ring([node('a', 'NORMAL', [5n]), node('b', 'JOINING', [5n])])).toThrow(expect.objectContaining({ code: 'TOKEN_COLLISION' }));
    expect(() => new Ring([node('a', 'NORMAL', [5n]), node('b', 'REMOVED', [5n])])).not.toThrow();
  });

  it.each([
    ['a duplicate node', [node('a'), node('a')]],
    ['an empty node id', [node('', 'NORMAL', [1n])]],
    ['a token past 64 bits', [node('a', 'NORMAL', [RING_SIZE])]],
    ['an unknown state', [{ nodeId: 'a', state: 'UP', tokens: [1n] } as unknown as RingNode]],
  ])('rejects %s', (_why, list) => {
    expect(() => new Ring(list)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a bad replication factor', () => {
    expect(() => small.preferenceList(1n, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
