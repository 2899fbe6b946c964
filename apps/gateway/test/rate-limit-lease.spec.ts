/**
 * Leased rate limits across two gateways (two RateLimitService instances with their own Redis
 * connections) sharing one real Redis under a unique key prefix per run; Redis commands are
 * counted by observing each connection, not by replacing it.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '@ringkv/config';
import { createLogger } from '@ringkv/telemetry';
import Redis from 'ioredis';
import { createRedis } from '../src/infra/redis.provider';
import { leaseChunk } from '../src/rate-limit/rate-lease-book';
import { RateDecision, RateKind, RateLimitService } from '../src/rate-limit/rate-limit.service';
import { TEST_REDIS_URL } from './gateway-app';

const prefix = `ringkv_test_${process.pid}_${randomBytes(3).toString('hex')}:`;
const config = {
  redis: { keyPrefix: prefix, url: TEST_REDIS_URL },
  rateLimit: { leaseMax: 100 },
} as GatewayConfig;
const logger = createLogger({ serviceName: 'test', level: 'silent' });
const clients: Redis[] = [];

interface Gateway {
  limits: RateLimitService;
  /** The Lua script calls this gateway sent to Redis (connection set-up is not counted). */
  commands: string[];
}

function observed(redis: Redis): string[] {
  const commands: string[] = [];
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, ...rest) => {
    if (command.name === 'evalsha' || command.name === 'eval') commands.push(command.name);
    return send(command, ...rest);
  };
  clients.push(redis);
  return commands;
}

function gateway(
  redis = createRedis(TEST_REDIS_URL),
  log = logger,
  leaseMax = config.rateLimit.leaseMax,
): Gateway {
  const commands = observed(redis);
  return { limits: new RateLimitService({ ...config, rateLimit: { leaseMax } }, redis, log), commands };
}

/** A fresh tenant id, so tests never share a window counter. */
const tenant = () => `t${randomBytes(4).toString('hex')}`;

function consume(
  g: Gateway,
  tenantId: string,
  limit: number,
  cost: number,
  now: number,
  kind: RateKind = 'write',
): Promise<RateDecision> {
  return Promise.resolve(g.limits.consume(tenantId, kind, limit, cost, now));
}

afterAll(async () => {
  const cleaner = createRedis(TEST_REDIS_URL);
  const keys = await cleaner.keys(`${prefix}*`);
  if (keys.length > 0) await cleaner.del(...keys);
  cleaner.disconnect();
  for (const client of clients) client.disconnect();
});

describe('leased rate limits across two gateways', () => {
  it('admits exactly 5 per window for a limit of 5, however requests are spread', async () => {
    const [a, b] = [gateway(), gateway()];
    const id = tenant();
    const now = Date.now();
    const sequential: boolean[] = [];
    for (let i = 0; i < 8; i++) sequential.push((await consume(i % 2 ? b : a, id, 5, 1, now)).allowed);
    expect(sequential).toEqual([true, true, true, true, true, false, false, false]);

    const concurrent = await Promise.all(
      Array.from({ length: 20 }, (_, i) => consume(i % 2 ? b : a, id, 5, 1, now + 1_000)),
    );
    expect(concurrent.filter((d) => d.allowed)).toHaveLength(5);
    expect(concurrent.every((d) => d.enforced)).toBe(true);
  });

  it('never passes a large limit across both, with far fewer Redis calls than requests', async () => {
    const [a, b] = [gateway(), gateway()];
    const id = tenant();
    const now = Date.now();
    const requests = 3_000;
    const decisions = await Promise.all(
      Array.from({ length: requests }, (_, i) => consume(i % 2 ? b : a, id, 1_000, 1, now)),
    );
    const admitted = decisions.filter((d) => d.allowed).length;
    // Both gateways keep receiving requests after the window fills, so each spends all it leased.
    expect(admitted).toBe(1_000);
    const calls = a.commands.length + b.commands.length;
    // One call per lease of leaseChunk(1000) = 20 tokens, plus a few that learn the window is
    // full or load the script after a cache miss.
    expect(calls).toBeLessThanOrEqual(1_000 / leaseChunk(1_000) + 6);
    expect(calls).toBeLessThan(requests / 20);
  });

  it('strands leased tokens at a window end by default, and none with RINGKV_RATE_LIMIT_LEASE_MAX=1', async () => {
    const now = Date.now();
    // Small enough to finish well inside the counter's 2 s lifetime even on a loaded machine.
    const limit = 200;
    const admittedByB = async (leaseMax: number) => {
      const [a, b] = [gateway(undefined, logger, leaseMax), gateway(undefined, logger, leaseMax)];
      const id = tenant();
      // a serves one request, leasing a chunk; then only b gets traffic for the rest of the window.
      expect((await consume(a, id, limit, 1, now)).allowed).toBe(true);
      const decisions = await Promise.all(
        Array.from({ length: limit + 20 }, () => consume(b, id, limit, 1, now)),
      );
      return { admitted: decisions.filter((d) => d.allowed).length, calls: b.commands.length };
    };
    const leased = await admittedByB(100);
    expect(leaseChunk(limit)).toBe(4);
    expect(leased.admitted).toBe(limit - leaseChunk(limit)); // a's unspent lease is lost to the window
    const exact = await admittedByB(1);
    expect(exact.admitted).toBe(limit - 1);
    expect(exact.calls).toBeGreaterThanOrEqual(limit - 1); // every admitted request was counted in Redis
  });

  it('shares one Redis call among concurrent requests that need a lease', async () => {
    const a = gateway();
    const id = tenant();
    const now = Date.now();
    await consume(a, id, 1_000, 1, now - 1_000); // the script is loaded, the connection is up
    const before = a.commands.length;
    const decisions = await Promise.all(Array.from({ length: 50 }, () => consume(a, id, 1_000, 1, now)));
    expect(decisions.every((d) => d.allowed && d.enforced)).toBe(true);
    expect(a.commands.length - before).toBe(Math.ceil(50 / leaseChunk(1_000)));
  });

  it('does not count refused requests, and refuses a cost above what is left', async () => {
    const [a, b] = [gateway(), gateway()];
    const id = tenant();
    const now = Date.now();
    for (let i = 0; i < 3; i++) expect((await consume(a, id, 5, 1, now)).allowed).toBe(true);
    expect(await consume(a, id, 5, 3, now)).toMatchObject({ allowed: false, remaining: 2 });
    expect(await consume(b, id, 5, 3, now)).toMatchObject({ allowed: false, remaining: 2 });
    expect(await consume(b, id, 5, 2, now)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await consume(a, id, 5, 1, now)).toMatchObject({ allowed: false });
    expect(await consume(b, id, 5, 1, now)).toMatchObject({ allowed: false, remaining: 0 });
    // Reads have their own budget; the next window admits again.
    expect(await consume(a, id, 5, 5, now, 'read')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await consume(a, id, 5, 1, now + 1_000)).toMatchObject({ allowed: true, remaining: 4 });
    expect(await consume(b, id, 5, 4, now + 1_000)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('reports remaining as the window budget last seen plus the local lease', async () => {
    const [a, b] = [gateway(), gateway()];
    const id = tenant();
    const now = Date.now();
    expect((await consume(a, id, 1_000, 1, now)).remaining).toBe(999);
    expect((await consume(b, id, 1_000, 1, now)).remaining).toBe(979); // a's lease of 20 is counted
    expect((await consume(a, id, 1_000, 1, now)).remaining).toBe(998); // a has not seen b's lease
  });

  it('fails open while Redis is unreachable, logging once', async () => {
    const port = 1; // nothing listens there
    const lines: string[] = [];
    const log = createLogger(
      { serviceName: 'test', level: 'warn' },
      { write: (line: string) => void lines.push(line) },
    );
    const down = new Redis({
      host: '127.0.0.1',
      port,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 1_000,
    });
    down.on('error', () => undefined);
    const g = gateway(down, log);
    const id = tenant();
    const decisions = await Promise.all(Array.from({ length: 10 }, () => consume(g, id, 1, 5, Date.now())));
    expect(decisions.every((d) => d.allowed && !d.enforced && d.remaining === 1)).toBe(true);
    expect(g.commands).toHaveLength(1); // the concurrent requests shared the failed call
    expect((await consume(g, id, 1, 1, Date.now())).enforced).toBe(false);
    expect(lines.filter((line) => line.includes('rate limiter unavailable'))).toHaveLength(1);
  });
});
