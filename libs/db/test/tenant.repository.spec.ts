import {
  createTestDatabase,
  DbValidationError,
  TenantExistsError,
  TenantNotFoundError,
  TenantRepository,
  TenantVersionConflictError,
} from '../src';
import type { TestDatabase } from '../src';

describe('TenantRepository', () => {
  let testDb: TestDatabase;
  let tenants: TenantRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    tenants = new TenantRepository(testDb.db);
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  it('creates a tenant with the spec defaults', async () => {
    const tenant = await tenants.create({ id: 'acme' });
    expect(tenant).toMatchObject({
      id: 'acme',
      replicationFactor: 3,
      defaultConsistency: 'quorum',
      conflictPolicy: 'lww',
      writeRateLimit: 1000,
      readRateLimit: 5000,
      version: 1,
      deletedAt: null,
    });
    expect(tenant.createdAt).toBeInstanceOf(Date);
    expect(tenant.updatedAt).toBeInstanceOf(Date);
  });

  it('creates a tenant with explicit settings', async () => {
    const tenant = await tenants.create({
      id: 'explicit_1',
      replicationFactor: 5,
      defaultConsistency: 'all',
      conflictPolicy: 'siblings',
      writeRateLimit: 10,
      readRateLimit: 20,
    });
    expect(await tenants.get('explicit_1')).toEqual(tenant);
    expect(tenant).toMatchObject({ replicationFactor: 5, defaultConsistency: 'all', conflictPolicy: 'siblings' });
  });

  it('refuses a duplicate id with TenantExistsError', async () => {
    await tenants.create({ id: 'dup' });
    const error = await tenants.create({ id: 'dup' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantExistsError);
    expect(error).toMatchObject({ code: 'TENANT_EXISTS', tenantId: 'dup' });
  });

  it.each([0, 11, -1])('rejects replication factor %d with INVALID_REPLICATION_FACTOR', async (rf) => {
    const error = await tenants.create({ id: `rf-${rf + 10}`, replicationFactor: rf }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbValidationError);
    expect(error).toMatchObject({ code: 'INVALID_REPLICATION_FACTOR', constraint: 'tenants_replication_factor_range' });
    expect(await tenants.find(`rf-${rf + 10}`)).toBeUndefined();
  });

  it.each(['Upper', '-leading-dash', '', 'a'.repeat(64), 'has space', 'dot.ted'])(
    'rejects tenant id %j with INVALID_ARGUMENT',
    async (id) => {
      const error = await tenants.create({ id }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', constraint: 'tenants_id_format' });
    },
  );

  it('accepts the longest valid id (63 characters)', async () => {
    const id = `z${'9'.repeat(62)}`;
    expect((await tenants.create({ id })).id).toBe(id);
  });

  it('rejects unknown consistency and policy values and non-positive rate limits', async () => {
    await expect(tenants.create({ id: 'bad-c', defaultConsistency: 'two' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      constraint: 'tenants_default_consistency_valid',
    });
    await expect(tenants.create({ id: 'bad-p', conflictPolicy: 'crdt' as never })).rejects.toMatchObject({
      constraint: 'tenants_conflict_policy_valid',
    });
    await expect(tenants.create({ id: 'bad-w', writeRateLimit: 0 })).rejects.toMatchObject({
      constraint: 'tenants_write_rate_limit_positive',
    });
  });

  it('get throws TenantNotFoundError and find returns undefined for an unknown id', async () => {
    await expect(tenants.get('nobody')).rejects.toBeInstanceOf(TenantNotFoundError);
    await expect(tenants.get('nobody')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    expect(await tenants.find('nobody')).toBeUndefined();
  });

  it('lists tenants ordered by id, hiding tenants being deleted unless asked', async () => {
    await tenants.create({ id: 'list-b' });
    await tenants.create({ id: 'list-a' });
    await tenants.create({ id: 'list-c' });
    await tenants.markDeleting('list-c');
    const ids = (await tenants.list()).map((t) => t.id).filter((id) => id.startsWith('list-'));
    expect(ids).toEqual(['list-a', 'list-b']);
    const all = (await tenants.list({ includeDeleting: true })).map((t) => t.id).filter((id) => id.startsWith('list-'));
    expect(all).toEqual(['list-a', 'list-b', 'list-c']);
  });

  it('updates settings, bumping version and updated_at and keeping other fields', async () => {
    const before = await tenants.create({ id: 'upd', conflictPolicy: 'siblings' });
    const after = await tenants.updateSettings('upd', { replicationFactor: 5, readRateLimit: 42 });
    expect(after).toMatchObject({
      replicationFactor: 5,
      readRateLimit: 42,
      writeRateLimit: 1000,
      conflictPolicy: 'siblings',
      version: before.version + 1,
    });
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    expect(after.createdAt).toEqual(before.createdAt);
    expect(await tenants.get('upd')).toEqual(after);
  });

  it('applies an update with the current version and refuses a stale one', async () => {
    const t = await tenants.create({ id: 'occ' });
    const first = await tenants.updateSettings('occ', { writeRateLimit: 7 }, t.version);
    expect(first.version).toBe(t.version + 1);
    const error = await tenants.updateSettings('occ', { writeRateLimit: 8 }, t.version).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantVersionConflictError);
    expect(error).toMatchObject({ code: 'TENANT_VERSION_CONFLICT', expectedVersion: t.version, actualVersion: first.version });
    expect((await tenants.get('occ')).writeRateLimit).toBe(7);
  });

  it('lets exactly one of two concurrent updates at the same version win', async () => {
    const t = await tenants.create({ id: 'race' });
    const results = await Promise.allSettled([
      tenants.updateSettings('race', { replicationFactor: 2 }, t.version),
      tenants.updateSettings('race', { replicationFactor: 4 }, t.version),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(TenantVersionConflictError);
    expect((await tenants.get('race')).version).toBe(t.version + 1);
  });

  it('rejects an invalid replication factor on update and leaves the row unchanged', async () => {
    await tenants.create({ id: 'upd-bad' });
    await expect(tenants.updateSettings('upd-bad', { replicationFactor: 11 })).rejects.toMatchObject({
      code: 'INVALID_REPLICATION_FACTOR',
    });
    expect(await tenants.get('upd-bad')).toMatchObject({ replicationFactor: 3, version: 1 });
  });

  it('refuses updates to unknown tenants and tenants being deleted', async () => {
    await expect(tenants.updateSettings('ghost', { replicationFactor: 2 })).rejects.toBeInstanceOf(TenantNotFoundError);
    await tenants.create({ id: 'going' });
    await tenants.markDeleting('going');
    await expect(tenants.updateSettings('going', { replicationFactor: 2 })).rejects.toBeInstanceOf(TenantNotFoundError);
  });

  it('marks a tenant deleting idempotently and keeps its id taken', async () => {
    await tenants.create({ id: 'del' });
    const first = await tenants.markDeleting('del');
    expect(first.deletedAt).toBeInstanceOf(Date);
    const second = await tenants.markDeleting('del');
    expect(second.deletedAt).toEqual(first.deletedAt);
    await expect(tenants.create({ id: 'del' })).rejects.toBeInstanceOf(TenantExistsError);
    await expect(tenants.markDeleting('never')).rejects.toBeInstanceOf(TenantNotFoundError);
  });

  it('deletes a tenant for good, after which its id can be reused', async () => {
    await tenants.create({ id: 'gone' });
    await tenants.delete('gone');
    expect(await tenants.find('gone')).toBeUndefined();
    await expect(tenants.delete('gone')).rejects.toBeInstanceOf(TenantNotFoundError);
    expect((await tenants.create({ id: 'gone' })).version).toBe(1);
  });
});
