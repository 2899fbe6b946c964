/**
 * The gateway's tenant and API key lookups on real PostgreSQL and Redis when PostgreSQL becomes
 * unreachable (its pool is destroyed): a tenant or key seen before keeps being served from its
 * last known entry, while an unknown one fails; and only while no invalidation message can have
 * been missed since that entry was loaded, for at most an hour.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '@ringkv/config';
import { ApiKeyRepository, createTestDatabase, TenantRepository, TestDatabase } from '@ringkv/db';
import { createLogger } from '@ringkv/telemetry';
import type Redis from 'ioredis';
import { ApiKeyResolver } from '../src/auth/api-key-resolver.service';
import { generateApiKeySecret, hashApiKey } from '../src/auth/api-key-secret';
import { MAX_STALE_MS } from '../src/auth/stale-entry';
import { TenantDirectory } from '../src/auth/tenant-directory.service';
import { MetadataEvents } from '../src/infra/metadata-events';
import { createRedis } from '../src/infra/redis.provider';
import { TEST_REDIS_URL } from './gateway-app';

const prefix = `ringkv_test_${process.pid}_${randomBytes(3).toString('hex')}:`;
const config = {
  adminKey: '',
  redis: { keyPrefix: prefix, url: TEST_REDIS_URL },
} as unknown as GatewayConfig;
const logger = createLogger({ serviceName: 'test', level: 'silent' });

/** Metadata events with a live subscriber, as in a running gateway. */
async function subscribedEvents(): Promise<MetadataEvents> {
  const events = new MetadataEvents(config, redis, logger);
  events.onModuleInit();
  await events.whenSubscribed();
  opened.push(events);
  return events;
}

/** Drops the subscriber's connection as a network blip would; resolves once it is back. */
async function blip(events: MetadataEvents): Promise<void> {
  const subscriber = (events as unknown as { subscriber: Redis }).subscriber;
  const before = events.invalidationsSeenSince() ?? 0;
  subscriber.disconnect(true);
  for (let i = 0; i < 200 && !((events.invalidationsSeenSince() ?? 0) > before); i++)
    await new Promise((r) => setTimeout(r, 25));
  expect(events.invalidationsSeenSince()).toBeGreaterThan(before);
}

const redis = createRedis(TEST_REDIS_URL);
const opened: MetadataEvents[] = [];

describe('lookups while PostgreSQL is unreachable', () => {
  let database: TestDatabase;
  afterAll(async () => {
    await database?.destroy();
    for (const events of opened) events.onApplicationShutdown();
    redis.disconnect();
  });

  it('serves a known tenant from its last row while PostgreSQL is unreachable, and fails an unknown one', async () => {
    database = await createTestDatabase();
    const repository = new TenantRepository(database.db);
    await repository.create({ id: 'acme', replicationFactor: 3 });
    const directory = new TenantDirectory(repository, await subscribedEvents());
    expect((await directory.find('acme'))?.id).toBe('acme');

    await database.db.destroy(); // every later query fails: the pool is gone
    const later = Date.now() + 60_000; // well past the cache lifetime
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect((await directory.find('acme'))?.id).toBe('acme');
      await expect(directory.find('other')).rejects.toThrow();
    } finally {
      clock.mockRestore();
    }
  });

  it('keeps authenticating a key it resolved before, and refuses unknown ones', async () => {
    const keysDb = await createTestDatabase();
    const tenants = new TenantRepository(keysDb.db);
    const keys = new ApiKeyRepository(keysDb.db);
    await tenants.create({ id: 'acme', replicationFactor: 3 });
    const secret = generateApiKeySecret();
    await keys.create({ scope: 'tenant', tenantId: 'acme', name: 'k', keyHash: hashApiKey(secret) });
    const resolver = new ApiKeyResolver(config, redis, logger, keys, await subscribedEvents());
    try {
      expect(await resolver.authenticate(secret)).toMatchObject({ kind: 'tenant', tenantId: 'acme' });

      await keysDb.db.destroy();
      await redis.del(`${prefix}apikey:${hashApiKey(secret).toString('hex')}`); // only PostgreSQL could answer now
      const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 60_000);
      try {
        expect(await resolver.authenticate(secret)).toMatchObject({ kind: 'tenant', tenantId: 'acme' });
        await expect(resolver.authenticate(generateApiKeySecret())).rejects.toThrow();
      } finally {
        clock.mockRestore();
      }
    } finally {
      await resolver.beforeApplicationShutdown();
      await keysDb.destroy();
    }
  });

  it('stops serving what it knew once invalidations may have been missed, or after an hour', async () => {
    const keysDb = await createTestDatabase();
    const tenants = new TenantRepository(keysDb.db);
    const keys = new ApiKeyRepository(keysDb.db);
    await tenants.create({ id: 'acme', replicationFactor: 3 });
    const secrets = [generateApiKeySecret(), generateApiKeySecret()];
    for (const secret of secrets)
      await keys.create({ scope: 'tenant', tenantId: 'acme', name: 'k', keyHash: hashApiKey(secret) });
    const events = await subscribedEvents();
    const resolver = new ApiKeyResolver(config, redis, logger, keys, events);
    const directory = new TenantDirectory(tenants, events);
    try {
      for (const secret of secrets) await resolver.authenticate(secret);
      await directory.find('acme');
      // A blip of the subscriber: a revocation published meanwhile would have been lost.
      await blip(events);
      await keysDb.db.destroy();
      for (const secret of secrets) await redis.del(`${prefix}apikey:${hashApiKey(secret).toString('hex')}`);
      const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 60_000);
      try {
        await expect(resolver.authenticate(secrets[0])).rejects.toThrow();
        await expect(directory.find('acme')).rejects.toThrow();
      } finally {
        clock.mockRestore();
      }
    } finally {
      await resolver.beforeApplicationShutdown();
      await keysDb.destroy();
    }

    // Without a blip, the same holds an hour after the entry was loaded.
    const again = await createTestDatabase();
    const againKeys = new ApiKeyRepository(again.db);
    await new TenantRepository(again.db).create({ id: 'acme', replicationFactor: 3 });
    const secret = generateApiKeySecret();
    await againKeys.create({ scope: 'tenant', tenantId: 'acme', name: 'k', keyHash: hashApiKey(secret) });
    const fresh = new ApiKeyResolver(config, redis, logger, againKeys, await subscribedEvents());
    try {
      await fresh.authenticate(secret);
      await again.db.destroy();
      await redis.del(`${prefix}apikey:${hashApiKey(secret).toString('hex')}`);
      const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + MAX_STALE_MS + 1_000);
      try {
        await expect(fresh.authenticate(secret)).rejects.toThrow();
      } finally {
        clock.mockRestore();
      }
    } finally {
      await fresh.beforeApplicationShutdown();
      await again.destroy();
    }
  });
});
