import { sql } from 'kysely';
import {
  createTestDatabase,
  NodeNotFoundError,
  RingRepository,
  StorageNodeRepository,
  TokenConflictError,
  TOPOLOGY_LOCK_KEY,
} from '../src';
import type { TestDatabase } from '../src';
import { gate, waitFor } from './support/wait-for';

const TWO_63 = 1n << 63n;
const MAX_U64 = (1n << 64n) - 1n;

describe('RingRepository', () => {
  let testDb: TestDatabase;
  let ring: RingRepository;
  let nodes: StorageNodeRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    ring = new RingRepository(testDb.db);
    nodes = new StorageNodeRepository(testDb.db);
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  /** Sessions of this database waiting for the topology advisory lock. */
  async function waitersOnTopologyLock(): Promise<number> {
    // An int8 advisory key is split into classid (high 32 bits) and objid (low 32 bits).
    const high = Number(TOPOLOGY_LOCK_KEY >> 32n);
    const low = Number(TOPOLOGY_LOCK_KEY & 0xffffffffn);
    const { rows } = await sql<{ waiting: bigint }>`
      SELECT count(*) AS waiting FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted AND classid = ${high} AND objid = ${low} AND objsubid = 1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    `.execute(testDb.db);
    return Number(rows[0]!.waiting);
  }

  describe('before bootstrap', () => {
    it('loads an empty ring at epoch 0', async () => {
      expect(await ring.load()).toEqual({ epoch: 0n, nodes: [] });
      expect(await ring.currentEpoch()).toBe(0n);
    });
  });

  describe('bootstrap', () => {
    it('registers the initial nodes as NORMAL with their tokens at epoch 1, exactly once', async () => {
      const results = await Promise.all([
        ring.bootstrap([
          { id: 'n1', host: 'h1', port: 1, tokens: [30n, 10n] },
          { id: 'n2', host: 'h2', port: 2, virtualNodes: 2, tokens: [20n, 40n] },
        ]),
        ring.bootstrap([{ id: 'other', host: 'h9', port: 9, tokens: [5n] }]),
      ]);
      expect(results.filter((r) => r.bootstrapped)).toHaveLength(1);
      expect(results.map((r) => r.epoch)).toEqual([1n, 1n]);

      const snapshot = await ring.load();
      expect(snapshot.epoch).toBe(1n);
      // Whichever call won, the ring is exactly its node set.
      const ids = snapshot.nodes.map((n) => n.id);
      expect([['n1', 'n2'], ['other']]).toContainEqual(ids);
      for (const node of snapshot.nodes) expect(node.state).toBe('NORMAL');

      const again = await ring.bootstrap([{ id: 'late', host: 'h3', port: 3, tokens: [1n] }]);
      expect(again).toEqual({ bootstrapped: false, epoch: 1n });
      expect(await ring.load()).toEqual(snapshot);
    });
  });

  describe('after bootstrap', () => {
    beforeAll(async () => {
      // Reset to a known ring regardless of which bootstrap call won above.
      await testDb.db.deleteFrom('storage_nodes').execute();
      await nodes.register({ id: 'a', host: 'ha', port: 1, state: 'NORMAL' });
      await nodes.register({ id: 'b', host: 'hb', port: 1, state: 'NORMAL' });
      await ring.replaceTokens('a', [100n, 300n]);
      await ring.replaceTokens('b', [200n]);
    });

    it('records a node that moved to a new address, bumping the epoch only when something changed', async () => {
      const before = await ring.currentEpoch();
      const moved = await ring.refreshAddresses([
        { id: 'a', host: 'ha', port: 2 },
        { id: 'b', host: 'hb', port: 1 },
        { id: 'ghost', host: 'x', port: 9 },
      ]);
      expect(moved).toEqual({ changed: ['a'], epoch: before + 1n });
      const a = (await ring.load()).nodes.find((n) => n.id === 'a')!;
      expect([a.host, a.port, a.tokens]).toEqual(['ha', 2, [100n, 300n]]);
      expect(await ring.refreshAddresses([{ id: 'a', host: 'ha', port: 2 }])).toEqual({ changed: [], epoch: before + 1n });
      await ring.refreshAddresses([{ id: 'a', host: 'ha', port: 1 }]);
    });

    it('round-trips uint64 tokens at the extremes exactly, in unsigned order', async () => {
      const extremes = [0n, 1n, (1n << 53n) + 1n, TWO_63 - 1n, TWO_63, MAX_U64 - 1n, MAX_U64];
      await nodes.register({ id: 'edge', host: 'he', port: 1, state: 'NORMAL' });
      await ring.replaceTokens('edge', [...extremes].reverse());
      const tokens = await ring.tokensOf('edge');
      expect(tokens).toEqual(extremes);
      for (const token of tokens) expect(typeof token).toBe('bigint');
      const snapshot = await ring.load();
      expect(snapshot.nodes.find((n) => n.id === 'edge')?.tokens).toEqual(extremes);
      await nodes.remove('edge');
    });

    it.each([-1n, 1n << 64n])('rejects token %s outside [0, 2^64-1] and keeps the old tokens', async (token) => {
      const error = await ring.replaceTokens('a', [5n, token]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', constraint: 'ring_tokens_token_uint64' });
      expect(await ring.tokensOf('a')).toEqual([100n, 300n]);
    });

    it('replaces a node’s tokens', async () => {
      await nodes.register({ id: 'c', host: 'hc', port: 1 });
      await ring.replaceTokens('c', [500n, 600n]);
      await ring.replaceTokens('c', [700n]);
      expect(await ring.tokensOf('c')).toEqual([700n]);
      await ring.replaceTokens('c', []);
      expect(await ring.tokensOf('c')).toEqual([]);
      await nodes.remove('c');
    });

    it('refuses a token owned by another node (or listed twice) and changes nothing', async () => {
      const error = await ring.replaceTokens('b', [250n, 300n]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenConflictError);
      expect(error).toMatchObject({ code: 'TOKEN_CONFLICT', nodeId: 'b' });
      expect(await ring.tokensOf('b')).toEqual([200n]);
      await expect(ring.replaceTokens('b', [250n, 250n])).rejects.toBeInstanceOf(TokenConflictError);
      expect(await ring.tokensOf('b')).toEqual([200n]);
    });

    it('refuses tokens for an unknown node', async () => {
      await expect(ring.replaceTokens('ghost', [1n])).rejects.toBeInstanceOf(NodeNotFoundError);
    });

    it('bumps the epoch by one each time, as a bigint', async () => {
      const before = await ring.currentEpoch();
      expect(await ring.bumpEpoch()).toBe(before + 1n);
      expect(await ring.bumpEpoch()).toBe(before + 2n);
      expect(await ring.currentEpoch()).toBe(before + 2n);
    });

    it('loads every node that is not REMOVED with its sorted tokens', async () => {
      await nodes.register({ id: 'z', host: 'hz', port: 1 });
      await nodes.setState('z', 'REMOVED');
      const snapshot = await ring.load();
      expect(snapshot.nodes).toEqual([
        { id: 'a', host: 'ha', port: 1, state: 'NORMAL', virtualNodes: 128, tokens: [100n, 300n] },
        { id: 'b', host: 'hb', port: 1, state: 'NORMAL', virtualNodes: 128, tokens: [200n] },
      ]);
    });

    it('shows a topology change only once it commits, tokens and epoch together', async () => {
      const before = await ring.load();
      const hold = gate();
      const entered = gate();
      const change = ring.withTopologyLock(async (trx) => {
        const txRing = new RingRepository(trx);
        await txRing.replaceTokens('b', [200n, 250n]);
        const epoch = await txRing.bumpEpoch(trx);
        // Inside the transaction the new ring is already visible.
        expect((await txRing.load()).epoch).toBe(epoch);
        entered.open();
        await hold.opened;
        return epoch;
      });
      try {
        await entered.opened;
        expect(await ring.load()).toEqual(before);
      } finally {
        hold.open();
      }
      const epoch = await change;
      const after = await ring.load();
      expect(after.epoch).toBe(epoch);
      expect(after.nodes.find((n) => n.id === 'b')?.tokens).toEqual([200n, 250n]);
    });

    it('serializes concurrent withTopologyLock calls', async () => {
      const events: string[] = [];
      const hold = gate();
      const entered = gate();
      const first = ring.withTopologyLock(async () => {
        events.push('first:start');
        entered.open();
        await hold.opened;
        events.push('first:end');
      });
      let second: Promise<void> | undefined;
      try {
        await entered.opened;
        second = ring.withTopologyLock(async () => {
          events.push('second:start');
          events.push('second:end');
        });
        // The second caller is blocked inside PostgreSQL on the advisory lock, not merely slow.
        await waitFor(async () => (await waitersOnTopologyLock()) === 1, 300);
        expect(events).toEqual(['first:start']);
      } finally {
        hold.open();
      }
      await Promise.all([first, second]);
      expect(events).toEqual(['first:start', 'first:end', 'second:start', 'second:end']);
    });

    it('makes read-modify-write of the epoch safe under the lock', async () => {
      const start = await ring.currentEpoch();
      await Promise.all(
        Array.from({ length: 4 }, () =>
          ring.withTopologyLock(async (trx) => {
            const txRing = new RingRepository(trx);
            const current = await txRing.currentEpoch();
            await trx.updateTable('ring_epoch').set({ epoch: current + 1n }).execute();
          }),
        ),
      );
      expect(await ring.currentEpoch()).toBe(start + 4n);
    });

    it('rolls back and releases the lock when the work throws', async () => {
      const before = await ring.load();
      await expect(
        ring.withTopologyLock(async (trx) => {
          await new RingRepository(trx).bumpEpoch(trx);
          await new RingRepository(trx).replaceTokens('a', [101n]);
          throw new Error('abort change');
        }),
      ).rejects.toThrow('abort change');
      expect(await ring.load()).toEqual(before);
      expect(await ring.withTopologyLock(async () => 'next')).toBe('next');
    });
  });
});
