/** The JSON shape of a tenant and an API key in responses (snake_case, ISO-8601 UTC times). */
import type { ApiKey, Tenant } from '@ringkv/db';

export function tenantView(tenant: Tenant) {
  return {
    tenant_id: tenant.id,
    replication_factor: tenant.replicationFactor,
    default_consistency: tenant.defaultConsistency,
    conflict_policy: tenant.conflictPolicy,
    rate_limits: { writes_per_second: tenant.writeRateLimit, reads_per_second: tenant.readRateLimit },
    created_at: tenant.createdAt.toISOString(),
    updated_at: tenant.updatedAt.toISOString(),
  };
}

export function apiKeyView(key: ApiKey) {
  return {
    key_id: key.id,
    name: key.name,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt ? key.lastUsedAt.toISOString() : null,
  };
}
