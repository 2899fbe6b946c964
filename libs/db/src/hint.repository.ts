/**
 * Hinted handoff storage (SYSTEM.md §5): writes owed to a replica that was down or slow, kept
 * until a replay worker delivers them or they age past `hint_window`.
 *
 * Contract:
 * - A hint is written before the client gets its reply, so `insert`/`insertMany` are single
 *   statements (a batch of hints is all-or-nothing).
 * - `duePerTarget` returns hints in (next_attempt_at, id) order, which is the oldest first for
 *   hints never retried; a rescheduled hint moves behind the ones due before it. It does not
 *   lock rows: one replay worker per target node is expected (BullMQ job per target), and
 *   replaying a hint twice is harmless because replicas reconcile objects by vector clock.
 * - Hint timestamps (created_at, next_attempt_at, the `now` and `cutoff` arguments) all come
 *   from the coordinators' clocks, never the database's, so due and expiry checks compare like
 *   with like.
 * - Counts are numbers; ids are bigserial and returned as bigint.
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { throwIfValidationError } from './pg-errors';
import type { Database, HintsTable } from './schema';

export interface Hint {
  id: bigint;
  targetNode: string;
  tenantId: string;
  key: string;
  token: bigint;
  /** The encoded object (libs/cluster object format), opaque here. */
  object: Buffer;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
}

export interface NewHint {
  targetNode: string;
  tenantId: string;
  key: string;
  token: bigint;
  object: Buffer;
  /** Default now. */
  createdAt?: Date;
  /** Default `createdAt` (due at once). */
  nextAttemptAt?: Date;
}

export interface ExpiredHints {
  total: number;
  perTarget: Record<string, number>;
}

/** Rows per INSERT: 7 parameters each keeps a statement far below PostgreSQL's 65535 limit. */
const INSERT_BATCH = 1000;

export function toHint(row: Selectable<HintsTable>): Hint {
  return {
    id: row.id,
    targetNode: row.target_node,
    tenantId: row.tenant_id,
    key: row.key,
    token: row.token,
    object: row.object,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
}

function toRow(hint: NewHint, now: Date) {
  const createdAt = hint.createdAt ?? now;
  return {
    target_node: hint.targetNode,
    tenant_id: hint.tenantId,
    key: hint.key,
    token: hint.token,
    object: hint.object,
    created_at: createdAt,
    next_attempt_at: hint.nextAttemptAt ?? createdAt,
  };
}

export class HintRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores one hint; returns its id. */
  async insert(hint: NewHint): Promise<bigint> {
    const [id] = await this.insertMany([hint]);
    if (id === undefined) throw new Error('INSERT ... RETURNING returned no row');
    return id;
  }

  /**
   * Stores hints atomically (one transaction when more than one INSERT is needed); returns their
   * ids in input order.
   */
  async insertMany(hints: readonly NewHint[]): Promise<bigint[]> {
    if (hints.length === 0) return [];
    const now = new Date();
    const insertChunk = async (db: Kysely<Database>, chunk: readonly NewHint[]): Promise<bigint[]> => {
      const rows = await db
        .insertInto('hints')
        .values(chunk.map((hint) => toRow(hint, now)))
        .returning('id')
        .execute();
      // PostgreSQL returns RETURNING rows of a multi-row VALUES insert in input order.
      return rows.map((row) => row.id);
    };
    try {
      if (hints.length <= INSERT_BATCH) return await insertChunk(this.db, hints);
      const run = async (trx: Kysely<Database>) => {
        const ids: bigint[] = [];
        for (let i = 0; i < hints.length; i += INSERT_BATCH) {
          ids.push(...(await insertChunk(trx, hints.slice(i, i + INSERT_BATCH))));
        }
        return ids;
      };
      return this.db.isTransaction ? await run(this.db) : await this.db.transaction().execute(run);
    } catch (error) {
      throwIfValidationError(error);
      throw error;
    }
  }

  /** Up to `limit` hints for `targetNode` due at `now`, in (next_attempt_at, id) order. */
  async duePerTarget(targetNode: string, limit: number, now: Date = new Date()): Promise<Hint[]> {
    const rows = await this.db
      .selectFrom('hints')
      .selectAll()
      .where('target_node', '=', targetNode)
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toHint);
  }

  /** Deletes delivered hints; returns how many existed. */
  async delete(ids: readonly bigint[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db.deleteFrom('hints').where('id', '=', sql<bigint>`any(${[...ids]}::bigint[])`).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Defers failed hints to `nextAttemptAt`, counting the attempt; returns how many existed. */
  async reschedule(ids: readonly bigint[], nextAttemptAt: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db
      .updateTable('hints')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt }))
      .where('id', '=', sql<bigint>`any(${[...ids]}::bigint[])`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Drops hints created before `cutoff` (older than hint_window: anti-entropy repairs those
   * replicas instead). Counts per target are aggregated in the same statement, so the rows
   * themselves never travel to the client.
   */
  async expireOlderThan(cutoff: Date): Promise<ExpiredHints> {
    const rows = await this.db
      .with('expired', (db) => db.deleteFrom('hints').where('created_at', '<', cutoff).returning('target_node'))
      .selectFrom('expired')
      .select(['target_node', (eb) => eb.fn.countAll<bigint>().as('count')])
      .groupBy('target_node')
      .execute();
    const perTarget: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      perTarget[row.target_node] = Number(row.count);
      total += Number(row.count);
    }
    return { total, perTarget };
  }

  /** Deletes every hint of a tenant (its data is being deleted); returns how many. */
  async deleteForTenant(tenantId: string): Promise<number> {
    const result = await this.db.deleteFrom('hints').where('tenant_id', '=', tenantId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Number of pending hints per target node (nodes without hints are absent). */
  async pendingCounts(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('hints')
      .select(['target_node', (eb) => eb.fn.countAll<bigint>().as('count')])
      .groupBy('target_node')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.target_node, Number(row.count)]));
  }

  /** Creation time of the oldest pending hint per target node. */
  async oldestPerTarget(): Promise<Record<string, Date>> {
    const rows = await this.db
      .selectFrom('hints')
      .select(['target_node', (eb) => eb.fn.min('created_at').as('oldest')])
      .groupBy('target_node')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.target_node, row.oldest as Date]));
  }
}
