import {
  createTestDatabase,
  InvalidStateTransitionError,
  MigrationNotFoundError,
  TopologyChangeRepository,
} from '../src';
import type { TestDatabase } from '../src';

describe('TopologyChangeRepository', () => {
  let testDb: TestDatabase;
  let changes: TopologyChangeRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    changes = new TopologyChangeRepository(testDb.db);
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  it('creates a pending change with zero progress', async () => {
    const change = await changes.create({ type: 'add_node', nodeId: 'n4', params: { force: false }, epochBefore: 7n });
    expect(change).toMatchObject({
      type: 'add_node',
      state: 'pending',
      nodeId: 'n4',
      tenantId: null,
      params: { force: false },
      progress: { keysStreamed: 0, bytesStreamed: 0, totalKeys: null },
      error: null,
      epochBefore: 7n,
      startedAt: null,
      finishedAt: null,
    });
    expect(change.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await changes.get(change.id)).toEqual(change);
  });

  it('rejects an unknown change type', async () => {
    await expect(changes.create({ type: 'teleport' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      constraint: 'topology_changes_type_valid',
    });
  });

  it('throws MigrationNotFoundError for unknown and malformed ids', async () => {
    for (const id of ['6f1f7a52-3c1e-4d55-9a3e-0a6f1b9b9c11', 'not-a-uuid', '']) {
      const error = await changes.get(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationNotFoundError);
      expect(error).toMatchObject({ code: 'MIGRATION_NOT_FOUND' });
    }
    expect(await changes.find('not-a-uuid')).toBeUndefined();
    await expect(changes.setState('not-a-uuid', 'running')).rejects.toBeInstanceOf(MigrationNotFoundError);
    await expect(changes.updateProgress('6f1f7a52-3c1e-4d55-9a3e-0a6f1b9b9c11', { keysStreamed: 1 })).rejects.toBeInstanceOf(
      MigrationNotFoundError,
    );
  });

  it('stamps startedAt when running and finishedAt when completed', async () => {
    const change = await changes.create({ type: 'change_rf', tenantId: 'acme', params: { from: 3, to: 5 } });
    const running = await changes.setState(change.id, 'running');
    expect(running.state).toBe('running');
    expect(running.startedAt).toBeInstanceOf(Date);
    expect(running.finishedAt).toBeNull();
    // Resuming after a restart keeps the original start time.
    expect((await changes.setState(change.id, 'running')).startedAt).toEqual(running.startedAt);
    const done = await changes.setState(change.id, 'completed');
    expect(done).toMatchObject({ state: 'completed', startedAt: running.startedAt });
    expect(done.finishedAt).toBeInstanceOf(Date);
  });

  it('refuses to leave a terminal state or to complete a change that never ran', async () => {
    const change = await changes.create({ type: 'repair' });
    const error = await changes.setState(change.id, 'completed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStateTransitionError);
    expect(error).toMatchObject({ code: 'INVALID_STATE_TRANSITION', from: 'pending', to: 'completed' });
    await changes.setState(change.id, 'cancelled');
    for (const state of ['running', 'completed', 'failed', 'pending'] as const) {
      await expect(changes.setState(change.id, state)).rejects.toBeInstanceOf(InvalidStateTransitionError);
    }
    expect((await changes.get(change.id)).state).toBe('cancelled');
  });

  it('lets only one of two concurrent finishers succeed', async () => {
    const change = await changes.create({ type: 'remove_node', nodeId: 'n2' });
    await changes.setState(change.id, 'running');
    const results = await Promise.allSettled([
      changes.setState(change.id, 'completed'),
      changes.setState(change.id, 'cancelled'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('fails a change with its error message', async () => {
    const change = await changes.create({ type: 'add_node', nodeId: 'n5' });
    await changes.setState(change.id, 'running');
    const failed = await changes.fail(change.id, 'stream from n1 timed out');
    expect(failed).toMatchObject({ state: 'failed', error: 'stream from n1 timed out' });
    expect(failed.finishedAt).toBeInstanceOf(Date);
    await expect(changes.fail(change.id, 'again')).rejects.toBeInstanceOf(InvalidStateTransitionError);
  });

  it('merges progress: counters add up, total is replaced, concurrent reports are not lost', async () => {
    const change = await changes.create({ type: 'add_node', nodeId: 'n6' });
    await changes.setState(change.id, 'running');
    await changes.updateProgress(change.id, { totalKeys: 1000 });
    await Promise.all(
      Array.from({ length: 10 }, () => changes.updateProgress(change.id, { keysStreamed: 10, bytesStreamed: 2048 })),
    );
    const after = await changes.updateProgress(change.id, { keysStreamed: 5, totalKeys: 1200 });
    expect(after.progress).toEqual({ keysStreamed: 105, bytesStreamed: 20480, totalKeys: 1200 });
    expect((await changes.updateProgress(change.id, {})).progress.totalKeys).toBe(1200);
  });

  it('refuses progress reports after the change finished', async () => {
    const change = await changes.create({ type: 'repair' });
    await changes.setState(change.id, 'running');
    await changes.setState(change.id, 'completed');
    await expect(changes.updateProgress(change.id, { keysStreamed: 1 })).rejects.toBeInstanceOf(InvalidStateTransitionError);
  });

  it('lists newest first with filters, and active changes oldest first', async () => {
    const tenantId = 'list-tenant';
    const a = await changes.create({ type: 'delete_tenant', tenantId });
    const b = await changes.create({ type: 'change_rf', tenantId });
    const c = await changes.create({ type: 'change_rf', tenantId });
    await changes.setState(b.id, 'running');
    await changes.setState(c.id, 'cancelled');
    expect((await changes.list({ tenantId })).map((x) => x.id)).toEqual([c.id, b.id, a.id]);
    expect((await changes.list({ tenantId, limit: 2 })).map((x) => x.id)).toEqual([c.id, b.id]);
    expect((await changes.list({ tenantId, type: 'change_rf' })).map((x) => x.id)).toEqual([c.id, b.id]);
    expect((await changes.list({ tenantId, states: ['pending', 'running'] })).map((x) => x.id)).toEqual([b.id, a.id]);
    expect(await changes.list({ states: [] })).toEqual([]);
    const active = (await changes.listActive()).filter((x) => x.tenantId === tenantId).map((x) => x.id);
    expect(active).toEqual([a.id, b.id]);
    const all = await changes.list({ limit: 1000 });
    for (let i = 1; i < all.length; i++) {
      expect(all[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(all[i]!.createdAt.getTime());
    }
  });
});
