/**
 * The HTTP edge of an in-process gateway on real PostgreSQL and Redis: request ids, the error
 * envelope for every way a request can be wrong before it reaches a coordinator, auth levels,
 * 404/405, and the OpenAPI document.
 */
import { GatewayApp, startGatewayApp } from './gateway-app';

let gw: GatewayApp;
let tenantKey: string;

beforeAll(async () => {
  gw = await startGatewayApp();
  const admin = { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${gw.url}/v1/tenants`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ tenant_id: 'edge', replication_factor: 1 }),
  });
  expect(created.status).toBe(201);
  const key = await fetch(`${gw.url}/v1/tenants/edge/api-keys`, {
    method: 'POST',
    headers: admin,
    body: '{}',
  });
  tenantKey = ((await key.json()) as { api_key: string }).api_key;
});
afterAll(() => gw?.close());

async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  const response = await fetch(`${gw.url}${path}`, { method, headers: init.headers, body: init.body });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const asTenant = () => ({ authorization: `Bearer ${tenantKey}`, 'content-type': 'application/json' });

function expectEnvelope(result: Awaited<ReturnType<typeof call>>, status: number, code: string) {
  expect({ status: result.status, code: result.json?.['error_code'] }).toEqual({ status, code });
  expect(result.json).toEqual({
    status: 'error',
    error_code: code,
    message: expect.any(String),
    request_id: result.headers.get('x-request-id'),
  });
}

describe('gateway HTTP edge', () => {
  it('echoes a client request id and generates one otherwise', async () => {
    const echoed = await call('GET', '/health/live', { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const generated = await call('GET', '/v1/nothing-here');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with 404 and wrong methods with 405, in the envelope', async () => {
    expectEnvelope(await call('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
    const wrong = await call('PATCH', '/v1/key-value', { headers: asTenant() });
    expectEnvelope(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toContain('GET');
  });

  it('needs a valid key: none or unknown → 401, tenant key on admin route → 403', async () => {
    expectEnvelope(await call('GET', '/v1/tenants'), 401, 'UNAUTHORIZED');
    expectEnvelope(
      await call('GET', '/v1/tenants', { headers: { authorization: 'Bearer rkv_nope' } }),
      401,
      'UNAUTHORIZED',
    );
    expectEnvelope(
      await call('GET', '/v1/tenants', { headers: { authorization: 'Basic abc' } }),
      401,
      'UNAUTHORIZED',
    );
    expectEnvelope(await call('GET', '/v1/tenants', { headers: asTenant() }), 403, 'FORBIDDEN');
    expectEnvelope(
      await call('GET', '/v1/key-value?key=a', { headers: { ...asTenant(), 'x-tenant-id': 'other' } }),
      403,
      'FORBIDDEN',
    );
    expectEnvelope(
      await call('GET', '/v1/key-value?key=a', { headers: { authorization: `Bearer ${gw.adminKey}` } }),
      400,
      'INVALID_REQUEST',
    );
    expectEnvelope(
      await call('GET', '/v1/key-value?key=a', {
        headers: { authorization: `Bearer ${gw.adminKey}`, 'x-tenant-id': 'ghost' },
      }),
      404,
      'TENANT_NOT_FOUND',
    );
  });

  it.each([
    ['malformed JSON', '{"key": "a", "value": '],
    ['a non-object body', '[1,2,3]'],
    ['a string body', '"hello"'],
    ['a wrong type', '{"key": 5, "value": 1}'],
    ['an empty key', '{"key": "", "value": 1}'],
    ['a missing value', '{"key": "a"}'],
    ['an unknown field', '{"key": "a", "value": 1, "extra": true}'],
    ['a bad consistency', '{"key": "a", "value": 1, "consistency": "most"}'],
    ['a fractional ttl', '{"key": "a", "value": 1, "ttl_seconds": 1.5}'],
    ['a zero ttl', '{"key": "a", "value": 1, "ttl_seconds": 0}'],
    ['deep nesting', `{"key": "a", "value": ${'['.repeat(200)}${']'.repeat(200)}}`],
    ['a key over 1024 bytes', JSON.stringify({ key: 'é'.repeat(513), value: 1 })],
    ['a lone surrogate in the key', '{"key": "\\ud800", "value": 1}'],
    ['an empty body', ''],
  ])('rejects %s with 400 INVALID_REQUEST', async (_name, body) => {
    expectEnvelope(
      await call('POST', '/v1/key-value', { headers: asTenant(), body }),
      400,
      'INVALID_REQUEST',
    );
  });

  it('rejects invalid UTF-8 and non-JSON content types', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"key":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","value":1}'),
    ]);
    expectEnvelope(
      await call('POST', '/v1/key-value', { headers: asTenant(), body: bytes }),
      400,
      'INVALID_REQUEST',
    );
    expectEnvelope(
      await call('POST', '/v1/key-value', {
        headers: { ...asTenant(), 'content-type': 'text/plain' },
        body: 'key=a',
      }),
      400,
      'INVALID_REQUEST',
    );
  });

  it('answers 413 for a body over the limit and for a value over max_value_bytes', async () => {
    const huge = JSON.stringify({ key: 'a', value: 'x'.repeat(gw.config.maxValueBytes + 100 * 1024) });
    expectEnvelope(
      await call('POST', '/v1/key-value', { headers: asTenant(), body: huge }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    const justOver = JSON.stringify({ key: 'a', value: 'x'.repeat(gw.config.maxValueBytes - 1) });
    expectEnvelope(
      await call('POST', '/v1/key-value', { headers: asTenant(), body: justOver }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('reaches the coordinator only with valid input, and reports it unreachable as 503', async () => {
    const result = await call('POST', '/v1/key-value', {
      headers: asTenant(),
      body: '{"key":"a","value":{"b":[1,2]}}',
    });
    expectEnvelope(result, 503, 'SERVICE_UNAVAILABLE');
    expect(result.headers.get('x-ratelimit-limit')).toBe('1000');
  });

  it('limits each tenant per second: 429 RATE_LIMIT_EXCEEDED with Retry-After, and X-RateLimit-* on every answer', async () => {
    const admin = { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' };
    await call('POST', '/v1/tenants', {
      headers: admin,
      body: JSON.stringify({ tenant_id: 'limited', replication_factor: 1, read_rate_limit: 2 }),
    });
    const asLimited = { authorization: `Bearer ${gw.adminKey}`, 'x-tenant-id': 'limited' };
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => call('GET', '/v1/key-value?key=a', { headers: asLimited })),
    );
    const limited = answers.filter((a) => a.status === 429);
    // 12 requests span at most a few one-second windows of 2: most must be refused.
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expectEnvelope(limited[0]!, 429, 'RATE_LIMIT_EXCEEDED');
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    for (const answer of answers) {
      expect(answer.headers.get('x-ratelimit-limit')).toBe('2');
      expect(answer.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
      expect(answer.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    }
  });

  it('answers NOT_IMPLEMENTED for routes that move data', async () => {
    const admin = { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' };
    expectEnvelope(await call('DELETE', '/v1/tenants/edge', { headers: admin }), 501, 'NOT_IMPLEMENTED');
    expectEnvelope(await call('GET', '/v1/admin/migrations', { headers: admin }), 501, 'NOT_IMPLEMENTED');
  });

  it('serves the OpenAPI document and its UI at /docs', async () => {
    const doc = await call('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys((doc.json?.['paths'] ?? {}) as object)).toEqual(
      expect.arrayContaining(['/v1/key-value', '/v1/tenants']),
    );
    const ui = await fetch(`${gw.url}/docs`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<html');
  });
});
