/**
 * Tenants: their settings (replication factor, consistency, conflict policy, rate limits) and their
 * lifecycle (active → deleting → gone).
 *
 * Contract:
 * - Every update bumps `version` and `updated_at`; callers that read-modify-write pass the version
 *   they read and get a TenantVersionConflictError if someone else updated first.
 * - A tenant being deleted (`deletedAt` set) keeps its row (so its id cannot be reused while its
 *   data is still being removed) but refuses settings updates; `delete` removes it for good,
 *   together with its API keys.
 * - Range and enum rules live in CHECK constraints; violations surface as DbValidationError
 *   (INVALID_REPLICATION_FACTOR for the replication factor).
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import {
  TenantExistsError,
  TenantNotFoundError,
  TenantVersionConflictError,
} from './errors';
import { SqlState, isPgError, throwIfValidationError } from './pg-errors';
import type { ConflictPolicy, ConsistencyLevel, Database, TenantsTable } from './schema';

export interface Tenant {
  id: string;
  replicationFactor: number;
  defaultConsistency: ConsistencyLevel;
  conflictPolicy: ConflictPolicy;
  writeRateLimit: number;
  readRateLimit: number;
  version: number;
  /** When deletion started; null for an active tenant. */
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Settings an operator may change; omitted fields keep their value (or default on create). */
export interface TenantSettings {
  replicationFactor?: number;
  defaultConsistency?: ConsistencyLevel;
  conflictPolicy?: ConflictPolicy;
  writeRateLimit?: number;
  readRateLimit?: number;
}

export interface NewTenant extends TenantSettings {
  id: string;
}

export function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    replicationFactor: row.replication_factor,
    defaultConsistency: row.default_consistency,
    conflictPolicy: row.conflict_policy,
    writeRateLimit: row.write_rate_limit,
    readRateLimit: row.read_rate_limit,
    version: row.version,
    deletedAt: row.deleted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function settingsToColumns(settings: TenantSettings) {
  return {
    replication_factor: settings.replicationFactor,
    default_consistency: settings.defaultConsistency,
    conflict_policy: settings.conflictPolicy,
    write_rate_limit: settings.writeRateLimit,
    read_rate_limit: settings.readRateLimit,
  };
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export class TenantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a tenant; TenantExistsError if the id is taken (also by a tenant being deleted). */
  async create(tenant: NewTenant): Promise<Tenant> {
    try {
      const row = await this.db
        .insertInto('tenants')
        .values({ id: tenant.id, ...definedOnly(settingsToColumns(tenant)) })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTenant(row);
    } catch (error) {
      if (isPgError(error, SqlState.uniqueViolation, 'tenants_pkey')) {
        throw new TenantExistsError(tenant.id, { cause: error });
      }
      throwIfValidationError(error);
      throw error;
    }
  }

  /** The tenant, active or being deleted, or undefined. */
  async find(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTenant(row) : undefined;
  }

  /** Like find, but throws TenantNotFoundError when absent. */
  async get(id: string): Promise<Tenant> {
    const tenant = await this.find(id);
    if (!tenant) throw new TenantNotFoundError(id);
    return tenant;
  }

  /** All tenants ordered by id; tenants being deleted only when asked for. */
  async list(options: { includeDeleting?: boolean } = {}): Promise<Tenant[]> {
    let query = this.db.selectFrom('tenants').selectAll().orderBy('id');
    if (!options.includeDeleting) query = query.where('deleted_at', 'is', null);
    return (await query.execute()).map(toTenant);
  }

  /**
   * Changes settings of an active tenant, bumping version and updated_at. With `expectedVersion`,
   * applies only if the row is still at that version (TenantVersionConflictError otherwise).
   * TenantNotFoundError when the tenant is absent or being deleted.
   */
  async updateSettings(id: string, settings: TenantSettings, expectedVersion?: number): Promise<Tenant> {
    const changes = definedOnly(settingsToColumns(settings));
    let query = this.db
      .updateTable('tenants')
      .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', id)
      .where('deleted_at', 'is', null);
    if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
    let row: Selectable<TenantsTable> | undefined;
    try {
      row = await query.returningAll().executeTakeFirst();
    } catch (error) {
      throwIfValidationError(error);
      throw error;
    }
    if (row) return toTenant(row);
    const current = await this.find(id);
    if (!current || current.deletedAt !== null) throw new TenantNotFoundError(id);
    throw new TenantVersionConflictError(id, expectedVersion ?? current.version, current.version);
  }

  /**
   * Marks the tenant as being deleted (its data is removed in the background). Idempotent: a
   * second call keeps the first `deletedAt`. TenantNotFoundError when absent.
   */
  async markDeleting(id: string): Promise<Tenant> {
    const row = await this.db
      .updateTable('tenants')
      .set((eb) => ({
        deleted_at: eb.fn.coalesce('deleted_at', sql<Date>`now()`),
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new TenantNotFoundError(id);
    return toTenant(row);
  }

  /** Removes the tenant row and its API keys for good. TenantNotFoundError when absent. */
  async delete(id: string): Promise<void> {
    const result = await this.db.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new TenantNotFoundError(id);
  }
}
