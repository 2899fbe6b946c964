/**
 * Per-tenant rate limits shared by every gateway: a fixed one-second window per tenant and
 * kind (reads, writes) counted in Redis by one Lua script, so the check and the increment are
 * atomic across gateways. A request that would exceed the limit is refused and not counted.
 *
 * Redis down: requests are allowed (fail open) — refusing all traffic because a counter store
 * is unreachable would turn a cache outage into a full outage — and the outage is logged at
 * most once per LOG_EVERY_MS.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { LOGGER } from '@ringkv/platform';
import type { Logger } from '@ringkv/telemetry';
import type Redis from 'ioredis';
import { gatewayMetrics } from '../gateway.metrics';
import { GATEWAY_CONFIG, REDIS } from '../gateway.tokens';
import { RedisScript } from '../infra/redis-script';

export type RateKind = 'read' | 'write';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends (and the count resets). */
  resetSeconds: number;
  /** False when Redis could not be asked (the request was let through). */
  enforced: boolean;
}

const WINDOW_MS = 1_000;
const LOG_EVERY_MS = 10_000;

// KEYS[1] counter; ARGV: cost, limit, window ms. Returns the count after this request, or
// -(count + 1) when refused (the refused cost is not added).
const CONSUME = new RedisScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(ARGV[1])
if current + cost > tonumber(ARGV[2]) then return -(current + 1) end
local after = redis.call('INCRBY', KEYS[1], cost)
if after == cost then redis.call('PEXPIRE', KEYS[1], ARGV[3] * 2) end
return after
`);

@Injectable()
export class RateLimitService {
  private lastOutageLog = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Counts `cost` requests of `kind` against the tenant's limit per second. */
  async consume(tenantId: string, kind: RateKind, limit: number, cost = 1, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    const key = `${this.config.redis.keyPrefix}ratelimit:${tenantId}:${kind}:${window}`;
    try {
      const result = Number(await CONSUME.run(this.redis, [key], [cost, limit, WINDOW_MS]));
      if (result < 0) {
        const counted = -result - 1;
        return { allowed: false, limit, remaining: Math.max(0, limit - counted), resetSeconds, enforced: true };
      }
      return { allowed: true, limit, remaining: Math.max(0, limit - result), resetSeconds, enforced: true };
    } catch (error) {
      gatewayMetrics.redisFallback('rate-limit');
      if (now - this.lastOutageLog > LOG_EVERY_MS) {
        this.lastOutageLog = now;
        this.logger.warn({ err: (error as Error).message }, 'rate limiter unavailable (Redis); allowing requests');
      }
      return { allowed: true, limit, remaining: limit, resetSeconds, enforced: false };
    }
  }
}
