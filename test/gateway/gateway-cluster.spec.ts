/**
 * The gateway in a real cluster (built processes, PostgreSQL, Redis): who may call what,
 * tenant and API key administration, revocation across the cluster, tenant isolation, every
 * kind of bad input answered with the error envelope, the RESP port with ioredis and
 * redis-cli, and the OpenAPI document and its UI in a real browser (Debian's Chromium).
 * Key-value round trips are in kv-roundtrip.spec.ts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDatabase, HintRepository } from '@ringkv/db';
import Redis from 'ioredis';
import { chromium } from 'playwright-core';
import { createTenantWithKey, envelopeProblems, request } from '../support/gateway-client';
import { startTestCluster, TestCluster } from '../support/test-cluster';

const run = promisify(execFile);
/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';
let cluster: TestCluster;
let url: string;
let tenantKey: string;

beforeAll(async () => {
  cluster = await startTestCluster({ portBase: 21_500, storageNodes: 1, coordinators: 1 });
  url = cluster.gatewayUrl;
  tenantKey = await createTenantWithKey(url, cluster.adminKey, 'alpha', { replication_factor: 1 });
});
afterAll(() => cluster?.destroy());

describe('gateway in a cluster', () => {
  it('tells admin keys, tenant keys and no key apart (401 / 403)', async () => {
    expect((await request(url, 'GET', '/v1/tenants')).status).toBe(401);
    expect((await request(url, 'GET', '/v1/tenants', { key: 'rkv_not_a_key' })).status).toBe(401);
    expect((await request(url, 'GET', '/v1/tenants', { key: tenantKey })).status).toBe(403);
    expect((await request(url, 'GET', '/v1/admin/ring', { key: tenantKey })).status).toBe(403);
    expect((await request(url, 'GET', '/v1/tenants', { key: cluster.adminKey })).status).toBe(200);
    const ring = await request(url, 'GET', '/v1/admin/ring', { key: cluster.adminKey });
    expect(ring.status).toBe(200);
    expect(Object.keys(ring.json!['ownership'] as object)).toEqual(['node-1']);
    const nodes = await request(url, 'GET', '/v1/admin/storage-nodes', { key: cluster.adminKey });
    expect(nodes.json!['nodes']).toEqual([
      expect.objectContaining({
        node_id: 'node-1',
        state: 'NORMAL',
        liveness: 'UP',
        load_share: 1,
        keys_count: expect.any(Number),
        disk_usage_bytes: expect.any(Number),
      }),
    ]);
    expect((nodes.json!['nodes'] as Array<{ disk_usage_bytes: number }>)[0]!.disk_usage_bytes).toBeGreaterThan(0);
  });

  it('summarises pending hints per target node for admins', async () => {
    expect((await request(url, 'GET', '/v1/admin/hints', { key: tenantKey })).status).toBe(403);
    expect((await request(url, 'GET', '/v1/admin/hints', { key: cluster.adminKey })).json).toEqual({
      status: 'success',
      pending: {},
      oldest: {},
    });
    const db = createDatabase(cluster.databaseUrl);
    try {
      const written = new Date(Date.now() - 60_000);
      await new HintRepository(db).insert({
        targetNode: 'node-1',
        tenantId: 'alpha',
        key: 'k',
        token: 1n,
        object: Buffer.from([1]),
        createdAt: written,
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      });
      const summary = await request(url, 'GET', '/v1/admin/hints', { key: cluster.adminKey });
      expect(summary.json).toEqual({ status: 'success', pending: { 'node-1': 1 }, oldest: { 'node-1': written.toISOString() } });
      await db.deleteFrom('hints').execute();
    } finally {
      await db.destroy();
    }
  });

  it('creates tenants once (409 TENANT_EXISTS on repeat) and reads them back', async () => {
    const created = await request(url, 'POST', '/v1/tenants', { key: cluster.adminKey, body: { tenant_id: 'beta', replication_factor: 1 } });
    expect(created.status).toBe(201);
    const again = await request(url, 'POST', '/v1/tenants', { key: cluster.adminKey, body: { tenant_id: 'beta' } });
    expect({ status: again.status, code: again.json?.['error_code'] }).toEqual({ status: 409, code: 'TENANT_EXISTS' });
    const got = await request(url, 'GET', '/v1/tenants/beta', { key: cluster.adminKey });
    expect(got.json).toMatchObject({ status: 'success', tenant_id: 'beta', replication_factor: 1 });
    // Only one storage node is NORMAL: a replication factor of 3 cannot be served.
    const tooMany = await request(url, 'POST', '/v1/tenants', { key: cluster.adminKey, body: { tenant_id: 'gamma', replication_factor: 3 } });
    expect(tooMany.json?.['error_code']).toBe('INVALID_REPLICATION_FACTOR');
  });

  it('creates, lists and revokes API keys; a revoked key stops working within a second', async () => {
    const created = await request(url, 'POST', '/v1/tenants/alpha/api-keys', { key: cluster.adminKey, body: { name: 'temp' } });
    expect(created.status).toBe(201);
    const { key_id: keyId, api_key: secret } = created.json as { key_id: string; api_key: string };
    const listed = await request(url, 'GET', '/v1/tenants/alpha/api-keys', { key: cluster.adminKey });
    expect((listed.json!['keys'] as Array<{ key_id: string }>).map((k) => k.key_id)).toContain(keyId);
    expect(listed.text).not.toContain(secret);
    expect((await request(url, 'GET', '/v1/key-value?key=a', { key: secret })).status).not.toBe(401);
    expect((await request(url, 'DELETE', `/v1/tenants/alpha/api-keys/${keyId}`, { key: cluster.adminKey })).status).toBe(204);
    let status = 0;
    for (let i = 0; i < 20 && status !== 401; i++) {
      status = (await request(url, 'GET', '/v1/key-value?key=a', { key: secret })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });

  it('keeps a tenant key inside its tenant', async () => {
    const other = await request(url, 'GET', '/v1/key-value?key=a', { key: tenantKey, tenant: 'beta' });
    expect({ status: other.status, code: other.json?.['error_code'] }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const noTenant = await request(url, 'GET', '/v1/key-value?key=a', { key: cluster.adminKey });
    expect(noTenant.status).toBe(400);
    const unknown = await request(url, 'GET', '/v1/key-value?key=a', { key: cluster.adminKey, tenant: 'nobody' });
    expect(unknown.json?.['error_code']).toBe('TENANT_NOT_FOUND');
  });

  it.each([
    ['malformed JSON', { rawBody: '{"key":"a",' }, 400],
    ['a JSON array', { rawBody: '[]' }, 400],
    ['a wrong type', { body: { key: ['a'], value: 1 } }, 400],
    ['an oversized key', { body: { key: 'k'.repeat(1025), value: 1 } }, 400],
    ['a bad TTL', { body: { key: 'a', value: 1, ttl_seconds: -1 } }, 400],
    ['deep nesting', { rawBody: `{"key":"a","value":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}` }, 400],
    ['invalid UTF-8', { rawBody: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) }, 400],
    ['a text body', { rawBody: 'key=a', headers: { 'content-type': 'text/plain' } }, 400],
    ['an oversized value', { body: { key: 'a', value: 'v'.repeat(1_048_577) } }, 413],
    ['an oversized body', { rawBody: 'x'.repeat(3 * 1024 * 1024) }, 413],
  ])('answers %s with the error envelope', async (_name, options, status) => {
    const response = await request(url, 'POST', '/v1/key-value', { key: tenantKey, ...options });
    expect(response.status).toBe(status);
    expect(envelopeProblems(response)).toEqual([]);
  });

  it('survives a few thousand random and mutated requests, always answering with JSON', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const paths = [
      '/v1/key-value?key=fuzz',
      '/v1/key-value',
      '/v1/key-value/batch',
      '/v1/key-value/batch-get',
      '/v1/tenants',
      '/v1/tenants/alpha',
      '/v1/tenants/alpha/api-keys',
      '/v1/tenants/%ff%00/api-keys/x',
      '/v1/import',
      '/v1/admin/ring',
      '/v1/nothing',
      '/v1/key-value?key=%E2%82&consistency=one&consistency=all',
      '/v1/key-value?key=' + 'k'.repeat(2000),
    ];
    const seeds = [
      '{"key":"fuzz","value":{"a":[1,2,{"b":null}]},"consistency":"quorum","ttl_seconds":60}',
      '{"items":[{"key":"a","value":1},{"key":"b","value":"x"}]}',
      '{"keys":["a","b","c"]}',
      '{"tenant_id":"fuzzed","replication_factor":1}',
    ];
    const mutate = (text: string): Buffer => {
      const bytes = Buffer.from(text);
      const out = Buffer.from(bytes);
      const edits = 1 + Math.floor(random() * 4);
      for (let i = 0; i < edits; i++) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
      if (random() < 0.3) return out.subarray(0, Math.floor(random() * out.length));
      return out;
    };
    const problems: string[] = [];
    const one = async () => {
      const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
      const key = pick([tenantKey, cluster.adminKey, 'rkv_nope', undefined]);
      const hasBody = method !== 'GET' && random() < 0.9;
      const rawBody = hasBody ? (random() < 0.8 ? mutate(pick(seeds)) : Buffer.from(pick(seeds))) : undefined;
      const headers: Record<string, string> = {};
      if (hasBody) headers['content-type'] = pick(['application/json', 'application/json', 'text/plain', 'application/x-ndjson']);
      const response = await request(url, method, pick(paths), { key, rawBody, headers, tenant: key === cluster.adminKey ? 'alpha' : undefined });
      if (response.status >= 400) {
        const found = envelopeProblems(response);
        if (found.length > 0) problems.push(`${method} → ${response.status}: ${found.join(', ')}`);
      } else if (response.status !== 204 && response.json?.['status'] !== 'success') {
        problems.push(`${method} → ${response.status}: success without "status":"success"`);
      }
    };
    const total = 2000;
    let sent = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < total) {
          sent++;
          await one();
        }
      }),
    );
    expect(problems.slice(0, 10)).toEqual([]);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect(cluster.process('gateway').exitCode).toBeNull();
  });

  it('serves RESP to ioredis: PING, AUTH, NOAUTH, unknown commands, pipelining', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: cluster.respPort, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
      await expect(redis.get('a')).rejects.toThrow(/NOAUTH/);
      expect(await redis.auth(tenantKey)).toBe('OK');
      await expect(redis.call('NOPE', 'x')).rejects.toThrow(/^ERR unknown command 'NOPE'/);
      const results = await redis.pipeline().ping().echo('a').call('CONSISTENCY', 'QUORUM').echo('b').exec();
      expect(results?.map(([, value]) => value)).toEqual(['PONG', 'a', 'OK', 'b']);
    } finally {
      redis.disconnect();
    }
  });

  it('serves RESP to redis-cli, and a malformed frame closes only its own connection', async () => {
    const cli = (...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(cluster.respPort), '--no-auth-warning', ...args]);
    expect((await cli('PING')).stdout.trim()).toBe('PONG');
    expect((await cli('GET', 'k')).stdout).toMatch(/NOAUTH/);
    expect((await cli('-a', tenantKey, 'ECHO', 'hi')).stdout.trim()).toBe('hi');
    const { connect } = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(cluster.respPort, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.write('*1\r\n$4\r\nPING\r\n*2\r\n:1\r\n');
    });
    expect(reply).toMatch(/^\+PONG\r\n-ERR Protocol error/);
    expect((await cli('PING')).stdout.trim()).toBe('PONG');
  });

  it('survives random and mutated RESP input, closing only the offending connections', async () => {
    const { connect } = await import('node:net');
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const frames = ['*1\r\n$4\r\nPING\r\n', '*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n', 'PING\r\n', '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n'];
    const send = (bytes: Buffer) =>
      new Promise<void>((resolve) => {
        const socket = connect(cluster.respPort, '127.0.0.1');
        const done = () => {
          socket.destroy();
          resolve();
        };
        socket.setTimeout(500, done);
        socket.on('close', done);
        socket.on('error', done);
        socket.on('data', () => undefined);
        socket.end(bytes);
      });
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(frames[Math.floor(random() * frames.length)]!.repeat(1 + Math.floor(random() * 3)));
      for (let e = Math.floor(random() * 4); e > 0; e--) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      await send(random() < 0.2 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes);
    }
    const redis = new Redis({ host: '127.0.0.1', port: cluster.respPort, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
    expect(cluster.process('gateway').exitCode).toBeNull();
  });
});

describe('OpenAPI at /docs', () => {
  it('serves an OpenAPI 3 document covering the key-value, tenant and admin routes', async () => {
    const response = await fetch(`${url}/docs/json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths['/v1/key-value'] ?? {}).sort()).toEqual(['delete', 'get', 'post']);
    for (const path of ['/v1/key-value/batch', '/v1/key-value/batch-get', '/v1/tenants', '/v1/admin/storage-nodes', '/v1/admin/ring']) {
      expect(document.paths).toHaveProperty([path]);
    }
  });

  it('renders the interactive UI in a browser, with no internet access needed', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const offsite: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(url)) offsite.push(r.url());
      });
      await page.goto(`${url}/docs`);
      await page.locator('.opblock-summary-path', { hasText: '/v1/key-value' }).first().waitFor({ timeout: 20_000 });
      const paths = await page.locator('.opblock-summary-path').allTextContents();
      expect(paths.map((p) => p.replace(/\u200b/g, ''))).toEqual(expect.arrayContaining(['/v1/key-value', '/v1/tenants']));
      expect(offsite).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
