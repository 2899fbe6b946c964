/**
 * The gateway's tenant and API key lookups on real PostgreSQL and Redis when PostgreSQL becomes
 * unreachable (its pool is destroyed): a tenant or key seen before keeps being served from its
 * last known entry, while an unknown one fails.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '@ringkv/config';
import { ApiKeyRepository, createTestDatabase, TenantRepository, TestDatabase } from '@ringkv/db';
import { createLogger } from '@ringkv/telemetry';
import { ApiKeyResolver } from '../src/auth/api-key-resolver.service';
import { generateApiKeySecret, hashApiKey } from '../src/auth/api-key-secret';
import { TenantDirectory } from '../src/auth/tenant-directory.service';
import { MetadataEvents } from '../src/infra/metadata-events';
import { createRedis } from '../src/infra/redis.provider';
import { TEST_REDIS_URL } from './gateway-app';

const prefix = `ringkv_test_${process.pid}_${randomBytes(3).toString('hex')}:`;
const config = { adminKey: '', redis: { keyPrefix: prefix, url: TEST_REDIS_URL } } as unknown as GatewayConfig;
const logger = createLogger({ serviceName: 'test', level: 'silent' });

describe('lookups while PostgreSQL is unreachable', () => {
  let database: TestDatabase;
  const redis = createRedis(TEST_REDIS_URL);
  afterAll(async () => {
    await database?.destroy();
    redis.disconnect();
  });

  it('serves a known tenant from its last row while PostgreSQL is unreachable, and fails an unknown one', async () => {
    database = await createTestDatabase();
    const repository = new TenantRepository(database.db);
    await repository.create({ id: 'acme', replicationFactor: 3 });
    const directory = new TenantDirectory(repository, new MetadataEvents(config, redis, logger));
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
    const resolver = new ApiKeyResolver(config, redis, logger, keys, new MetadataEvents(config, redis, logger));
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
});
