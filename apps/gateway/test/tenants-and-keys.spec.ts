/**
 * Tenant and API key administration on real PostgreSQL and Redis, with two gateways sharing
 * them: CRUD and conflicts, keys shown once and stored hashed, tenant isolation, and a
 * revocation on one gateway taking effect on the other within a second.
 */
import { randomBytes } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '@ringkv/db';
import { GatewayApp, startGatewayApp } from './gateway-app';

let database: TestDatabase;
let a: GatewayApp;
let b: GatewayApp;

beforeAll(async () => {
  database = await createTestDatabase();
  const shared = { RINGKV_REDIS_PREFIX: `gwtest_${process.pid}_${randomBytes(3).toString('hex')}:` };
  a = await startGatewayApp(shared, database);
  b = await startGatewayApp(shared, database);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.destroy();
});

async function api(
  gw: GatewayApp,
  method: string,
  path: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

describe('tenants and API keys', () => {
  it('creates, lists and gets tenants; a second create is 409 TENANT_EXISTS', async () => {
    const created = await api(a, 'POST', '/v1/tenants', a.adminKey, {
      tenant_id: 'acme',
      replication_factor: 1,
      default_consistency: 'one',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'success',
      tenant_id: 'acme',
      replication_factor: 1,
      default_consistency: 'one',
      conflict_policy: 'lww',
      rate_limits: { writes_per_second: 1000, reads_per_second: 5000 },
      created_at: expect.stringMatching(/Z$/),
    });
    expect((await api(b, 'POST', '/v1/tenants', b.adminKey, { tenant_id: 'acme' })).body['error_code']).toBe(
      'TENANT_EXISTS',
    );
    expect((await api(b, 'GET', '/v1/tenants/acme', b.adminKey)).body).toMatchObject({
      tenant_id: 'acme',
      updated_at: expect.any(String),
    });
    const list = await api(a, 'GET', '/v1/tenants', a.adminKey);
    expect((list.body['tenants'] as Array<{ tenant_id: string }>).map((t) => t.tenant_id)).toContain('acme');
    expect(await api(a, 'GET', '/v1/tenants/nope', a.adminKey)).toMatchObject({
      status: 404,
      body: { error_code: 'TENANT_NOT_FOUND' },
    });
  });

  it('validates tenant input', async () => {
    const bad = async (body: unknown) =>
      (await api(a, 'POST', '/v1/tenants', a.adminKey, body)).body['error_code'];
    expect(await bad({ tenant_id: 'Upper' })).toBe('INVALID_REQUEST');
    expect(await bad({ tenant_id: 'ok', replication_factor: 11 })).toBe('INVALID_REPLICATION_FACTOR');
    expect(await bad({ tenant_id: 'ok', replication_factor: 0 })).toBe('INVALID_REPLICATION_FACTOR');
    expect(await bad({ tenant_id: 'ok', conflict_policy: 'random' })).toBe('INVALID_REQUEST');
  });

  it('creates keys shown once, lists them without secrets, and stores only a hash', async () => {
    await api(a, 'POST', '/v1/tenants', a.adminKey, { tenant_id: 'keys', replication_factor: 1 });
    const created = await api(a, 'POST', '/v1/tenants/keys/api-keys', a.adminKey, { name: 'ci' });
    expect(created.status).toBe(201);
    const secret = created.body['api_key'] as string;
    expect(secret).toMatch(/^rkv_[A-Za-z0-9_-]{43}$/);
    const listed = await api(a, 'GET', '/v1/tenants/keys/api-keys', a.adminKey);
    expect(listed.body['keys']).toEqual([
      { key_id: created.body['key_id'], name: 'ci', created_at: expect.any(String), last_used_at: null },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const rows = await database.db
      .selectFrom('api_keys')
      .select(['key_hash'])
      .where('id', '=', created.body['key_id'] as string)
      .execute();
    expect(rows[0]!.key_hash.length).toBe(32);
    expect(rows[0]!.key_hash.toString('utf8')).not.toContain(secret.slice(4, 12));
  });

  it('keeps tenants apart: a key reaches only its own tenant', async () => {
    await api(a, 'POST', '/v1/tenants', a.adminKey, { tenant_id: 'iso-a', replication_factor: 1 });
    await api(a, 'POST', '/v1/tenants', a.adminKey, { tenant_id: 'iso-b', replication_factor: 1 });
    const keyA = (await api(a, 'POST', '/v1/tenants/iso-a/api-keys', a.adminKey, {})).body[
      'api_key'
    ] as string;
    expect(
      (await api(a, 'GET', '/v1/key-value?key=x', keyA, undefined, { 'x-tenant-id': 'iso-b' })).status,
    ).toBe(403);
    expect((await api(a, 'GET', '/v1/tenants/iso-a/api-keys', keyA)).status).toBe(403);
    // Its own tenant passes auth (and then finds no coordinator in this test).
    expect((await api(a, 'GET', '/v1/key-value?key=x', keyA)).body['error_code']).toBe('SERVICE_UNAVAILABLE');
  });

  it('revokes a key on one gateway and it stops working on the other within a second', async () => {
    await api(a, 'POST', '/v1/tenants', a.adminKey, { tenant_id: 'revoke', replication_factor: 1 });
    const created = await api(a, 'POST', '/v1/tenants/revoke/api-keys', a.adminKey, {});
    const secret = created.body['api_key'] as string;
    const probe = async () => (await api(b, 'GET', '/v1/key-value?key=x', secret)).status;
    expect(await probe()).not.toBe(401); // cached on b now
    const revoked = await api(
      a,
      'DELETE',
      `/v1/tenants/revoke/api-keys/${created.body['key_id'] as string}`,
      a.adminKey,
    );
    expect(revoked.status).toBe(204);
    let status = await probe();
    for (let i = 0; i < 20 && status !== 401; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await probe();
    }
    expect(status).toBe(401);
    expect(await api(a, 'DELETE', '/v1/tenants/revoke/api-keys/key_missing', a.adminKey)).toMatchObject({
      status: 404,
    });
  });

  it('reads the ring and the storage nodes from PostgreSQL', async () => {
    const ring = await api(a, 'GET', '/v1/admin/ring', a.adminKey);
    expect(ring).toMatchObject({ status: 200, body: { status: 'success', tokens: [], ownership: {} } });
    expect(await api(a, 'GET', '/v1/admin/storage-nodes', a.adminKey)).toMatchObject({
      status: 200,
      body: { nodes: [] },
    });
  });
});
