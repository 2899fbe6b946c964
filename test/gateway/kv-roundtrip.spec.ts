/**
 * Key-value round trips through the whole cluster: REST writes, reads, deletes, batches,
 * import, idempotency, rate limits, values kept byte for byte, and RESP commands on stored
 * data. Needs the coordinator's Session put/get/delete.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { createTenantWithKey, envelopeProblems, request } from '../support/gateway-client';
import { startTestCluster, TestCluster } from '../support/test-cluster';

const run = promisify(execFile);
let cluster: TestCluster;
let url: string;
let key: string;

beforeAll(async () => {
  cluster = await startTestCluster({ portBase: 21_600, storageNodes: 3, coordinators: 2 });
  url = cluster.gatewayUrl;
  key = await createTenantWithKey(url, cluster.adminKey, 'kv', { replication_factor: 3 });
});
afterAll(() => cluster?.destroy());

const kv = (method: string, path: string, options: Parameters<typeof request>[3] = {}) => request(url, method, path, { key, ...options });

describe('key-value round trips', () => {
  it('writes, reads and deletes a value with the documented fields', async () => {
    const put = await kv('POST', '/v1/key-value', { body: { key: 'user:1', value: { name: 'Ada', tags: ['x'] } } });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      status: 'success',
      key: 'user:1',
      idempotency_key: expect.any(String),
      vector_clock: expect.any(Object),
      context: expect.any(String),
      replica_count: expect.any(Number),
      consistency: 'quorum',
      is_duplicate: false,
    });
    expect(put.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(Object.values(put.json!['vector_clock'] as Record<string, number>).every((n) => Number.isInteger(n))).toBe(true);
    const got = await kv('GET', '/v1/key-value?key=user:1');
    expect(got.json).toMatchObject({ status: 'success', key: 'user:1', value: { name: 'Ada', tags: ['x'] }, context: expect.any(String) });
    expect(got.headers.get('x-ratelimit-limit')).toBe('5000');
    const deleted = await kv('DELETE', '/v1/key-value?key=user:1', { body: { context: got.json!['context'] } });
    expect(deleted.json).toMatchObject({ status: 'success', key: 'user:1', vector_clock: expect.any(Object), is_duplicate: false });
    const gone = await kv('GET', '/v1/key-value?key=user:1');
    expect({ status: gone.status, code: gone.json?.['error_code'] }).toEqual({ status: 404, code: 'KEY_NOT_FOUND' });
    expect((await kv('DELETE', '/v1/key-value?key=never-existed')).status).toBe(200);
  });

  it('keeps the value byte for byte (no re-encoding)', async () => {
    const value = '{"b" : 1.50,  "a":[1e3, "\\u00e9"]}';
    await kv('POST', '/v1/key-value', { rawBody: `{"key":"raw","value":${value}}` });
    const got = await kv('GET', '/v1/key-value?key=raw');
    expect(got.text).toContain(`"value":${value}`);
  });

  it('honours consistency per request', async () => {
    const put = await kv('POST', '/v1/key-value', { body: { key: 'c', value: 1, consistency: 'all' } });
    expect(put.json).toMatchObject({ consistency: 'all', replica_count: 3 });
    expect((await kv('GET', '/v1/key-value?key=c&consistency=one')).json).toMatchObject({ value: 1 });
  });

  it('deduplicates with Idempotency-Key and refuses its reuse for another request', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await kv('POST', '/v1/key-value', { body: { key: 'idem', value: 1 }, headers });
    const second = await kv('POST', '/v1/key-value', { body: { key: 'idem', value: 1 }, headers });
    expect(second.json).toEqual({ ...first.json, is_duplicate: true });
    const other = await kv('POST', '/v1/key-value', { body: { key: 'idem', value: 2 }, headers });
    expect({ status: other.status, code: other.json?.['error_code'] }).toEqual({ status: 409, code: 'IDEMPOTENCY_KEY_CONFLICT' });
    expect((await kv('GET', '/v1/key-value?key=idem')).json).toMatchObject({ value: 1 });
  });

  it('writes nothing for a bad request', async () => {
    const bad = await kv('POST', '/v1/key-value', { rawBody: '{"key":"bad-1","value":1,"ttl_seconds":0}' });
    expect(envelopeProblems(bad)).toEqual([]);
    const batch = await kv('POST', '/v1/key-value/batch', { body: { items: [{ key: 'bad-2', value: 1 }, { key: '', value: 2 }] } });
    expect(batch.status).toBe(400);
    expect((await kv('GET', '/v1/key-value?key=bad-1')).status).toBe(404);
    expect((await kv('GET', '/v1/key-value?key=bad-2')).status).toBe(404);
  });

  it('batches writes and reads', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ key: `b${i}`, value: { i } }));
    const written = await kv('POST', '/v1/key-value/batch', { body: { items } });
    expect((written.json!['results'] as Array<{ status: string }>).every((r) => r.status === 'success')).toBe(true);
    const read = await kv('POST', '/v1/key-value/batch-get', { body: { keys: ['b0', 'b49', 'missing'] } });
    expect(read.json!['items']).toEqual([
      expect.objectContaining({ key: 'b0', found: true, value: { i: 0 } }),
      expect.objectContaining({ key: 'b49', found: true, value: { i: 49 } }),
      { key: 'missing', found: false },
    ]);
  });

  it('imports NDJSON, reporting rejected lines', async () => {
    const lines = ['{"key":"i1","value":1}', 'not json', '{"key":"i2","value":[2],"ttl_seconds":60}', '{"key":""}', ''].join('\n');
    const imported = await kv('POST', '/v1/import', { rawBody: lines, headers: { 'content-type': 'application/x-ndjson' } });
    expect(imported.json).toMatchObject({ status: 'success', written: 2, rejected: 2 });
    expect((imported.json!['rejections'] as Array<{ line: number }>).map((r) => r.line)).toEqual([2, 4]);
    expect((await kv('GET', '/v1/key-value?key=i2')).json).toMatchObject({ value: [2] });
  });

  it('exports every live key of the tenant, and only its keys, as NDJSON that import reads back', async () => {
    for (let i = 0; i < 30; i++) expect((await kv('POST', '/v1/key-value', { body: { key: `exp:${i}`, value: { n: i } } })).status).toBe(200);
    await kv('DELETE', '/v1/key-value?key=exp:0');
    await kv('POST', '/v1/key-value', { body: { key: 'exp:ttl', value: 'soon', ttl_seconds: 3600 } });
    const otherKey = await createTenantWithKey(url, cluster.adminKey, 'kv-other', { replication_factor: 3 });
    await request(url, 'POST', '/v1/key-value', { key: otherKey, body: { key: 'exp:secret', value: 'hidden' } });

    const response = await fetch(`${url}/v1/export`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: unknown; ttl_seconds?: number });
    const exported = new Map(lines.filter((l) => l.key.startsWith('exp:')).map((l) => [l.key, l]));
    expect(exported.size).toBe(30);
    expect(exported.has('exp:0')).toBe(false);
    expect(exported.has('exp:secret')).toBe(false);
    for (let i = 1; i < 30; i++) expect(exported.get(`exp:${i}`)?.value).toEqual({ n: i });
    expect(exported.get('exp:ttl')).toMatchObject({ value: 'soon', ttl_seconds: expect.any(Number) });
    expect(exported.get('exp:ttl')!.ttl_seconds!).toBeLessThanOrEqual(3600);

    const reimport = lines.map((l) => JSON.stringify(l)).join('\n');
    const imported = await request(url, 'POST', '/v1/import', { key: otherKey, rawBody: reimport, headers: { 'content-type': 'application/x-ndjson' } });
    expect(imported.json).toMatchObject({ status: 'success', written: lines.length, rejected: 0 });
  });

  it('enforces the per-tenant write rate with 429 and Retry-After', async () => {
    const slowKey = await createTenantWithKey(url, cluster.adminKey, 'slow', { replication_factor: 1, write_rate_limit: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => request(url, 'POST', '/v1/key-value', { key: slowKey, body: { key: `r${i}`, value: i } })),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.json?.['error_code']).toBe('RATE_LIMIT_EXCEEDED');
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('shares data between REST and RESP', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: cluster.respPort, password: key, maxRetriesPerRequest: 0 });
    try {
      expect(await redis.set('resp:1', 'hello')).toBe('OK');
      expect((await kv('GET', '/v1/key-value?key=resp:1')).json).toMatchObject({ value: 'hello' });
      await kv('POST', '/v1/key-value', { body: { key: 'rest:1', value: { a: 1 } } });
      expect(await redis.get('rest:1')).toBe('{"a":1}');
      expect(await redis.mget('resp:1', 'nope')).toEqual(['hello', null]);
      expect(await redis.exists('resp:1', 'nope')).toBe(1);
      expect(await redis.ttl('resp:1')).toBe(-1);
      expect(await redis.expire('resp:1', 100)).toBe(1);
      expect(await redis.ttl('resp:1')).toBeGreaterThan(90);
      expect(await redis.del('resp:1', 'nope')).toBe(1);
      expect(await redis.get('resp:1')).toBeNull();
      expect(await redis.ttl('resp:1')).toBe(-2);
      expect(await redis.mset('m1', 'a', 'm2', 'b')).toBe('OK');
      expect(await redis.set('ex', 'v', 'EX', 60)).toBe('OK');
      expect(await redis.pttl('ex')).toBeGreaterThan(50_000);
      await expect(redis.set('nx', 'v', 'NX')).rejects.toThrow(/SET NX is not supported/);
      expect(await redis.exists('nx')).toBe(0);
      const cli = await run('redis-cli', ['-p', String(cluster.respPort), '--no-auth-warning', '-a', key, 'GET', 'm2']);
      expect(cli.stdout.trim()).toBe('b');
    } finally {
      redis.disconnect();
    }
  });

  // Last: it stops a coordinator.
  it('keeps serving when a coordinator goes away (reads, and writes with an Idempotency-Key, move on)', async () => {
    await kv('POST', '/v1/key-value', { body: { key: 'failover', value: 'before' } });
    await cluster.supervisor.stop(cluster.process('coordinator-1'), 'SIGTERM');
    for (let i = 0; i < 6; i++) {
      const read = await kv('GET', '/v1/key-value?key=failover');
      expect({ i, status: read.status }).toEqual({ i, status: 200 });
      const write = await kv('POST', '/v1/key-value', { body: { key: `after-${i}`, value: i }, headers: { 'idempotency-key': `fo-${i}` } });
      expect({ i, status: write.status }).toEqual({ i, status: 200 });
    }
  });
});
