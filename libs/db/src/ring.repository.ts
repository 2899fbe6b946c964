/**
 * The ring as stored in PostgreSQL: every node's tokens (uint64, numeric(20,0)) and the ring epoch
 * (SYSTEM.md §4). Coordinators load it at boot and after every epoch bump.
 *
 * Contract:
 * - `load` returns one consistent snapshot (a REPEATABLE READ transaction): the epoch and the
 *   tokens always belong together.
 * - Topology changes are serialized by one PostgreSQL advisory lock: `withTopologyLock` runs its
 *   callback in a transaction holding `pg_advisory_xact_lock(TOPOLOGY_LOCK_KEY)`, released at
 *   commit or rollback (so a crashed coordinator cannot leave it held). Code that changes tokens
 *   or node states and bumps the epoch should do all of it inside that callback, building
 *   repositories over the given transaction, so that the change is computed from the latest ring
 *   and becomes visible atomically with its epoch.
 * - Epoch 0 means "never bootstrapped"; `bootstrap` moves it to 1 exactly once.
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { NodeNotFoundError, TokenConflictError } from './errors';
import { SqlState, isPgError, throwIfValidationError } from './pg-errors';
import type { Database, NodeState } from './schema';
import { StorageNodeRepository } from './storage-node.repository';
import { inTransaction } from './transaction';

/** Advisory lock key of topology changes: the bytes "RingKVT1"; never reuse it for another lock. */
export const TOPOLOGY_LOCK_KEY = 0x52696e674b565431n;

export interface RingNode {
  id: string;
  host: string;
  port: number;
  state: NodeState;
  virtualNodes: number;
  /** Ascending. */
  tokens: bigint[];
}

export interface RingSnapshot {
  epoch: bigint;
  /** Every node that is not REMOVED, ordered by id. */
  nodes: RingNode[];
}

export interface BootstrapNode {
  id: string;
  host: string;
  port: number;
  virtualNodes?: number;
  tokens: readonly bigint[];
}

export interface BootstrapResult {
  /** False when the ring already existed and nothing was changed. */
  bootstrapped: boolean;
  epoch: bigint;
}

export class RingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The current epoch (0 before bootstrap). */
  async currentEpoch(trx?: Kysely<Database>): Promise<bigint> {
    const row = await (trx ?? this.db).selectFrom('ring_epoch').select('epoch').executeTakeFirstOrThrow();
    return row.epoch;
  }

  /** The epoch with every non-REMOVED node and its tokens, read from one snapshot. */
  async load(): Promise<RingSnapshot> {
    const read = async (trx: Kysely<Database>): Promise<RingSnapshot> => {
      const { epoch } = await trx.selectFrom('ring_epoch').select('epoch').executeTakeFirstOrThrow();
      const nodes = await trx
        .selectFrom('storage_nodes')
        .selectAll()
        .where('state', '<>', 'REMOVED')
        .orderBy('id')
        .execute();
      const tokens = await trx
        .selectFrom('ring_tokens')
        .innerJoin('storage_nodes', 'storage_nodes.id', 'ring_tokens.node_id')
        .select(['ring_tokens.token', 'ring_tokens.node_id'])
        .where('storage_nodes.state', '<>', 'REMOVED')
        .orderBy('ring_tokens.token')
        .execute();
      const byNode = new Map<string, bigint[]>(nodes.map((node) => [node.id, []]));
      for (const { token, node_id } of tokens) byNode.get(node_id)?.push(token);
      return {
        epoch,
        nodes: nodes.map((node) => ({
          id: node.id,
          host: node.host,
          port: node.port,
          state: node.state,
          virtualNodes: node.virtual_nodes,
          tokens: byNode.get(node.id) ?? [],
        })),
      };
    };
    if (this.db.isTransaction) return read(this.db);
    return this.db.transaction().setIsolationLevel('repeatable read').execute(read);
  }

  /** The tokens of one node, ascending. */
  async tokensOf(nodeId: string): Promise<bigint[]> {
    const rows = await this.db
      .selectFrom('ring_tokens')
      .select('token')
      .where('node_id', '=', nodeId)
      .orderBy('token')
      .execute();
    return rows.map((row) => row.token);
  }

  /**
   * Replaces all tokens of `nodeId` atomically. NodeNotFoundError when the node is absent;
   * TokenConflictError when a token is owned by another node or listed twice; DbValidationError
   * when a token is outside [0, 2^64-1]. Does not bump the epoch.
   */
  async replaceTokens(nodeId: string, tokens: readonly bigint[]): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      // Lock the node row so a concurrent remove cannot slip between the delete and the insert.
      const node = await trx
        .selectFrom('storage_nodes')
        .select('id')
        .where('id', '=', nodeId)
        .forUpdate()
        .executeTakeFirst();
      if (!node) throw new NodeNotFoundError(nodeId);
      await trx.deleteFrom('ring_tokens').where('node_id', '=', nodeId).execute();
      await insertTokens(trx, nodeId, tokens);
    });
  }

  /** Adds one to the epoch and returns the new value. Pass the topology transaction when in one. */
  async bumpEpoch(trx?: Kysely<Database>): Promise<bigint> {
    const row = await (trx ?? this.db)
      .updateTable('ring_epoch')
      .set((eb) => ({ epoch: eb('epoch', '+', 1n), updated_at: sql<Date>`now()` }))
      .returning('epoch')
      .executeTakeFirstOrThrow();
    return row.epoch;
  }

  /**
   * Records where nodes listen now (a node restarted on another host or port keeps its id, its
   * tokens and its data). Only nodes whose address changed are touched; if any was, the epoch is
   * bumped so every coordinator reloads the ring. Unknown and REMOVED nodes are ignored.
   */
  async refreshAddresses(nodes: ReadonlyArray<{ id: string; host: string; port: number }>): Promise<{ changed: string[]; epoch: bigint }> {
    return this.withTopologyLock(async (trx) => {
      const changed: string[] = [];
      for (const node of nodes) {
        const row = await trx
          .updateTable('storage_nodes')
          .set({ host: node.host, port: node.port, updated_at: sql<Date>`now()` })
          .where('id', '=', node.id)
          .where('state', '<>', 'REMOVED')
          .where((eb) => eb.or([eb('host', '<>', node.host), eb('port', '<>', node.port)]))
          .returning('id')
          .executeTakeFirst();
        if (row) changed.push(row.id);
      }
      const epoch = changed.length > 0 ? await this.bumpEpoch(trx) : await this.currentEpoch(trx);
      return { changed, epoch };
    });
  }

  /**
   * Creates the initial ring: registers `nodes` as NORMAL with their tokens and sets the epoch to
   * 1, all in one topology-locked transaction. Idempotent: once the epoch is past 0 it changes
   * nothing and reports `bootstrapped: false`, so every process may call it at cluster creation.
   */
  async bootstrap(nodes: readonly BootstrapNode[]): Promise<BootstrapResult> {
    return this.withTopologyLock(async (trx) => {
      const epoch = await new RingRepository(trx).currentEpoch();
      if (epoch > 0n) return { bootstrapped: false, epoch };
      const registry = new StorageNodeRepository(trx);
      for (const node of nodes) {
        await registry.register({ id: node.id, host: node.host, port: node.port, virtualNodes: node.virtualNodes, state: 'NORMAL' });
        await insertTokens(trx, node.id, node.tokens);
      }
      const ring = new RingRepository(trx);
      const bumped = await ring.bumpEpoch(trx);
      return { bootstrapped: true, epoch: bumped };
    });
  }

  /**
   * Runs `work` in a transaction holding the topology advisory lock; concurrent callers (in any
   * process) run one after another. The lock and every change made through `trx` end together at
   * commit, or at rollback when `work` throws. Called on a repository that is already inside a
   * transaction, it takes the lock in that transaction.
   */
  async withTopologyLock<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const locked = async (trx: Transaction<Database>): Promise<T> => {
      await sql`SELECT pg_advisory_xact_lock(${TOPOLOGY_LOCK_KEY})`.execute(trx);
      return work(trx);
    };
    if (this.db.isTransaction) return locked(this.db as Transaction<Database>);
    return this.db.transaction().execute(locked);
  }
}

/** Inserts `tokens` for `nodeId` in one statement (unnest of a numeric array). */
async function insertTokens(trx: Kysely<Database>, nodeId: string, tokens: readonly bigint[]): Promise<void> {
  if (tokens.length === 0) return;
  try {
    await sql`
      INSERT INTO ring_tokens (token, node_id)
      SELECT t, ${nodeId} FROM unnest(${[...tokens]}::numeric[]) AS t
    `.execute(trx);
  } catch (error) {
    if (isPgError(error, SqlState.uniqueViolation)) throw new TokenConflictError(nodeId, { cause: error });
    if (isPgError(error, SqlState.foreignKeyViolation)) throw new NodeNotFoundError(nodeId);
    throwIfValidationError(error);
    throw error;
  }
}
