/** Shapes of the tenant and API key admin inputs (API.md "Tenants"), for validation and OpenAPI. */
import { z } from 'zod';

export const tenantIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must match [a-z0-9][a-z0-9_-]{0,62}');
export const MAX_REPLICATION_FACTOR = 10;
/** Far beyond what one cluster serves; keeps the counters well inside integer range. */
const MAX_RATE = 10_000_000;

export const createTenantSchema = z.strictObject({
  tenant_id: tenantIdSchema,
  replication_factor: z.number().int().optional(),
  default_consistency: z.enum(['one', 'quorum', 'all']).optional(),
  conflict_policy: z.enum(['lww', 'siblings']).optional(),
  write_rate_limit: z.number().int().min(1).max(MAX_RATE).optional(),
  read_rate_limit: z.number().int().min(1).max(MAX_RATE).optional(),
});
export type CreateTenantBody = z.infer<typeof createTenantSchema>;

export const replicationFactorSchema = z.strictObject({ replication_factor: z.number().int() });

export const createApiKeySchema = z.strictObject({ name: z.string().max(200).optional() });
