/**
 * Rate limits and idempotency records against a real Redis (a unique key prefix per run), and
 * their behaviour when Redis is unreachable.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '@ringkv/config';
import { createLogger } from '@ringkv/telemetry';
import type Redis from 'ioredis';
import { GatewayError } from '../src/errors/gateway-error';
import { IdempotencyService } from '../src/idempotency/idempotency.service';
import { createRedis } from '../src/infra/redis.provider';
import { RateLimitService } from '../src/rate-limit/rate-limit.service';
import { TEST_REDIS_URL } from './gateway-app';

const prefix = `gwtest_${process.pid}_${randomBytes(3).toString('hex')}:`;
const config = {
  redis: { keyPrefix: prefix, url: TEST_REDIS_URL },
  rateLimit: { leaseMax: 100 },
} as GatewayConfig;
const logger = createLogger({ serviceName: 'test', level: 'silent' });
let redis: Redis;
let down: Redis;

beforeAll(() => {
  redis = createRedis(TEST_REDIS_URL);
  down = createRedis('redis://127.0.0.1:1/0'); // nothing listens on port 1
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  down.disconnect();
});

describe('rate limits', () => {
  it('admits up to the limit within one window, then refuses without counting the refused', async () => {
    const limits = new RateLimitService(config, redis, logger);
    const now = Date.now();
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await limits.consume('t1', 'write', 3, 1, now));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
      [false, 0],
    ]);
    expect(decisions[3]!.resetSeconds).toBeGreaterThanOrEqual(1);
    // Reads are counted apart from writes, and the next window starts afresh.
    expect((await limits.consume('t1', 'read', 3, 1, now)).allowed).toBe(true);
    expect((await limits.consume('t1', 'write', 3, 1, now + 1000)).allowed).toBe(true);
  });

  it('counts a batch by its cost and refuses one larger than the limit', async () => {
    const limits = new RateLimitService(config, redis, logger);
    const now = Date.now();
    expect(await limits.consume('t2', 'write', 10, 7, now)).toMatchObject({ allowed: true, remaining: 3 });
    expect(await limits.consume('t2', 'write', 10, 4, now)).toMatchObject({ allowed: false, remaining: 3 });
    expect(await limits.consume('t2', 'write', 10, 11, now + 1000)).toMatchObject({ allowed: false });
  });

  it('fails open when Redis is down', async () => {
    const limits = new RateLimitService(config, down, logger);
    expect(await limits.consume('t3', 'write', 1, 5)).toMatchObject({ allowed: true, enforced: false });
  });
});

describe('idempotency', () => {
  const scope = (idempotencyKey: string | undefined, digest = 'd1') => ({
    tenantId: 't',
    key: 'k',
    idempotencyKey,
    digest,
    deadline: Date.now() + 2000,
  });

  it('executes once and answers a repeat with the stored response marked duplicate', async () => {
    const service = new IdempotencyService(config, redis, logger);
    let runs = 0;
    const execute = async () => ({ n: ++runs });
    const first = await service.run(scope('ik-1'), execute);
    const second = await service.run(scope('ik-1'), execute);
    expect(first).toEqual({ response: { n: 1 }, idempotencyKey: 'ik-1', duplicate: false, available: true });
    expect(second).toEqual({ response: { n: 1 }, idempotencyKey: 'ik-1', duplicate: true, available: true });
    expect(runs).toBe(1);
  });

  it('refuses the same key for a different request with IDEMPOTENCY_KEY_CONFLICT', async () => {
    const service = new IdempotencyService(config, redis, logger);
    await service.run(scope('ik-2', 'digest-a'), async () => 'a');
    await expect(service.run(scope('ik-2', 'digest-b'), async () => 'b')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_CONFLICT',
    });
  });

  it('runs two concurrent requests with one key once; the second waits for the first result', async () => {
    const service = new IdempotencyService(config, redis, logger);
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const execute = async () => {
      runs++;
      await gate;
      return { done: true };
    };
    const first = service.run(scope('ik-3'), execute);
    await new Promise((r) => setTimeout(r, 50));
    const second = service.run(scope('ik-3'), execute);
    await new Promise((r) => setTimeout(r, 50));
    release();
    const results = await Promise.all([first, second]);
    expect(runs).toBe(1);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(results[1]!.response).toEqual({ done: true });
  });

  it('stores nothing when the execution fails, so a retry executes', async () => {
    const service = new IdempotencyService(config, redis, logger);
    await expect(
      service.run(scope('ik-4'), async () => {
        throw new GatewayError('QUORUM_NOT_REACHED', 'no');
      }),
    ).rejects.toMatchObject({ code: 'QUORUM_NOT_REACHED' });
    expect(await service.run(scope('ik-4'), async () => 'second')).toMatchObject({
      response: 'second',
      duplicate: false,
    });
  });

  it('generates a key when the client sent none, and the record honours it on retry', async () => {
    const service = new IdempotencyService(config, redis, logger);
    const first = await service.run(scope(undefined), async () => 1);
    expect(first.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(await service.run(scope(first.idempotencyKey), async () => 2)).toMatchObject({
      response: 1,
      duplicate: true,
    });
  });

  it('writes without deduplication, and says so, when Redis is down', async () => {
    const service = new IdempotencyService(config, down, logger);
    let runs = 0;
    const result = await service.run(scope('ik-5'), async () => ++runs);
    expect(result).toMatchObject({ response: 1, duplicate: false, available: false });
    await service.run(scope('ik-5'), async () => ++runs);
    expect(runs).toBe(2);
  });
});
