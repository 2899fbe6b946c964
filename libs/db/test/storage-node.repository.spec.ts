import {
  createTestDatabase,
  NodeExistsError,
  NodeNotFoundError,
  NodeStateConflictError,
  RingRepository,
  StorageNodeRepository,
} from '../src';
import type { TestDatabase } from '../src';

describe('StorageNodeRepository', () => {
  let testDb: TestDatabase;
  let nodes: StorageNodeRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    nodes = new StorageNodeRepository(testDb.db);
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  it('registers a node as JOINING with 128 virtual nodes by default', async () => {
    const node = await nodes.register({ id: 'node-1', host: '10.0.0.1', port: 50052 });
    expect(node).toMatchObject({ id: 'node-1', host: '10.0.0.1', port: 50052, state: 'JOINING', virtualNodes: 128 });
    expect(await nodes.get('node-1')).toEqual(node);
  });

  it('registers with an explicit state and vnode count', async () => {
    const node = await nodes.register({ id: 'node-2', host: '10.0.0.2', port: 50052, state: 'NORMAL', virtualNodes: 16 });
    expect(node).toMatchObject({ state: 'NORMAL', virtualNodes: 16 });
  });

  it('refuses a duplicate id with NodeExistsError', async () => {
    const error = await nodes.register({ id: 'node-1', host: '10.0.0.9', port: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExistsError);
    expect(error).toMatchObject({ code: 'NODE_EXISTS', nodeId: 'node-1' });
  });

  it('refuses a second live node on the same address, but allows reusing a REMOVED node’s address', async () => {
    await expect(nodes.register({ id: 'node-1b', host: '10.0.0.1', port: 50052 })).rejects.toMatchObject({
      code: 'NODE_EXISTS',
      message: expect.stringContaining('10.0.0.1:50052'),
    });
    await nodes.register({ id: 'old', host: '10.0.0.50', port: 7000 });
    await nodes.setState('old', 'REMOVED');
    expect((await nodes.register({ id: 'new', host: '10.0.0.50', port: 7000 })).state).toBe('JOINING');
  });

  it.each([
    [{ id: 'p0', host: 'h', port: 0 }, 'storage_nodes_port_range'],
    [{ id: 'p1', host: 'h', port: 65536 }, 'storage_nodes_port_range'],
    [{ id: 'v0', host: 'h', port: 1, virtualNodes: 0 }, 'storage_nodes_virtual_nodes_range'],
    [{ id: 'bad id', host: 'h', port: 1 }, 'storage_nodes_id_format'],
    [{ id: 'nohost', host: '', port: 1 }, 'storage_nodes_host_not_empty'],
  ])('rejects invalid config %j with INVALID_NODE_CONFIG', async (input, constraint) => {
    await expect(nodes.register(input)).rejects.toMatchObject({ code: 'INVALID_NODE_CONFIG', constraint });
  });

  it('get throws NodeNotFoundError for an unknown node', async () => {
    await expect(nodes.get('ghost')).rejects.toBeInstanceOf(NodeNotFoundError);
    await expect(nodes.get('ghost')).rejects.toMatchObject({ code: 'NODE_NOT_FOUND' });
    expect(await nodes.find('ghost')).toBeUndefined();
  });

  it('lists nodes ordered by id, optionally by state', async () => {
    await nodes.register({ id: 'list-b', host: 'lb', port: 1, state: 'LEAVING' });
    await nodes.register({ id: 'list-a', host: 'la', port: 1, state: 'LEAVING' });
    const all = (await nodes.list()).map((n) => n.id);
    expect(all).toEqual([...all].sort());
    expect((await nodes.list({ states: ['LEAVING'] })).map((n) => n.id)).toEqual(['list-a', 'list-b']);
    expect(await nodes.list({ states: [] })).toEqual([]);
  });

  it('moves a node through its states and bumps updated_at', async () => {
    const joined = await nodes.register({ id: 'walker', host: 'w', port: 1 });
    const normal = await nodes.setState('walker', 'NORMAL', 'JOINING');
    expect(normal.state).toBe('NORMAL');
    expect(normal.updatedAt.getTime()).toBeGreaterThanOrEqual(joined.updatedAt.getTime());
    expect((await nodes.setState('walker', 'LEAVING', ['NORMAL', 'JOINING'])).state).toBe('LEAVING');
    expect((await nodes.setState('walker', 'REMOVED')).state).toBe('REMOVED');
  });

  it('refuses a state change when the node is not in the expected state', async () => {
    await nodes.register({ id: 'cas', host: 'c', port: 1 });
    const error = await nodes.setState('cas', 'LEAVING', 'NORMAL').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeStateConflictError);
    expect(error).toMatchObject({ code: 'NODE_STATE_CONFLICT', actualState: 'JOINING', requestedState: 'LEAVING' });
    expect((await nodes.get('cas')).state).toBe('JOINING');
  });

  it('lets only one of two concurrent compare-and-set state changes win', async () => {
    await nodes.register({ id: 'cas2', host: 'c2', port: 1, state: 'NORMAL' });
    const results = await Promise.allSettled([
      nodes.setState('cas2', 'LEAVING', 'NORMAL'),
      nodes.setState('cas2', 'LEAVING', 'NORMAL'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('never moves a node out of REMOVED', async () => {
    await nodes.register({ id: 'dead', host: 'd', port: 1 });
    await nodes.setState('dead', 'REMOVED');
    await expect(nodes.setState('dead', 'NORMAL')).rejects.toBeInstanceOf(NodeStateConflictError);
    await expect(nodes.setState('ghost', 'NORMAL')).rejects.toBeInstanceOf(NodeNotFoundError);
  });

  it('rejects an unknown state through the CHECK constraint', async () => {
    await nodes.register({ id: 'weird', host: 'x', port: 1 });
    await expect(nodes.setState('weird', 'SLEEPING' as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      constraint: 'storage_nodes_state_valid',
    });
  });

  it('removes a node together with its ring tokens', async () => {
    await nodes.register({ id: 'removable', host: 'r', port: 1 });
    const ring = new RingRepository(testDb.db);
    await ring.replaceTokens('removable', [1n, 2n]);
    await nodes.remove('removable');
    expect(await nodes.find('removable')).toBeUndefined();
    expect(await ring.tokensOf('removable')).toEqual([]);
    await expect(nodes.remove('removable')).rejects.toBeInstanceOf(NodeNotFoundError);
  });
});
