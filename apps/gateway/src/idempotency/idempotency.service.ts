/**
 * Idempotent writes (SYSTEM.md §7). A record in Redis per (tenant, key, idempotency key) keeps
 * the digest of the request and the response for 24 h:
 * - same idempotency key, same request → the stored response, `duplicate`, nothing executed;
 * - same idempotency key, different request → IDEMPOTENCY_KEY_CONFLICT;
 * - two concurrent requests with one idempotency key → a lock (SET NX PX) lets one execute; the
 *   other polls until the record appears and answers from it (or its deadline passes);
 * - a failed execution releases the lock and stores nothing, so the client may retry;
 * - Redis down → the operation runs without deduplication and the result says so.
 * Without a client key, a generated one is returned and the record stored, so the client can
 * retry with it.
 *
 * Lookup-and-lock and store-and-unlock are one Lua script each: two round trips per write.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { LOGGER } from '@ringkv/platform';
import type { Logger } from '@ringkv/telemetry';
import type Redis from 'ioredis';
import { GatewayError, invalidRequest } from '../errors/gateway-error';
import { gatewayMetrics } from '../gateway.metrics';
import { GATEWAY_CONFIG, REDIS } from '../gateway.tokens';
import { RedisScript } from '../infra/redis-script';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const POLL_MS = 20;
/** The lock outlives any request (so a crashed gateway's lock expires on its own). */
const LOCK_MARGIN_MS = 5_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

// KEYS: record, lock. ARGV: lock token, lock ms. → {'record', json} | {'locked'} | {'busy'}
const BEGIN = new RedisScript(`
local record = redis.call('GET', KEYS[1])
if record then return {'record', record} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'locked'} end
return {'busy'}
`);

// KEYS: record, lock. ARGV: lock token, record json (or '' to only unlock), ttl seconds.
const FINISH = new RedisScript(`
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`);

export interface IdempotencyScope {
  tenantId: string;
  key: string;
  /** The client's Idempotency-Key header, if any. */
  idempotencyKey: string | undefined;
  /** Digest of everything that makes two requests "the same" (requestDigest). */
  digest: string;
  deadline: number;
}

export interface IdempotentOutcome<T> {
  response: T;
  idempotencyKey: string;
  duplicate: boolean;
  /** False when Redis was unreachable and the write ran without deduplication. */
  available: boolean;
}

interface StoredRecord<T> {
  digest: string;
  response: T;
}

export function requestDigest(parts: ReadonlyArray<string | number | undefined>, value?: Uint8Array): string {
  const hash = createHash('sha256').update(JSON.stringify(parts.map((p) => p ?? null)));
  if (value) hash.update(value);
  return hash.digest('hex');
}

export function checkIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw invalidRequest('Idempotency-Key must be 1-255 printable ASCII characters');
  }
  return header;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

@Injectable()
export class IdempotencyService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run<T>(scope: IdempotencyScope, execute: () => Promise<T>): Promise<IdempotentOutcome<T>> {
    const idempotencyKey = scope.idempotencyKey ?? randomUUID();
    const recordKey = `${this.config.redis.keyPrefix}idem:${scope.tenantId}:${sha(scope.key)}:${sha(idempotencyKey)}`;
    const lockKey = `${recordKey}:lock`;
    const token = randomUUID();
    const outcome = (response: T, duplicate: boolean, available: boolean) => ({ response, idempotencyKey, duplicate, available });

    if (scope.idempotencyKey !== undefined) {
      for (;;) {
        let state: [string, string?];
        try {
          const lockMs = Math.max(1, scope.deadline - Date.now()) + LOCK_MARGIN_MS;
          state = (await BEGIN.run(this.redis, [recordKey, lockKey], [token, lockMs])) as [string, string?];
        } catch (error) {
          this.unavailable(error);
          return outcome(await execute(), false, false);
        }
        if (state[0] === 'record') {
          const record = JSON.parse(state[1] ?? '{}') as StoredRecord<T>;
          if (record.digest !== scope.digest) {
            throw new GatewayError('IDEMPOTENCY_KEY_CONFLICT', 'this Idempotency-Key was used for a different request');
          }
          gatewayMetrics.idempotentReplay();
          return outcome(record.response, true, true);
        }
        if (state[0] === 'locked') break;
        // Another request with this key is executing: wait for its record.
        if (Date.now() + POLL_MS >= scope.deadline) {
          throw new GatewayError('TIMEOUT', 'a request with the same Idempotency-Key is still in progress');
        }
        await sleep(POLL_MS);
      }
    }

    let response: T;
    try {
      response = await execute();
    } catch (error) {
      if (scope.idempotencyKey !== undefined) await this.finish(recordKey, lockKey, token, '').catch(() => undefined);
      throw error;
    }
    const record: StoredRecord<T> = { digest: scope.digest, response };
    try {
      await this.finish(recordKey, lockKey, token, JSON.stringify(record));
      return outcome(response, false, true);
    } catch (error) {
      this.unavailable(error);
      return outcome(response, false, false);
    }
  }

  private finish(recordKey: string, lockKey: string, token: string, record: string): Promise<unknown> {
    return FINISH.run(this.redis, [recordKey, lockKey], [token, record, IDEMPOTENCY_TTL_SECONDS]);
  }

  private unavailable(error: unknown): void {
    gatewayMetrics.redisFallback('idempotency');
    this.logger.warn({ err: (error as Error).message }, 'idempotency records unavailable (Redis); write not deduplicated');
  }
}
