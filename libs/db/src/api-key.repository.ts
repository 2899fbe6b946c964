/**
 * API keys: the hashed secrets that authenticate requests (API.md "Conventions").
 *
 * Contract:
 * - Only the SHA-256 of a secret is stored (`keyHash`, 32 bytes, unique); hashing and generating
 *   secrets is the caller's job, so this file never sees a secret.
 * - A tenant key belongs to exactly one tenant; an admin key to none (a CHECK enforces both).
 * - `findActiveByHash` is the authentication lookup: it ignores revoked keys and keys of tenants
 *   being deleted, so a deleted tenant's keys stop working as soon as deletion starts.
 * - Revocation is a soft delete (`revokedAt`) so audits can still see the key.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { ApiKeyExistsError, ApiKeyNotFoundError, TenantNotFoundError } from './errors';
import { SqlState, isPgError, throwIfValidationError } from './pg-errors';
import type { ApiKeyScope, ApiKeysTable, Database } from './schema';

export interface ApiKey {
  id: string;
  tenantId: string | null;
  scope: ApiKeyScope;
  name: string;
  keyHash: Buffer;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type NewApiKey =
  | { scope: 'tenant'; tenantId: string; keyHash: Buffer; name?: string; id?: string }
  | { scope: 'admin'; keyHash: Buffer; name?: string; id?: string };

export function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    scope: row.scope,
    name: row.name,
    keyHash: row.key_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** A public key id: not secret, just unique and unguessable enough not to leak key counts. */
export function generateApiKeyId(): string {
  return `key_${randomBytes(12).toString('hex')}`;
}

export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a new key. A tenant key is refused with TenantNotFoundError when its tenant is absent
   * or being deleted; a duplicate id or hash gives ApiKeyExistsError.
   */
  async create(key: NewApiKey): Promise<ApiKey> {
    const id = key.id ?? generateApiKeyId();
    const tenantId = key.scope === 'tenant' ? key.tenantId : null;
    const values = { id, tenant_id: tenantId, scope: key.scope, name: key.name ?? '', key_hash: key.keyHash };
    try {
      let row: Selectable<ApiKeysTable> | undefined;
      if (tenantId === null) {
        row = await this.db.insertInto('api_keys').values(values).returningAll().executeTakeFirst();
      } else {
        // INSERT ... SELECT so that the "tenant is active" check and the insert are one statement.
        row = await this.db
          .insertInto('api_keys')
          .columns(['id', 'tenant_id', 'scope', 'name', 'key_hash'])
          .expression((eb) =>
            eb
              .selectFrom('tenants')
              .select([
                eb.val(id).as('id'),
                'tenants.id as tenant_id',
                eb.val(key.scope).as('scope'),
                eb.val(values.name).as('name'),
                eb.val(key.keyHash).as('key_hash'),
              ])
              .where('tenants.id', '=', tenantId)
              .where('tenants.deleted_at', 'is', null),
          )
          .returningAll()
          .executeTakeFirst();
      }
      if (!row) throw new TenantNotFoundError(tenantId ?? '');
      return toApiKey(row);
    } catch (error) {
      if (isPgError(error, SqlState.uniqueViolation)) throw new ApiKeyExistsError(id, { cause: error });
      if (isPgError(error, SqlState.foreignKeyViolation)) throw new TenantNotFoundError(tenantId ?? '');
      throwIfValidationError(error);
      throw error;
    }
  }

  /**
   * The unrevoked key with this hash whose tenant (if any) is active, or undefined. Served by the
   * unique index on key_hash: one index probe plus a primary-key join.
   */
  async findActiveByHash(keyHash: Buffer): Promise<ApiKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .leftJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
      .selectAll('api_keys')
      .where('api_keys.key_hash', '=', keyHash)
      .where('api_keys.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('api_keys.tenant_id', 'is', null), eb('tenants.deleted_at', 'is', null)]))
      .executeTakeFirst();
    return row ? toApiKey(row) : undefined;
  }

  /** The key with this id (revoked or not), or undefined. */
  async find(id: string): Promise<ApiKey | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toApiKey(row) : undefined;
  }

  /** A tenant's keys, oldest first; revoked ones only when asked for. */
  async listForTenant(tenantId: string, options: { includeRevoked?: boolean } = {}): Promise<ApiKey[]> {
    let query = this.db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId);
    if (!options.includeRevoked) query = query.where('revoked_at', 'is', null);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toApiKey);
  }

  /** Admin-scoped keys, oldest first; revoked ones only when asked for. */
  async listAdmin(options: { includeRevoked?: boolean } = {}): Promise<ApiKey[]> {
    let query = this.db.selectFrom('api_keys').selectAll().where('scope', '=', 'admin');
    if (!options.includeRevoked) query = query.where('revoked_at', 'is', null);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toApiKey);
  }

  /**
   * Revokes key `keyId` of `tenantId` (null: an admin key). Idempotent: revoking a revoked key
   * returns it unchanged. ApiKeyNotFoundError when no such key belongs to that owner, so one
   * tenant cannot probe or revoke another's keys.
   */
  async revoke(tenantId: string | null, keyId: string): Promise<ApiKey> {
    let update = this.db
      .updateTable('api_keys')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', sql<Date>`now()`) }))
      .where('id', '=', keyId);
    update = tenantId === null ? update.where('tenant_id', 'is', null) : update.where('tenant_id', '=', tenantId);
    const row = await update.returningAll().executeTakeFirst();
    if (!row) throw new ApiKeyNotFoundError(keyId);
    return toApiKey(row);
  }

  /**
   * Records use of the given keys at `at` (default now). Takes several ids so a gateway can buffer
   * uses and flush them in one statement; never moves last_used_at backwards. Returns the number
   * of keys updated.
   */
  async touchLastUsed(ids: string | readonly string[], at: Date = new Date()): Promise<number> {
    const list = typeof ids === 'string' ? [ids] : [...new Set(ids)];
    if (list.length === 0) return 0;
    const result = await this.db
      .updateTable('api_keys')
      .set((eb) => ({ last_used_at: eb.fn('greatest', [eb.ref('last_used_at'), eb.val(at)]) }))
      .where('id', 'in', list)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
