/**
 * Schema migration 0001: every metadata table of RingKV (tenants, API keys, storage nodes, ring
 * tokens and epoch, topology changes, hints).
 *
 * Never edit a migration that has shipped: add a new one. Constraint names are referenced by
 * src/pg-errors.ts to map violations to typed errors, so renaming one is a code change too.
 * The CHECKs encode SYSTEM.md §3-§5 and §8, so that no code path (or operator with psql) can
 * store a state the cluster does not understand.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenants (
      id text PRIMARY KEY
        CONSTRAINT tenants_id_format CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
      replication_factor integer NOT NULL DEFAULT 3
        CONSTRAINT tenants_replication_factor_range CHECK (replication_factor BETWEEN 1 AND 10),
      default_consistency text NOT NULL DEFAULT 'quorum'
        CONSTRAINT tenants_default_consistency_valid CHECK (default_consistency IN ('one', 'quorum', 'all')),
      conflict_policy text NOT NULL DEFAULT 'lww'
        CONSTRAINT tenants_conflict_policy_valid CHECK (conflict_policy IN ('lww', 'siblings')),
      write_rate_limit integer NOT NULL DEFAULT 1000
        CONSTRAINT tenants_write_rate_limit_positive CHECK (write_rate_limit > 0),
      read_rate_limit integer NOT NULL DEFAULT 5000
        CONSTRAINT tenants_read_rate_limit_positive CHECK (read_rate_limit > 0),
      version integer NOT NULL DEFAULT 1,
      deleted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);

  await sql`
    CREATE TABLE api_keys (
      id text PRIMARY KEY
        CONSTRAINT api_keys_id_not_empty CHECK (length(id) BETWEEN 1 AND 128),
      tenant_id text REFERENCES tenants (id) ON DELETE CASCADE,
      scope text NOT NULL
        CONSTRAINT api_keys_scope_valid CHECK (scope IN ('tenant', 'admin')),
      name text NOT NULL DEFAULT '',
      key_hash bytea NOT NULL
        CONSTRAINT api_keys_key_hash_sha256 CHECK (octet_length(key_hash) = 32),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash),
      -- an admin key belongs to no tenant, a tenant key to exactly one
      CONSTRAINT api_keys_scope_tenant CHECK ((scope = 'admin') = (tenant_id IS NULL))
    )
  `.execute(db);
  await sql`CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE storage_nodes (
      id text PRIMARY KEY
        CONSTRAINT storage_nodes_id_format CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
      host text NOT NULL
        CONSTRAINT storage_nodes_host_not_empty CHECK (length(host) BETWEEN 1 AND 253),
      port integer NOT NULL
        CONSTRAINT storage_nodes_port_range CHECK (port BETWEEN 1 AND 65535),
      state text NOT NULL DEFAULT 'JOINING'
        CONSTRAINT storage_nodes_state_valid CHECK (state IN ('JOINING', 'NORMAL', 'LEAVING', 'REMOVED')),
      virtual_nodes integer NOT NULL DEFAULT 128
        CONSTRAINT storage_nodes_virtual_nodes_range CHECK (virtual_nodes BETWEEN 1 AND 4096),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  // Two live nodes at one address would be one process counted twice; a REMOVED node's address
  // may be reused by its replacement.
  await sql`
    CREATE UNIQUE INDEX storage_nodes_address_unique ON storage_nodes (host, port) WHERE state <> 'REMOVED'
  `.execute(db);

  // Tokens are uint64; int8 tops out at 2^63-1, so they are numeric(20,0) bounded by a CHECK.
  await sql`
    CREATE TABLE ring_tokens (
      token numeric(20, 0) PRIMARY KEY
        CONSTRAINT ring_tokens_token_uint64 CHECK (token BETWEEN 0 AND 18446744073709551615),
      node_id text NOT NULL REFERENCES storage_nodes (id) ON DELETE CASCADE
    )
  `.execute(db);
  await sql`CREATE INDEX ring_tokens_node_id_idx ON ring_tokens (node_id)`.execute(db);

  await sql`
    CREATE TABLE ring_epoch (
      singleton boolean PRIMARY KEY DEFAULT true
        CONSTRAINT ring_epoch_single_row CHECK (singleton),
      epoch bigint NOT NULL DEFAULT 0
        CONSTRAINT ring_epoch_not_negative CHECK (epoch >= 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  // Epoch 0 means "no ring yet"; RingRepository.bootstrap moves it to 1.
  await sql`INSERT INTO ring_epoch (singleton, epoch) VALUES (true, 0)`.execute(db);

  await sql`
    CREATE TABLE topology_changes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      type text NOT NULL
        CONSTRAINT topology_changes_type_valid
        CHECK (type IN ('add_node', 'remove_node', 'change_rf', 'delete_tenant', 'repair')),
      state text NOT NULL DEFAULT 'pending'
        CONSTRAINT topology_changes_state_valid
        CHECK (state IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
      -- no foreign keys: a change outlives the node it removed and the tenant it deleted
      node_id text,
      tenant_id text,
      params jsonb NOT NULL DEFAULT '{}'::jsonb,
      progress jsonb NOT NULL DEFAULT '{"keys_streamed": 0, "bytes_streamed": 0, "total_keys": null}'::jsonb,
      error text,
      epoch_before bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT topology_changes_finished_when_terminal
        CHECK ((state IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL))
    )
  `.execute(db);
  await sql`CREATE INDEX topology_changes_created_at_idx ON topology_changes (created_at DESC, id DESC)`.execute(db);
  await sql`
    CREATE INDEX topology_changes_active_idx ON topology_changes (created_at) WHERE state IN ('pending', 'running')
  `.execute(db);

  await sql`
    CREATE TABLE hints (
      id bigserial PRIMARY KEY,
      target_node text NOT NULL,
      tenant_id text NOT NULL,
      key text NOT NULL,
      token numeric(20, 0) NOT NULL
        CONSTRAINT hints_token_uint64 CHECK (token BETWEEN 0 AND 18446744073709551615),
      object bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0
        CONSTRAINT hints_attempts_not_negative CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX hints_target_due_idx ON hints (target_node, next_attempt_at, id)`.execute(db);
  await sql`CREATE INDEX hints_created_at_idx ON hints (created_at)`.execute(db);
  await sql`CREATE INDEX hints_target_created_at_idx ON hints (target_node, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['hints', 'topology_changes', 'ring_epoch', 'ring_tokens', 'storage_nodes', 'api_keys', 'tenants']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
