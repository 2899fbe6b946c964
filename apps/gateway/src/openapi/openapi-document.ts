/**
 * The OpenAPI 3.1 description of the public API, built from the same zod schemas the routes
 * validate with (so the document cannot drift from the validation), plus the response shapes
 * of API.md.
 */
import { z } from 'zod';
import { GATEWAY_ERROR_CODES } from '../errors/gateway-error';
import {
  batchBodySchema,
  batchGetBodySchema,
  consistencySchema,
  deleteBodySchema,
  putBodySchema,
} from '../kv/kv.schemas';
import { createApiKeySchema, createTenantSchema, replicationFactorSchema } from '../tenants/tenant.schemas';

type Json = Record<string, unknown>;

const schema = (s: z.ZodType): Json => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
const clock = { type: 'object', additionalProperties: { type: 'integer' }, description: '{actor_id: counter}' };
const anyValue = { description: 'any JSON value' };

const errorEnvelope = {
  type: 'object',
  required: ['status', 'error_code', 'message', 'request_id'],
  properties: {
    status: { const: 'error' },
    error_code: { enum: [...GATEWAY_ERROR_CODES] },
    message: { type: 'string' },
    request_id: { type: 'string' },
  },
};

const object = (properties: Json, required: string[] = Object.keys(properties)): Json => ({ type: 'object', required, properties });
const ok = (body: Json, status = '200') => ({
  [status]: { description: 'success', content: { 'application/json': { schema: body } } },
  default: { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
});
const jsonBody = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schema(s) } } });
const query = (name: string, required: boolean, s: Json) => ({ name, in: 'query', required, schema: s });
const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const tenantHeader = { name: 'X-Tenant-Id', in: 'header', required: false, schema: { type: 'string' }, description: 'required with an admin key' };
const idempotencyHeader = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } };
const notYet = { '501': { description: 'NOT_IMPLEMENTED in this version' } };

const tenant = object(
  {
    status: { const: 'success' },
    tenant_id: { type: 'string' },
    replication_factor: { type: 'integer' },
    default_consistency: { enum: ['one', 'quorum', 'all'] },
    conflict_policy: { enum: ['lww', 'siblings'] },
    rate_limits: object({ writes_per_second: { type: 'integer' }, reads_per_second: { type: 'integer' } }),
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
);

export function buildOpenApiDocument(version: string): Json {
  const consistency = schema(consistencySchema);
  return {
    openapi: '3.1.0',
    info: { title: 'RingKV API', version, description: 'Multi-tenant Dynamo-style key-value store. See docs/api.md.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a tenant or admin API key' } },
      schemas: { Error: errorEnvelope },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/key-value': {
        post: {
          summary: 'Write a value',
          parameters: [tenantHeader, idempotencyHeader],
          requestBody: jsonBody(putBodySchema),
          responses: ok(
            object(
              {
                status: { const: 'success' },
                key: { type: 'string' },
                idempotency_key: { type: 'string' },
                vector_clock: clock,
                context: { type: 'string' },
                replica_count: { type: 'integer' },
                consistency,
                is_duplicate: { type: 'boolean' },
                idempotency: { const: 'unavailable' },
              },
              ['status', 'key', 'idempotency_key', 'vector_clock', 'context', 'replica_count', 'consistency', 'is_duplicate'],
            ),
          ),
        },
        get: {
          summary: 'Read a value',
          parameters: [tenantHeader, query('key', true, { type: 'string' }), query('consistency', false, consistency)],
          responses: ok(
            object(
              {
                status: { const: 'success' },
                key: { type: 'string' },
                value: anyValue,
                vector_clock: clock,
                context: { type: 'string' },
                siblings: { type: 'array', items: object({ value: anyValue, vector_clock: clock }) },
              },
              ['status', 'key', 'value', 'vector_clock', 'context'],
            ),
          ),
        },
        delete: {
          summary: 'Delete a key',
          parameters: [tenantHeader, idempotencyHeader, query('key', true, { type: 'string' }), query('consistency', false, consistency)],
          requestBody: { ...jsonBody(deleteBodySchema), required: false },
          responses: ok(
            object({
              status: { const: 'success' },
              key: { type: 'string' },
              vector_clock: clock,
              replica_count: { type: 'integer' },
              is_duplicate: { type: 'boolean' },
            }),
          ),
        },
      },
      '/v1/key-value/batch-get': {
        post: {
          summary: 'Read up to 1000 keys',
          parameters: [tenantHeader],
          requestBody: jsonBody(batchGetBodySchema),
          responses: ok(
            object({
              status: { const: 'success' },
              items: {
                type: 'array',
                items: object(
                  { key: { type: 'string' }, found: { type: 'boolean' }, value: anyValue, vector_clock: clock, context: { type: 'string' } },
                  ['key', 'found'],
                ),
              },
            }),
          ),
        },
      },
      '/v1/key-value/batch': {
        post: {
          summary: 'Write up to 1000 values',
          parameters: [tenantHeader],
          requestBody: jsonBody(batchBodySchema),
          responses: ok(
            object({
              status: { const: 'success' },
              results: {
                type: 'array',
                items: object(
                  { key: { type: 'string' }, status: { enum: ['success', 'error'] }, vector_clock: clock, error_code: { type: 'string' } },
                  ['key', 'status'],
                ),
              },
            }),
          ),
        },
      },
      '/v1/import': {
        post: {
          summary: 'Import NDJSON lines {key, value, ttl_seconds?}',
          parameters: [tenantHeader, query('consistency', false, consistency)],
          requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
          responses: ok(
            object({
              status: { const: 'success' },
              written: { type: 'integer' },
              rejected: { type: 'integer' },
              rejections: { type: 'array', items: object({ line: { type: 'integer' }, error_code: { type: 'string' }, message: { type: 'string' } }) },
            }),
          ),
        },
      },
      '/v1/export': { get: { summary: 'Export every live key (NDJSON)', parameters: [tenantHeader], responses: notYet } },
      '/v1/tenants': {
        post: { summary: 'Create a tenant', requestBody: jsonBody(createTenantSchema), responses: ok(tenant, '201') },
        get: { summary: 'List tenants', responses: ok(object({ status: { const: 'success' }, tenants: { type: 'array', items: tenant } })) },
      },
      '/v1/tenants/{tenant_id}': {
        get: { summary: 'Get a tenant', parameters: [path('tenant_id')], responses: ok(tenant) },
        delete: { summary: 'Delete a tenant and its data', parameters: [path('tenant_id')], responses: notYet },
      },
      '/v1/tenants/{tenant_id}/replication-factor': {
        put: { summary: 'Change the replication factor', parameters: [path('tenant_id')], requestBody: jsonBody(replicationFactorSchema), responses: notYet },
      },
      '/v1/tenants/{tenant_id}/api-keys': {
        post: {
          summary: 'Create an API key (the secret is shown once)',
          parameters: [path('tenant_id')],
          requestBody: { ...jsonBody(createApiKeySchema), required: false },
          responses: ok(object({ status: { const: 'success' }, key_id: { type: 'string' }, api_key: { type: 'string' } }), '201'),
        },
        get: {
          summary: "List a tenant's API keys",
          parameters: [path('tenant_id')],
          responses: ok(
            object({
              status: { const: 'success' },
              keys: {
                type: 'array',
                items: object({ key_id: { type: 'string' }, name: { type: 'string' }, created_at: { type: 'string' }, last_used_at: { type: ['string', 'null'] } }),
              },
            }),
          ),
        },
      },
      '/v1/tenants/{tenant_id}/api-keys/{key_id}': {
        delete: { summary: 'Revoke an API key', parameters: [path('tenant_id'), path('key_id')], responses: { '204': { description: 'revoked' } } },
      },
      '/v1/admin/storage-nodes': {
        get: { summary: 'List storage nodes', responses: ok(object({ status: { const: 'success' }, nodes: { type: 'array', items: { type: 'object' } } })) },
        post: { summary: 'Add a storage node', responses: notYet },
      },
      '/v1/admin/storage-nodes/{node_id}': { delete: { summary: 'Remove a storage node', parameters: [path('node_id')], responses: notYet } },
      '/v1/admin/ring': {
        get: {
          summary: 'The ring: epoch, tokens, ownership',
          responses: ok(
            object({
              status: { const: 'success' },
              epoch: { type: 'integer' },
              tokens: { type: 'array', items: object({ token: { type: 'string' }, node_id: { type: 'string' } }) },
              ownership: { type: 'object', additionalProperties: { type: 'number' } },
            }),
          ),
        },
      },
      '/v1/admin/migrations': { get: { summary: 'List migrations', responses: notYet } },
      '/v1/admin/migrations/{id}': { get: { summary: 'Get a migration', parameters: [path('id')], responses: notYet } },
      '/v1/admin/migrations/{id}/cancel': { post: { summary: 'Cancel a migration', parameters: [path('id')], responses: notYet } },
      '/v1/admin/hints': { get: { summary: 'Pending hints per node', responses: notYet } },
      '/v1/admin/repair': { post: { summary: 'Start an anti-entropy repair', responses: notYet } },
    },
  };
}
