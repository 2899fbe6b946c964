/**
 * Topology changes (the API's "migrations", SYSTEM.md §8): adding or removing a node, changing a
 * tenant's replication factor, deleting a tenant's data, and repair runs, with their progress.
 *
 * Contract:
 * - States move pending → running → completed | failed | cancelled (pending may also go straight
 *   to failed or cancelled). Terminal states are final; an illegal move raises
 *   InvalidStateTransitionError. The move is a single conditional UPDATE, so two workers cannot
 *   both finish one change.
 * - `startedAt` is set on the first move to running, `finishedAt` on the move to a terminal state.
 * - Progress counters are incremented in SQL (not read-modify-written), so concurrent stream
 *   workers of one change can report without losing updates.
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { InvalidStateTransitionError, MigrationNotFoundError } from './errors';
import { throwIfValidationError } from './pg-errors';
import type { Database, TopologyChangeState, TopologyChangeType, TopologyChangesTable } from './schema';

export interface TopologyChangeProgress {
  keysStreamed: number;
  bytesStreamed: number;
  /** Null until the job has estimated it. */
  totalKeys: number | null;
}

export interface TopologyChange {
  id: string;
  type: TopologyChangeType;
  state: TopologyChangeState;
  nodeId: string | null;
  tenantId: string | null;
  params: Record<string, unknown>;
  progress: TopologyChangeProgress;
  error: string | null;
  /** The ring epoch before the change, for rolling back a failed one. */
  epochBefore: bigint | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface NewTopologyChange {
  type: TopologyChangeType;
  nodeId?: string;
  tenantId?: string;
  params?: Record<string, unknown>;
  epochBefore?: bigint;
}

export interface ProgressDelta {
  /** Added to keys_streamed. */
  keysStreamed?: number;
  /** Added to bytes_streamed. */
  bytesStreamed?: number;
  /** Replaces total_keys (estimates improve as a job runs). */
  totalKeys?: number;
}

export const TERMINAL_TOPOLOGY_STATES: readonly TopologyChangeState[] = ['completed', 'failed', 'cancelled'];

/** For each target state, the states it may be entered from. */
const ALLOWED_FROM: Record<TopologyChangeState, readonly TopologyChangeState[]> = {
  pending: [],
  running: ['pending', 'running'],
  completed: ['running'],
  failed: ['pending', 'running'],
  cancelled: ['pending', 'running'],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toTopologyChange(row: Selectable<TopologyChangesTable>): TopologyChange {
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    nodeId: row.node_id,
    tenantId: row.tenant_id,
    params: row.params,
    progress: {
      keysStreamed: Number(row.progress.keys_streamed ?? 0),
      bytesStreamed: Number(row.progress.bytes_streamed ?? 0),
      totalKeys: row.progress.total_keys === null || row.progress.total_keys === undefined ? null : Number(row.progress.total_keys),
    },
    error: row.error,
    epochBefore: row.epoch_before,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

export class TopologyChangeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records a new change in state pending with zero progress. */
  async create(change: NewTopologyChange): Promise<TopologyChange> {
    try {
      const row = await this.db
        .insertInto('topology_changes')
        .values({
          type: change.type,
          node_id: change.nodeId ?? null,
          tenant_id: change.tenantId ?? null,
          params: JSON.stringify(change.params ?? {}),
          epoch_before: change.epochBefore ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTopologyChange(row);
    } catch (error) {
      throwIfValidationError(error);
      throw error;
    }
  }

  /** The change, or undefined (also for ids that are not UUIDs). */
  async find(id: string): Promise<TopologyChange | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.db.selectFrom('topology_changes').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTopologyChange(row) : undefined;
  }

  /** The change; MigrationNotFoundError when absent. */
  async get(id: string): Promise<TopologyChange> {
    const change = await this.find(id);
    if (!change) throw new MigrationNotFoundError(id);
    return change;
  }

  /** Changes newest first, optionally filtered by state, type, node or tenant (default limit 100). */
  async list(
    options: {
      states?: readonly TopologyChangeState[];
      type?: TopologyChangeType;
      nodeId?: string;
      tenantId?: string;
      limit?: number;
    } = {},
  ): Promise<TopologyChange[]> {
    let query = this.db
      .selectFrom('topology_changes')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100);
    if (options.states) {
      if (options.states.length === 0) return [];
      query = query.where('state', 'in', [...options.states]);
    }
    if (options.type) query = query.where('type', '=', options.type);
    if (options.nodeId) query = query.where('node_id', '=', options.nodeId);
    if (options.tenantId) query = query.where('tenant_id', '=', options.tenantId);
    return (await query.execute()).map(toTopologyChange);
  }

  /** Changes that are pending or running, oldest first (the work queue after a restart). */
  async listActive(): Promise<TopologyChange[]> {
    const rows = await this.db
      .selectFrom('topology_changes')
      .selectAll()
      .where('state', 'in', ['pending', 'running'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toTopologyChange);
  }

  /**
   * Moves the change to `state` (see the contract above), stamping startedAt / finishedAt and
   * recording `error` when given. MigrationNotFoundError when absent; InvalidStateTransitionError
   * when the current state does not allow the move.
   */
  async setState(id: string, state: TopologyChangeState, options: { error?: string } = {}): Promise<TopologyChange> {
    const from = ALLOWED_FROM[state];
    if (!UUID.test(id)) throw new MigrationNotFoundError(id);
    // One clock (the database's) for every timestamp of the row.
    const now = sql<Date>`now()`;
    const terminal = TERMINAL_TOPOLOGY_STATES.includes(state);
    const row =
      from.length === 0
        ? undefined
        : await this.db
            .updateTable('topology_changes')
            .set((eb) => ({
              state,
              updated_at: now,
              ...(state === 'running' ? { started_at: eb.fn.coalesce('started_at', now) } : {}),
              ...(terminal ? { finished_at: now } : {}),
              ...(options.error !== undefined ? { error: options.error } : {}),
            }))
            .where('id', '=', id)
            .where('state', 'in', [...from])
            .returningAll()
            .executeTakeFirst();
    if (row) return toTopologyChange(row);
    const current = await this.get(id);
    throw new InvalidStateTransitionError(`migration ${id}`, current.state, state);
  }

  /** Marks the change failed with `error` (from pending or running). */
  async fail(id: string, error: string): Promise<TopologyChange> {
    return this.setState(id, 'failed', { error });
  }

  /**
   * Adds to the streamed counters and replaces total_keys when given. Allowed only while the
   * change is pending or running (a late report after completion must not alter the record):
   * InvalidStateTransitionError otherwise, MigrationNotFoundError when absent.
   */
  async updateProgress(id: string, delta: ProgressDelta): Promise<TopologyChange> {
    if (!UUID.test(id)) throw new MigrationNotFoundError(id);
    const keys = Math.trunc(delta.keysStreamed ?? 0);
    const bytes = Math.trunc(delta.bytesStreamed ?? 0);
    const total = delta.totalKeys === undefined ? null : Math.trunc(delta.totalKeys);
    const row = await this.db
      .updateTable('topology_changes')
      .set({
        progress: sql<string>`jsonb_build_object(
          'keys_streamed', coalesce((progress->>'keys_streamed')::bigint, 0) + ${keys}::bigint,
          'bytes_streamed', coalesce((progress->>'bytes_streamed')::bigint, 0) + ${bytes}::bigint,
          'total_keys', coalesce(${total}::bigint, (progress->>'total_keys')::bigint)
        )`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .where('state', 'in', ['pending', 'running'])
      .returningAll()
      .executeTakeFirst();
    if (row) return toTopologyChange(row);
    const current = await this.get(id);
    throw new InvalidStateTransitionError(`migration ${id}`, current.state, 'progress update');
  }
}
