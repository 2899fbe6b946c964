import { createTestDatabase, HintRepository } from '../src';
import type { NewHint, TestDatabase } from '../src';

const MAX_U64 = (1n << 64n) - 1n;
const at = (minute: number): Date => new Date(Date.UTC(2030, 0, 1, 0, minute));

describe('HintRepository', () => {
  let testDb: TestDatabase;
  let hints: HintRepository;

  const hint = (targetNode: string, key: string, createdAt: Date, extra: Partial<NewHint> = {}): NewHint => ({
    targetNode,
    tenantId: 'acme',
    key,
    token: 42n,
    object: Buffer.from(`object:${key}`),
    createdAt,
    ...extra,
  });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    hints = new HintRepository(testDb.db);
  });
  afterAll(async () => {
    await testDb?.destroy();
  });
  beforeEach(async () => {
    await testDb.db.deleteFrom('hints').execute();
  });

  it('stores a hint and returns it intact, with a uint64 token at the extremes', async () => {
    const id = await hints.insert(hint('n1', 'k-max', at(0), { token: MAX_U64 }));
    await hints.insert(hint('n1', 'k-zero', at(1), { token: 0n }));
    await hints.insert(hint('n1', 'k-mid', at(2), { token: 1n << 63n }));
    expect(typeof id).toBe('bigint');
    const due = await hints.duePerTarget('n1', 10, at(10));
    expect(due.map((h) => h.token)).toEqual([MAX_U64, 0n, 1n << 63n]);
    expect(due[0]).toEqual({
      id,
      targetNode: 'n1',
      tenantId: 'acme',
      key: 'k-max',
      token: MAX_U64,
      object: Buffer.from('object:k-max'),
      createdAt: at(0),
      attempts: 0,
      nextAttemptAt: at(0),
    });
  });

  it('rejects a token outside uint64', async () => {
    await expect(hints.insert(hint('n1', 'k', at(0), { token: 1n << 64n }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      constraint: 'hints_token_uint64',
    });
  });

  it('inserts many hints atomically and returns ids in input order', async () => {
    const batch = Array.from({ length: 2500 }, (_, i) => hint(i % 2 ? 'n1' : 'n2', `k${i}`, at(i % 50)));
    const ids = await hints.insertMany(batch);
    expect(ids).toHaveLength(2500);
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(await hints.pendingCounts()).toEqual({ n1: 1250, n2: 1250 });
    expect(await hints.insertMany([])).toEqual([]);

    const bad = [...batch.slice(0, 1500), hint('n3', 'bad', at(0), { token: -1n })];
    await expect(hints.insertMany(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await hints.pendingCounts()).toEqual({ n1: 1250, n2: 1250 });
  });

  it('returns only due hints of one target, oldest first, up to the limit', async () => {
    await hints.insertMany([
      hint('n1', 'third', at(3)),
      hint('n1', 'first', at(1)),
      hint('n2', 'other-node', at(0)),
      hint('n1', 'future', at(1), { nextAttemptAt: at(30) }),
      hint('n1', 'second', at(2)),
    ]);
    expect((await hints.duePerTarget('n1', 10, at(5))).map((h) => h.key)).toEqual(['first', 'second', 'third']);
    expect((await hints.duePerTarget('n1', 2, at(5))).map((h) => h.key)).toEqual(['first', 'second']);
    expect((await hints.duePerTarget('n1', 10, at(2))).map((h) => h.key)).toEqual(['first', 'second']);
    expect((await hints.duePerTarget('n1', 10, at(30))).map((h) => h.key)).toEqual(['first', 'second', 'third', 'future']);
    expect(await hints.duePerTarget('n9', 10, at(30))).toEqual([]);
  });

  it('reschedules failed hints behind the others and counts attempts', async () => {
    const [a, b] = await hints.insertMany([hint('n1', 'a', at(1)), hint('n1', 'b', at(2))]);
    expect(await hints.reschedule([a!], at(10))).toBe(1);
    expect((await hints.duePerTarget('n1', 10, at(5))).map((h) => h.key)).toEqual(['b']);
    const due = await hints.duePerTarget('n1', 10, at(10));
    expect(due.map((h) => h.key)).toEqual(['b', 'a']);
    expect(due[1]).toMatchObject({ attempts: 1, nextAttemptAt: at(10), createdAt: at(1) });
    await hints.reschedule([a!, b!], at(20));
    expect((await hints.duePerTarget('n1', 10, at(20))).map((h) => h.attempts)).toEqual([2, 1]);
    expect(await hints.reschedule([], at(20))).toBe(0);
  });

  it('deletes delivered hints by id', async () => {
    const ids = await hints.insertMany([hint('n1', 'a', at(1)), hint('n1', 'b', at(2)), hint('n1', 'c', at(3))]);
    expect(await hints.delete([ids[0]!, ids[2]!, 999_999_999n])).toBe(2);
    expect((await hints.duePerTarget('n1', 10, at(9))).map((h) => h.key)).toEqual(['b']);
    expect(await hints.delete([])).toBe(0);
  });

  it('expires hints created before the cutoff and reports counts per target', async () => {
    await hints.insertMany([
      hint('n1', 'old1', at(0)),
      hint('n1', 'old2', at(1)),
      hint('n2', 'old3', at(2)),
      hint('n1', 'edge', at(5)),
      hint('n2', 'new', at(9)),
    ]);
    expect(await hints.expireOlderThan(at(5))).toEqual({ total: 3, perTarget: { n1: 2, n2: 1 } });
    expect(await hints.pendingCounts()).toEqual({ n1: 1, n2: 1 });
    expect(await hints.expireOlderThan(at(5))).toEqual({ total: 0, perTarget: {} });
  });

  it('reports pending counts and the oldest hint per target', async () => {
    expect(await hints.pendingCounts()).toEqual({});
    expect(await hints.oldestPerTarget()).toEqual({});
    await hints.insertMany([hint('n1', 'a', at(7)), hint('n1', 'b', at(3)), hint('n2', 'c', at(4))]);
    expect(await hints.pendingCounts()).toEqual({ n1: 2, n2: 1 });
    expect(await hints.oldestPerTarget()).toEqual({ n1: at(3), n2: at(4) });
  });

  it('deletes every hint of a tenant', async () => {
    await hints.insertMany([hint('n1', 'a', at(1)), hint('n2', 'b', at(1), { tenantId: 'other' })]);
    expect(await hints.deleteForTenant('acme')).toBe(1);
    expect(await hints.pendingCounts()).toEqual({ n2: 1 });
  });
});
