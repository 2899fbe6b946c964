/**
 * The gateway's Redis command client. Redis is an accelerator and a coordination point here,
 * never a hard dependency of a request: every command times out quickly (also while queued for
 * a connection that is not up), so while Redis is down each call fails fast and its caller
 * falls back (API key lookups go to PostgreSQL, rate limits fail open, idempotency reports
 * "unavailable"). The offline queue stays on so the first requests after boot, sent before the
 * connection is up, wait for it instead of failing.
 */
import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import Redis from 'ioredis';
import { GATEWAY_CONFIG, REDIS } from '../gateway.tokens';

/** A Redis round trip on loopback is well under a millisecond; anything near this is an outage. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;

export function createRedis(url: string, options: { subscriber?: boolean } = {}): Redis {
  const client = new Redis(url, {
    // A subscriber must queue its SUBSCRIBE until connected and re-subscribe after reconnects.
    maxRetriesPerRequest: options.subscriber ? null : 1,
    commandTimeout: options.subscriber ? undefined : REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    // Commands issued in the same tick (rate limit, key lookup, idempotency of many concurrent
    // requests) share one socket write instead of one syscall each.
    enableAutoPipelining: !options.subscriber,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  client.on('error', () => undefined); // callers see failures on their commands
  return client;
}

@Injectable()
export class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

export const redisProvider: Provider = {
  provide: REDIS,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig) => createRedis(config.redis.url),
};
