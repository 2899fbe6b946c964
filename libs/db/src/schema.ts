/**
 * The kysely view of RingKV's PostgreSQL schema: one interface per table, column names exactly as
 * in SQL (snake_case). The tables themselves are created by src/migrations/; this file must
 * describe what the latest migration leaves behind, nothing more.
 *
 * Contract of the value types (set up by createDatabase's type parsers):
 * - `numeric(20,0)` token columns and `bigint`/`bigserial` columns read back as `bigint`, never as
 *   a lossy `number`; uint64 tokens exceed int8, which is why they live in numeric(20,0).
 * - `timestamptz` reads back as `Date`; `bytea` as `Buffer`; `jsonb` as parsed JSON.
 * Only repositories, migrations and the database factory use these row types; everything else
 * sees the camelCase domain types the repositories return.
 */
import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column the database fills in when the insert omits it. */
export type DefaultedTimestamp = ColumnType<Date, Date | undefined, Date>;
/** A nullable timestamptz column. */
export type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
/** A uint64 stored as numeric(20,0); written as bigint, read as bigint. */
export type TokenColumn = ColumnType<bigint, bigint, bigint>;

export type ConsistencyLevel = 'one' | 'quorum' | 'all';
export type ConflictPolicy = 'lww' | 'siblings';
export type ApiKeyScope = 'tenant' | 'admin';
export type NodeState = 'JOINING' | 'NORMAL' | 'LEAVING' | 'REMOVED';
export type TopologyChangeType = 'add_node' | 'remove_node' | 'change_rf' | 'delete_tenant' | 'repair';
export type TopologyChangeState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Progress of a topology change as stored in `topology_changes.progress` (jsonb). */
export interface ProgressDocument {
  keys_streamed: number;
  bytes_streamed: number;
  total_keys: number | null;
}

export interface TenantsTable {
  id: string;
  replication_factor: Generated<number>;
  default_consistency: Generated<ConsistencyLevel>;
  conflict_policy: Generated<ConflictPolicy>;
  write_rate_limit: Generated<number>;
  read_rate_limit: Generated<number>;
  /** Optimistic-concurrency counter, bumped by every update. */
  version: Generated<number>;
  /** Null while the tenant is active; set when its deletion starts. */
  deleted_at: NullableTimestamp;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface ApiKeysTable {
  id: string;
  /** Null exactly for admin-scoped keys. */
  tenant_id: string | null;
  scope: ApiKeyScope;
  name: Generated<string>;
  /** SHA-256 of the secret (32 bytes); the secret itself is never stored. */
  key_hash: Buffer;
  created_at: DefaultedTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface StorageNodesTable {
  id: string;
  host: string;
  port: number;
  state: NodeState;
  virtual_nodes: Generated<number>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface RingTokensTable {
  token: TokenColumn;
  node_id: string;
}

export interface RingEpochTable {
  /** Always true: the primary key that keeps this table at one row. */
  singleton: Generated<boolean>;
  epoch: ColumnType<bigint, bigint | undefined, bigint>;
  updated_at: DefaultedTimestamp;
}

export interface TopologyChangesTable {
  id: Generated<string>;
  type: TopologyChangeType;
  state: Generated<TopologyChangeState>;
  node_id: string | null;
  tenant_id: string | null;
  params: ColumnType<Record<string, unknown>, string | undefined, string>;
  progress: ColumnType<ProgressDocument, string | undefined, string>;
  error: string | null;
  epoch_before: ColumnType<bigint | null, bigint | null | undefined, bigint | null>;
  created_at: DefaultedTimestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface HintsTable {
  id: ColumnType<bigint, never, never>;
  target_node: string;
  tenant_id: string;
  key: string;
  token: TokenColumn;
  object: Buffer;
  created_at: DefaultedTimestamp;
  attempts: Generated<number>;
  next_attempt_at: DefaultedTimestamp;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  storage_nodes: StorageNodesTable;
  ring_tokens: RingTokensTable;
  ring_epoch: RingEpochTable;
  topology_changes: TopologyChangesTable;
  hints: HintsTable;
}
