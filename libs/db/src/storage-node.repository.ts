/**
 * Storage nodes: the registry of physical nodes and their ring state (SYSTEM.md §4):
 * JOINING → NORMAL → LEAVING → REMOVED. Liveness (UP/DOWN) is not stored here; it comes from the
 * failure detector.
 *
 * Contract:
 * - Ids and addresses are unique among nodes that are not REMOVED (NodeExistsError); a REMOVED
 *   node keeps its row (history, and its id stays taken) until `remove` deletes it.
 * - REMOVED is final: setState refuses to move a node out of it.
 * - State changes that alter the ring belong inside RingRepository.withTopologyLock together
 *   with an epoch bump; this repository does not bump the epoch itself.
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { NodeExistsError, NodeNotFoundError, NodeStateConflictError } from './errors';
import { SqlState, isPgError, throwIfValidationError } from './pg-errors';
import type { Database, NodeState, StorageNodesTable } from './schema';

export interface StorageNode {
  id: string;
  host: string;
  port: number;
  state: NodeState;
  virtualNodes: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewStorageNode {
  id: string;
  host: string;
  port: number;
  /** Default 128 (SYSTEM.md §4). */
  virtualNodes?: number;
  /** Default JOINING: a node joins by streaming before it serves reads. */
  state?: NodeState;
}

export function toStorageNode(row: Selectable<StorageNodesTable>): StorageNode {
  return {
    id: row.id,
    host: row.host,
    port: row.port,
    state: row.state,
    virtualNodes: row.virtual_nodes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class StorageNodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Registers a node. NodeExistsError when the id is taken or another live node has the same
   * host:port; DbValidationError (INVALID_NODE_CONFIG) for a bad id, host, port or vnode count.
   */
  async register(node: NewStorageNode): Promise<StorageNode> {
    try {
      const row = await this.db
        .insertInto('storage_nodes')
        .values({
          id: node.id,
          host: node.host,
          port: node.port,
          state: node.state ?? 'JOINING',
          ...(node.virtualNodes === undefined ? {} : { virtual_nodes: node.virtualNodes }),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toStorageNode(row);
    } catch (error) {
      if (isPgError(error, SqlState.uniqueViolation, 'storage_nodes_pkey')) {
        throw new NodeExistsError(node.id, undefined, { cause: error });
      }
      if (isPgError(error, SqlState.uniqueViolation, 'storage_nodes_address_unique')) {
        throw new NodeExistsError(node.id, `another storage node already listens on ${node.host}:${node.port}`, {
          cause: error,
        });
      }
      throwIfValidationError(error);
      throw error;
    }
  }

  /** The node, or undefined. */
  async find(id: string): Promise<StorageNode | undefined> {
    const row = await this.db.selectFrom('storage_nodes').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStorageNode(row) : undefined;
  }

  /** The node; NodeNotFoundError when absent. */
  async get(id: string): Promise<StorageNode> {
    const node = await this.find(id);
    if (!node) throw new NodeNotFoundError(id);
    return node;
  }

  /** Nodes ordered by id, optionally only those in the given states. */
  async list(options: { states?: readonly NodeState[] } = {}): Promise<StorageNode[]> {
    let query = this.db.selectFrom('storage_nodes').selectAll().orderBy('id');
    if (options.states) {
      if (options.states.length === 0) return [];
      query = query.where('state', 'in', [...options.states]);
    }
    return (await query.execute()).map(toStorageNode);
  }

  /**
   * Moves a node to `state`. With `expected`, applies only if the node is currently in one of
   * those states (a compare-and-set, so two operators cannot both start removing a node).
   * NodeNotFoundError when absent; NodeStateConflictError when the current state does not match
   * or the node is already REMOVED.
   */
  async setState(id: string, state: NodeState, expected?: NodeState | readonly NodeState[]): Promise<StorageNode> {
    const from = expected === undefined ? undefined : typeof expected === 'string' ? [expected] : [...expected];
    let query = this.db
      .updateTable('storage_nodes')
      .set({ state, updated_at: sql<Date>`now()` })
      .where('id', '=', id);
    // REMOVED is final; setting REMOVED again is a no-op success.
    if (state !== 'REMOVED') query = query.where('state', '<>', 'REMOVED');
    if (from) {
      if (from.length === 0) throw new NodeStateConflictError(id, (await this.get(id)).state, state);
      query = query.where('state', 'in', from);
    }
    let row;
    try {
      row = await query.returningAll().executeTakeFirst();
    } catch (error) {
      throwIfValidationError(error);
      throw error;
    }
    if (row) return toStorageNode(row);
    const current = await this.get(id);
    throw new NodeStateConflictError(id, current.state, state);
  }

  /**
   * Deletes the node's row and, through the foreign key, its ring tokens. Used to forget a
   * REMOVED node or undo a registration that never joined. NodeNotFoundError when absent.
   */
  async remove(id: string): Promise<void> {
    const result = await this.db.deleteFrom('storage_nodes').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NodeNotFoundError(id);
  }
}
