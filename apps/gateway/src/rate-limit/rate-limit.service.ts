/**
 * Per-tenant rate limits shared by every gateway: a fixed one-second window per tenant and
 * kind (reads, writes), counted in Redis, with most requests decided without touching Redis.
 *
 * Each gateway leases tokens from the window's shared counter in chunks — one Lua call grants
 * `min(want, limit - counted)` tokens, or none when the asking request's own need does not fit,
 * and returns the counter — then admits requests from its lease locally (RateLeaseBook). It
 * goes back to Redis only when the lease is spent; concurrent requests that need a new lease
 * share one in-flight call. The shared counter never passes the limit, so the gateways together
 * never admit more than it; tokens a gateway leased but did not spend before the window ended
 * make the effective limit slightly lower (rate-lease-book.ts has the chunk sizing and the
 * bound). A refused request is not counted. `remaining` is an estimate: the window's budget as
 * last seen from Redis plus this gateway's unspent lease.
 *
 * The counter key and its meaning (tokens counted in the window) are the same as when every
 * request was counted one by one, so gateways of either kind share a window during an upgrade.
 *
 * Redis down: requests that need a lease are allowed (fail open) — refusing all traffic because
 * a counter store is unreachable would turn a cache outage into a full outage — and the outage
 * is logged at most once per LOG_EVERY_MS. Requests still covered by a lease are decided as usual.
 *
 * `consume` answers synchronously when the lease decides, and with a promise when Redis must be
 * asked; callers `await` either.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { LOGGER } from '@ringkv/platform';
import type { Logger } from '@ringkv/telemetry';
import type Redis from 'ioredis';
import { gatewayMetrics } from '../gateway.metrics';
import { GATEWAY_CONFIG, REDIS } from '../gateway.tokens';
import { RedisScript } from '../infra/redis-script';
import { DEFAULT_RATE_LEASE_OPTIONS, LeaseDecision, LeaseRequest, RateLeaseBook } from './rate-lease-book';

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

// KEYS[1] window counter; ARGV: need, want, limit, ttl ms. Grants nothing when `need` does not
// fit (so a refused request is not counted), else min(want, limit - counted). Returns
// {granted, counter after the grant}.
const LEASE = new RedisScript(`
local counted = tonumber(redis.call('GET', KEYS[1]) or '0')
local need = tonumber(ARGV[1])
local limit = tonumber(ARGV[3])
if counted + need > limit then return {0, counted} end
local granted = math.min(tonumber(ARGV[2]), limit - counted)
local after = redis.call('INCRBY', KEYS[1], granted)
if after == granted then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return {granted, after}
`);

interface Call {
  tenantId: string;
  kind: RateKind;
  limit: number;
  cost: number;
  now: number;
  window: number;
  slot: string;
  resetSeconds: number;
}

@Injectable()
export class RateLimitService {
  private readonly book: RateLeaseBook;
  /** Lease requests in flight, by slot and window; each removes itself when it settles. */
  private readonly inFlight = new Map<string, Promise<LeaseDecision>>();
  private lastOutageLog = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.book = new RateLeaseBook({ ...DEFAULT_RATE_LEASE_OPTIONS, maxChunk: config.rateLimit.leaseMax });
  }

  /** Counts `cost` requests of `kind` against the tenant's limit per second. */
  consume(
    tenantId: string,
    kind: RateKind,
    limit: number,
    cost = 1,
    now = Date.now(),
  ): RateDecision | Promise<RateDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    const slot = `${tenantId}:${kind}`;
    const step = this.book.take(slot, window, limit, cost);
    if (step.action === 'admit' || step.action === 'refuse') return decided(step, limit, resetSeconds);
    return this.throughRedis({ tenantId, kind, limit, cost, now, window, slot, resetSeconds }, step);
  }

  private async throughRedis(call: Call, first: LeaseRequest | { action: 'wait' }): Promise<RateDecision> {
    const flightKey = `${call.window}:${call.slot}`;
    let step = first;
    for (;;) {
      try {
        if (step.action === 'lease')
          return decided(await this.lease(call, step, flightKey), call.limit, call.resetSeconds);
        const pending = this.inFlight.get(flightKey);
        // A slot waits only while its call is in the map; should they ever disagree, clear
        // the flag rather than wait for nothing.
        if (pending) await pending;
        else this.book.fail(call.slot, call.window);
      } catch (error) {
        return this.failOpen(call, error);
      }
      const next = this.book.take(call.slot, call.window, call.limit, call.cost);
      if (next.action === 'admit' || next.action === 'refuse')
        return decided(next, call.limit, call.resetSeconds);
      step = next;
    }
  }

  private lease(call: Call, request: LeaseRequest, flightKey: string): Promise<LeaseDecision> {
    const key = `${this.config.redis.keyPrefix}ratelimit:${call.tenantId}:${call.kind}:${call.window}`;
    // The entry goes in the same step as the book's `leasing` flag, so the two always agree.
    const flight = LEASE.run(this.redis, [key], [request.need, request.want, call.limit, WINDOW_MS * 2]).then(
      (reply) => {
        this.inFlight.delete(flightKey);
        const [granted, counted] = reply as [number, number];
        return this.book.settle(
          call.slot,
          call.window,
          call.limit,
          request,
          Number(granted),
          Number(counted),
        );
      },
      (error: unknown) => {
        this.inFlight.delete(flightKey);
        this.book.fail(call.slot, call.window);
        throw error;
      },
    );
    this.inFlight.set(flightKey, flight);
    return flight;
  }

  private failOpen(call: Call, error: unknown): RateDecision {
    gatewayMetrics.redisFallback('rate-limit');
    if (call.now - this.lastOutageLog > LOG_EVERY_MS) {
      this.lastOutageLog = call.now;
      this.logger.warn(
        { err: (error as Error).message },
        'rate limiter unavailable (Redis); allowing requests',
      );
    }
    return {
      allowed: true,
      limit: call.limit,
      remaining: call.limit,
      resetSeconds: call.resetSeconds,
      enforced: false,
    };
  }
}

function decided(decision: LeaseDecision, limit: number, resetSeconds: number): RateDecision {
  return {
    allowed: decision.action === 'admit',
    limit,
    remaining: decision.remaining,
    resetSeconds,
    enforced: true,
  };
}
