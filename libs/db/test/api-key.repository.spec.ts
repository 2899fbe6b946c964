import { createHash, randomBytes } from 'node:crypto';
import {
  ApiKeyExistsError,
  ApiKeyNotFoundError,
  ApiKeyRepository,
  createTestDatabase,
  TenantNotFoundError,
  TenantRepository,
} from '../src';
import type { TestDatabase } from '../src';

const hashOf = (secret: string): Buffer => createHash('sha256').update(secret).digest();
const freshHash = (): Buffer => hashOf(randomBytes(16).toString('hex'));

describe('ApiKeyRepository', () => {
  let testDb: TestDatabase;
  let keys: ApiKeyRepository;
  let tenants: TenantRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    keys = new ApiKeyRepository(testDb.db);
    tenants = new TenantRepository(testDb.db);
    await tenants.create({ id: 't1' });
    await tenants.create({ id: 't2' });
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  it('creates a tenant key and finds it by the hash of its secret', async () => {
    const key = await keys.create({ scope: 'tenant', tenantId: 't1', keyHash: hashOf('secret-1'), name: 'ci' });
    expect(key).toMatchObject({ scope: 'tenant', tenantId: 't1', name: 'ci', lastUsedAt: null, revokedAt: null });
    expect(key.id).toMatch(/^key_[0-9a-f]{24}$/);
    expect(key.keyHash.equals(hashOf('secret-1'))).toBe(true);
    expect(await keys.findActiveByHash(hashOf('secret-1'))).toEqual(key);
    expect(await keys.findActiveByHash(hashOf('secret-2'))).toBeUndefined();
  });

  it('creates an admin key with no tenant and an explicit id', async () => {
    const key = await keys.create({ scope: 'admin', keyHash: hashOf('admin-secret'), id: 'admin-1' });
    expect(key).toMatchObject({ id: 'admin-1', scope: 'admin', tenantId: null, name: '' });
    expect((await keys.findActiveByHash(hashOf('admin-secret')))?.id).toBe('admin-1');
    expect((await keys.listAdmin()).map((k) => k.id)).toContain('admin-1');
  });

  it('refuses a duplicate hash or id with ApiKeyExistsError', async () => {
    const hash = freshHash();
    await keys.create({ scope: 'tenant', tenantId: 't1', keyHash: hash, id: 'dup-id' });
    await expect(keys.create({ scope: 'tenant', tenantId: 't2', keyHash: hash })).rejects.toBeInstanceOf(ApiKeyExistsError);
    await expect(keys.create({ scope: 'tenant', tenantId: 't2', keyHash: freshHash(), id: 'dup-id' })).rejects.toMatchObject({
      code: 'API_KEY_EXISTS',
    });
  });

  it('refuses a key for an unknown tenant or a tenant being deleted', async () => {
    await expect(keys.create({ scope: 'tenant', tenantId: 'nope', keyHash: freshHash() })).rejects.toBeInstanceOf(
      TenantNotFoundError,
    );
    await tenants.create({ id: 'dying' });
    await tenants.markDeleting('dying');
    await expect(keys.create({ scope: 'tenant', tenantId: 'dying', keyHash: freshHash() })).rejects.toMatchObject({
      code: 'TENANT_NOT_FOUND',
    });
  });

  it('rejects a hash that is not 32 bytes', async () => {
    await expect(keys.create({ scope: 'admin', keyHash: Buffer.alloc(16) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      constraint: 'api_keys_key_hash_sha256',
    });
  });

  it('rejects a scope/tenant mismatch through the CHECK constraint', async () => {
    // Bypasses the typed API on purpose: the database must hold the rule even for raw writes.
    await expect(
      testDb.db
        .insertInto('api_keys')
        .values({ id: 'bad-scope', tenant_id: null, scope: 'tenant', key_hash: freshHash() })
        .execute(),
    ).rejects.toMatchObject({ code: '23514', constraint: 'api_keys_scope_tenant' });
  });

  it('lists a tenant’s keys oldest first, without revoked ones unless asked', async () => {
    await tenants.create({ id: 'lister' });
    const a = await keys.create({ scope: 'tenant', tenantId: 'lister', keyHash: freshHash(), name: 'a' });
    const b = await keys.create({ scope: 'tenant', tenantId: 'lister', keyHash: freshHash(), name: 'b' });
    await keys.create({ scope: 'tenant', tenantId: 't2', keyHash: freshHash() });
    expect((await keys.listForTenant('lister')).map((k) => k.name)).toEqual(['a', 'b']);
    await keys.revoke('lister', a.id);
    expect((await keys.listForTenant('lister')).map((k) => k.id)).toEqual([b.id]);
    expect((await keys.listForTenant('lister', { includeRevoked: true })).map((k) => k.id)).toEqual([a.id, b.id]);
  });

  it('revokes a key so it no longer authenticates; revoking twice keeps the first time', async () => {
    const hash = freshHash();
    const key = await keys.create({ scope: 'tenant', tenantId: 't1', keyHash: hash });
    const revoked = await keys.revoke('t1', key.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await keys.findActiveByHash(hash)).toBeUndefined();
    expect((await keys.revoke('t1', key.id)).revokedAt).toEqual(revoked.revokedAt);
  });

  it('does not let one tenant revoke another tenant’s key', async () => {
    const hash = freshHash();
    const key = await keys.create({ scope: 'tenant', tenantId: 't1', keyHash: hash });
    const error = await keys.revoke('t2', key.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiKeyNotFoundError);
    expect(error).toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(keys.revoke(null, key.id)).rejects.toBeInstanceOf(ApiKeyNotFoundError);
    await expect(keys.revoke('t1', 'no-such-key')).rejects.toBeInstanceOf(ApiKeyNotFoundError);
    expect(await keys.findActiveByHash(hash)).toBeDefined();
  });

  it('revokes admin keys with a null tenant', async () => {
    const key = await keys.create({ scope: 'admin', keyHash: freshHash() });
    expect((await keys.revoke(null, key.id)).revokedAt).not.toBeNull();
  });

  it('stops authenticating keys of a tenant being deleted, and drops them with the tenant', async () => {
    await tenants.create({ id: 'leaving' });
    const hash = freshHash();
    const key = await keys.create({ scope: 'tenant', tenantId: 'leaving', keyHash: hash });
    await tenants.markDeleting('leaving');
    expect(await keys.findActiveByHash(hash)).toBeUndefined();
    await tenants.delete('leaving');
    expect(await keys.find(key.id)).toBeUndefined();
  });

  it('records last use in batches and never moves it backwards', async () => {
    const a = await keys.create({ scope: 'tenant', tenantId: 't1', keyHash: freshHash() });
    const b = await keys.create({ scope: 'tenant', tenantId: 't1', keyHash: freshHash() });
    const later = new Date('2030-01-02T03:04:05.000Z');
    const earlier = new Date('2030-01-01T00:00:00.000Z');
    expect(await keys.touchLastUsed([a.id, b.id, a.id], later)).toBe(2);
    expect((await keys.find(a.id))?.lastUsedAt).toEqual(later);
    expect(await keys.touchLastUsed(b.id, earlier)).toBe(1);
    expect((await keys.find(b.id))?.lastUsedAt).toEqual(later);
    expect(await keys.touchLastUsed([])).toBe(0);
    expect(await keys.touchLastUsed(['missing'])).toBe(0);
  });
});
