/**
 * The RESP port of an in-process gateway, driven by a real client library (ioredis), by
 * redis-cli, and by raw sockets for what clients never send (malformed frames, partial
 * pipelines). Only commands that need no stored data: the KV round trips live in the cluster
 * tests.
 */
import { execFile } from 'node:child_process';
import { connect, Socket } from 'node:net';
import { promisify } from 'node:util';
import Redis, { RedisOptions } from 'ioredis';
import { GatewayApp, startGatewayApp } from './gateway-app';

const run = promisify(execFile);
let gw: GatewayApp;
let tenantKey: string;

beforeAll(async () => {
  gw = await startGatewayApp();
  const admin = { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' };
  await fetch(`${gw.url}/v1/tenants`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ tenant_id: 'resp', replication_factor: 1 }),
  });
  tenantKey = (
    (await (
      await fetch(`${gw.url}/v1/tenants/resp/api-keys`, { method: 'POST', headers: admin, body: '{}' })
    ).json()) as {
      api_key: string;
    }
  ).api_key;
});
afterAll(() => gw?.close());

function client(options: RedisOptions = {}): Redis {
  return new Redis({
    host: '127.0.0.1',
    port: gw.respPort,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
    ...options,
  });
}

/** Sends raw bytes and collects what the server answers until it closes or `until` matches. */
function raw(
  bytes: string | Buffer,
  until?: (text: string) => boolean,
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(gw.respPort, '127.0.0.1');
    let text = '';
    const finish = (closed: boolean) => {
      socket.destroy();
      resolve({ text, closed });
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (until?.(text)) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

describe('RESP port', () => {
  it('answers PING and refuses data commands before AUTH with NOAUTH', async () => {
    const redis = client();
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
      await expect(redis.get('a')).rejects.toThrow(/^NOAUTH Authentication required/);
      await expect(redis.echo('x')).rejects.toThrow(/NOAUTH/);
    } finally {
      redis.disconnect();
    }
  });

  it('authenticates with AUTH <key> and AUTH <user> <key>, and refuses a wrong key', async () => {
    const redis = client();
    await redis.connect();
    try {
      await expect(redis.auth('rkv_wrong')).rejects.toThrow(/WRONGPASS/);
      expect(await redis.auth(tenantKey)).toBe('OK');
      expect(await redis.auth('anyone', tenantKey)).toBe('OK');
      expect(await redis.echo('hello')).toBe('hello');
      // An admin key names its tenant as the user.
      expect(await redis.auth('resp', gw.adminKey)).toBe('OK');
    } finally {
      redis.disconnect();
    }
  });

  it('connects with the password option like any client library', async () => {
    const redis = client({ password: tenantKey, connectionName: 'spec' });
    await redis.connect();
    try {
      expect(await redis.call('CLIENT', 'GETNAME')).toBe('spec');
      expect(await redis.call('CONSISTENCY', 'ALL')).toBe('OK');
      await expect(redis.call('CONSISTENCY', 'SOME')).rejects.toThrow(/ONE, QUORUM or ALL/);
      await expect(redis.call('FLUSHALL')).rejects.toThrow(/^ERR unknown command 'FLUSHALL'/);
      await expect(redis.call('GET')).rejects.toThrow(/wrong number of arguments for 'get'/);
      expect(await redis.call('COMMAND', 'COUNT')).toBeGreaterThan(10);
      expect(await redis.call('COMMAND', 'DOCS')).toEqual([]);
      expect(await redis.info()).toContain('redis_version:');
      await expect(redis.call('HELLO', '3')).rejects.toThrow(/^NOPROTO/);
      expect(await redis.call('HELLO', '2')).toEqual(expect.arrayContaining(['proto', 2]));
      // Data commands reach the coordinator path (unreachable here) and report it as an error.
      await expect(redis.get('k')).rejects.toThrow(/^SERVICE_UNAVAILABLE/);
    } finally {
      redis.disconnect();
    }
  });

  it('answers pipelined commands in order, even when split mid-frame', async () => {
    const frames =
      '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\nPING\r\n*2\r\n$4\r\nPING\r\n$2\r\nhi\r\n';
    const { text } = await raw(frames, (t) => t.endsWith('hi\r\n'));
    expect(text).toBe('+PONG\r\n-NOAUTH Authentication required.\r\n+PONG\r\n$2\r\nhi\r\n');
    const redis = client({ password: tenantKey });
    await redis.connect();
    try {
      const results = await redis
        .pipeline()
        .ping()
        .echo('1')
        .echo('2')
        .call('CONSISTENCY', 'ONE')
        .echo('3')
        .exec();
      expect(results?.map(([, value]) => value)).toEqual(['PONG', '1', '2', 'OK', '3']);
    } finally {
      redis.disconnect();
    }
  });

  it('closes only the connection that sent a malformed frame', async () => {
    const healthy = client();
    await healthy.connect();
    try {
      const { text, closed } = await raw('*1\r\n$4\r\nPING\r\n*1\r\n+oops\r\n');
      expect(closed).toBe(true);
      expect(text).toMatch(/^\+PONG\r\n-ERR Protocol error/);
      expect(await healthy.ping()).toBe('PONG');
    } finally {
      healthy.disconnect();
    }
  });

  it('works with redis-cli', async () => {
    const cli = (...args: string[]) =>
      run('redis-cli', ['-h', '127.0.0.1', '-p', String(gw.respPort), ...args]);
    expect((await cli('PING')).stdout.trim()).toBe('PONG');
    expect((await cli('GET', 'a')).stdout).toMatch(/NOAUTH/);
    expect((await cli('--no-auth-warning', '-a', tenantKey, 'ECHO', 'hi there')).stdout.trim()).toBe(
      'hi there',
    );
    expect((await cli('--no-auth-warning', '-a', tenantKey, 'NOPE')).stdout).toMatch(
      /ERR unknown command 'NOPE'/,
    );
  });
});
