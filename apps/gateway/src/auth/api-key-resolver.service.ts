/**
 * Authentication of API key secrets. Resolution order: the bootstrap admin key from the
 * configuration (constant-time compare), then an in-process cache, then the Redis cache
 * (`<prefix>apikey:<sha256 hex>`, shared by every gateway), then PostgreSQL.
 *
 * Revocation: the revoking gateway deletes the Redis entry and publishes
 * `{"kind":"api-key","id"}`; every gateway drops the key from its in-process cache on that
 * message, so the key stops working everywhere within a second. A lookup that raced with the
 * revocation is not cached (generation check), and the Redis entry is deleted a second time
 * shortly after, in case a racing gateway wrote it back.
 *
 * PostgreSQL unreachable (and the key not in Redis): a key this gateway resolved before keeps
 * working from its in-process entry, as long as no revocation message can have been missed
 * since and for at most an hour (stale-entry.ts); unknown keys fail.
 *
 * Secrets are never logged or stored; caches are keyed by the hash.
 */
import { timingSafeEqual } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { ApiKey, ApiKeyRepository } from '@ringkv/db';
import { LOGGER } from '@ringkv/platform';
import type { Logger } from '@ringkv/telemetry';
import type Redis from 'ioredis';
import { GatewayError } from '../errors/gateway-error';
import { gatewayMetrics } from '../gateway.metrics';
import { GATEWAY_CONFIG, REDIS } from '../gateway.tokens';
import { MetadataEvents } from '../infra/metadata-events';
import { hashApiKey } from './api-key-secret';
import type { Principal } from './principal';
import { usableWhileDown } from './stale-entry';

/** In-process entries live briefly: eviction by message is the fast path, this the backstop. */
const LOCAL_TTL_MS = 5_000;
/** Unknown secrets are remembered briefly so a flood of bad keys does not reach PostgreSQL. */
const NEGATIVE_TTL_MS = 1_000;
const REDIS_TTL_SECONDS = 60;
const SECOND_DELETE_AFTER_MS = 1_500;
const MAX_CACHED = 10_000;
const LAST_USED_FLUSH_MS = 10_000;

interface CachedKey {
  principal: Principal | undefined;
  until: number;
  loadedAt: number;
}

interface RedisEntry {
  id: string;
  tenant_id: string | null;
}

export function toPrincipal(key: { id: string; tenantId: string | null }): Principal {
  return key.tenantId === null
    ? { kind: 'admin', keyId: key.id }
    : { kind: 'tenant', tenantId: key.tenantId, keyId: key.id };
}

@Injectable()
export class ApiKeyResolver implements BeforeApplicationShutdown {
  private readonly local = new Map<string, CachedKey>();
  private readonly hashById = new Map<string, string>();
  private readonly loading = new Map<string, Promise<Principal | undefined>>();
  private readonly used = new Set<string>();
  private readonly flushTimer: NodeJS.Timeout;
  private generation = 0;
  private readonly adminKeyHash: Buffer | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly keys: ApiKeyRepository,
    private readonly events: MetadataEvents,
  ) {
    this.adminKeyHash = config.adminKey === '' ? undefined : hashApiKey(config.adminKey);
    events.onEvent((event) => {
      if (event.kind !== 'api-key') return;
      this.generation++;
      const hash = this.hashById.get(event.id);
      if (hash !== undefined) this.local.delete(hash);
    });
    this.flushTimer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Before the database pool closes (its hook runs at onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }

  /** The caller behind a secret; UNAUTHORIZED when it is unknown or revoked. */
  async authenticate(secret: string | undefined): Promise<Principal> {
    if (secret === undefined)
      throw new GatewayError('UNAUTHORIZED', 'missing or malformed Authorization: Bearer <api_key> header');
    const hash = hashApiKey(secret);
    // Hashes compared in constant time: as good as comparing the secrets, one hash per request.
    if (this.adminKeyHash !== undefined && timingSafeEqual(hash, this.adminKeyHash))
      return { kind: 'admin', keyId: undefined };
    const principal = await this.lookup(hash.toString('hex'));
    if (!principal) throw new GatewayError('UNAUTHORIZED', 'unknown or revoked API key');
    if (principal.keyId !== undefined) this.used.add(principal.keyId);
    return principal;
  }

  /** After a key was revoked in PostgreSQL: drop it from every cache and tell every gateway. */
  async revoked(key: ApiKey): Promise<void> {
    const redisKey = this.redisKey(key.keyHash.toString('hex'));
    await this.redis.del(redisKey).catch(() => undefined);
    await this.events.publish({ kind: 'api-key', id: key.id });
    setTimeout(() => void this.redis.del(redisKey).catch(() => undefined), SECOND_DELETE_AFTER_MS).unref();
  }

  private lookup(hash: string): Promise<Principal | undefined> {
    const cached = this.local.get(hash);
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.principal);
    let pending = this.loading.get(hash);
    if (!pending) {
      const generation = this.generation;
      // What the answer reflects: the moment the lookup started, not when it came back.
      const startedAt = Date.now();
      pending = this.load(hash)
        .then((principal) => {
          if (generation === this.generation) this.remember(hash, principal, startedAt);
          return principal;
        })
        .catch((error: unknown) => {
          // Neither cache nor PostgreSQL could answer: a key this gateway already knew (and
          // that no revocation message has evicted since) keeps working, for a while.
          const stale = this.local.get(hash);
          if (stale?.principal === undefined || !usableWhileDown(stale.loadedAt, this.events)) throw error;
          gatewayMetrics.staleLookup('api-key');
          return stale.principal;
        })
        .finally(() => this.loading.delete(hash));
      this.loading.set(hash, pending);
    }
    return pending;
  }

  private async load(hash: string): Promise<Principal | undefined> {
    const redisKey = this.redisKey(hash);
    const fromRedis = await this.redis.get(redisKey).catch(() => undefined);
    if (typeof fromRedis === 'string') {
      const entry = JSON.parse(fromRedis) as RedisEntry;
      return toPrincipal({ id: entry.id, tenantId: entry.tenant_id });
    }
    const key = await this.keys.findActiveByHash(Buffer.from(hash, 'hex'));
    if (!key) return undefined;
    const entry: RedisEntry = { id: key.id, tenant_id: key.tenantId };
    await this.redis.set(redisKey, JSON.stringify(entry), 'EX', REDIS_TTL_SECONDS).catch(() => undefined);
    return toPrincipal(key);
  }

  private remember(hash: string, principal: Principal | undefined, loadedAt: number): void {
    if (this.local.size >= MAX_CACHED) {
      this.local.clear();
      this.hashById.clear();
    }
    const now = Date.now();
    this.local.set(hash, {
      principal,
      until: now + (principal ? LOCAL_TTL_MS : NEGATIVE_TTL_MS),
      loadedAt,
    });
    if (principal?.keyId !== undefined) this.hashById.set(principal.keyId, hash);
  }

  private redisKey(hash: string): string {
    return `${this.config.redis.keyPrefix}apikey:${hash}`;
  }

  private async flushLastUsed(): Promise<void> {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    try {
      await this.keys.touchLastUsed(ids);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'could not record API key use');
    }
  }
}
