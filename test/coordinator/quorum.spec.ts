/**
 * The coordinator against real storage nodes: quorum writes and reads, node failures (SIGKILL,
 * SIGSTOP), hinted handoff, read repair, conflict policies, and clocks across coordinator
 * restarts. Talks to coordinators over gRPC and to each replica directly to see what it holds.
 */
import { status } from '@grpc/grpc-js';
import { createDatabase, HintRepository, TenantRepository } from '@ringkv/db';
import { coordinatorV1 } from '@ringkv/proto';
import { CoordinatorTestClient, StorageTestClient, text } from '../support/grpc-clients';
import { startTestCluster, TestCluster } from '../support/test-cluster';

const { CONSISTENCY_ONE: ONE, CONSISTENCY_QUORUM: QUORUM, CONSISTENCY_ALL: ALL } = coordinatorV1.Consistency;
const value = (s: string) => Buffer.from(JSON.stringify(s));

async function eventually<T>(probe: () => Promise<T>, accept: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe().catch(() => undefined as T);
    if (last !== undefined && accept(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

describe('coordinator quorum paths', () => {
  let cluster: TestCluster;
  let db: ReturnType<typeof createDatabase>;
  let c1: CoordinatorTestClient;
  let c2: CoordinatorTestClient;
  const nodes: Record<string, StorageTestClient> = {};

  const grpcPort = (name: string) => cluster.plan.find((p) => p.name === name)!.grpcPort!;

  beforeAll(async () => {
    cluster = await startTestCluster({ portBase: 21_100, gateway: false });
    db = createDatabase(cluster.databaseUrl);
    const tenants = new TenantRepository(db);
    await tenants.create({ id: 'acme', replicationFactor: 3 });
    await tenants.create({ id: 'sib', replicationFactor: 3, conflictPolicy: 'siblings' });
    c1 = new CoordinatorTestClient(grpcPort('coordinator-1'));
    c2 = new CoordinatorTestClient(grpcPort('coordinator-2'));
    for (const i of [1, 2, 3]) nodes[`node-${i}`] = new StorageTestClient(grpcPort(`storage-node-${i}`));
  });

  afterAll(async () => {
    c1?.close();
    c2?.close();
    Object.values(nodes).forEach((n) => n.close());
    await db?.destroy();
    await cluster?.destroy();
  });

  /** Restarts a process and waits until both coordinators serve ALL reads again (every node UP). */
  async function restart(name: string): Promise<void> {
    const proc = cluster.process(name);
    const fresh = cluster.supervisor.start(proc.spec);
    await cluster.supervisor.waitReady(fresh);
    await c1.put({ tenantId: 'acme', key: 'probe', value: value('p'), consistency: ONE });
    for (const client of [c1, c2]) {
      await eventually(() => client.get({ tenantId: 'acme', key: 'probe', consistency: ALL }), (r) => r.found, `${name} back in service`);
    }
  }

  it('writes, reads and deletes at QUORUM with RF=3, every replica holding the write', async () => {
    const put = await c1.put({ tenantId: 'acme', key: 'k1', value: value('v1'), consistency: QUORUM });
    expect(put.replicaCount).toBeGreaterThanOrEqual(2);
    expect(Object.keys(put.vectorClock)).toHaveLength(1);
    const read = await c2.get({ tenantId: 'acme', key: 'k1', consistency: QUORUM });
    expect(read.found).toBe(true);
    expect(text(read.value)).toBe('"v1"');
    await eventually(
      () => Promise.all(Object.values(nodes).map((n) => n.value('acme', 'k1'))),
      (values) => values.every((v) => v === '"v1"'),
      'all three replicas to hold k1',
    );
    const del = await c1.delete({ tenantId: 'acme', key: 'k1', context: read.context });
    expect(del.replicaCount).toBeGreaterThanOrEqual(2);
    expect((await c2.get({ tenantId: 'acme', key: 'k1', consistency: QUORUM })).found).toBe(false);
    await expect(c1.get({ tenantId: 'nobody', key: 'k1' })).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  it('acknowledges ALL only after every replica and ONE after the first', async () => {
    const all = await c1.put({ tenantId: 'acme', key: 'k-all', value: value('x'), consistency: ALL });
    expect(all.replicaCount).toBe(3);
    for (const n of Object.values(nodes)) expect(await n.value('acme', 'k-all')).toBe('"x"');
    const one = await c1.put({ tenantId: 'acme', key: 'k-one', value: value('y'), consistency: ONE });
    expect(one.replicaCount).toBeGreaterThanOrEqual(1);
    expect(text((await c1.get({ tenantId: 'acme', key: 'k-one', consistency: ONE })).value)).toBe('"y"');
  });

  it('keeps QUORUM working through a SIGKILLed node, hints the missed writes, and replays them when it returns', async () => {
    const victim = cluster.process('storage-node-3');
    await cluster.supervisor.stop(victim, 'SIGKILL');
    const keys = Array.from({ length: 20 }, (_, i) => `down-${i}`);
    for (const key of keys) {
      const put = await c1.put({ tenantId: 'acme', key, value: value(key), consistency: QUORUM });
      expect(put.replicaCount).toBe(2);
      expect(text((await c2.get({ tenantId: 'acme', key, consistency: QUORUM })).value)).toBe(JSON.stringify(key));
    }
    await expect(c1.put({ tenantId: 'acme', key: 'all-fails', value: value('z'), consistency: ALL })).rejects.toMatchObject({
      code: status.UNAVAILABLE,
      details: expect.stringContaining('required replicas'),
    });
    const hints = new HintRepository(db);
    expect((await hints.pendingCounts())['node-3']).toBeGreaterThanOrEqual(keys.length);
    const listed = await c1.listNodes();
    expect(listed.nodes.find((n) => n.nodeId === 'node-3')).toMatchObject({ liveness: 'DOWN', statsAvailable: false });
    expect(listed.nodes.find((n) => n.nodeId === 'node-1')).toMatchObject({ liveness: 'UP', statsAvailable: true });

    await restart('storage-node-3');
    await eventually(() => hints.pendingCounts(), (p) => (p['node-3'] ?? 0) === 0, 'hints for node-3 to be replayed');
    for (const key of keys) expect(await nodes['node-3']!.value('acme', key)).toBe(JSON.stringify(key));
  });

  it('answers within the deadline while a node hangs (SIGSTOP)', async () => {
    const hung = cluster.process('storage-node-2');
    hung.child.kill('SIGSTOP');
    try {
      for (let i = 0; i < 5; i++) {
        const put = await c1.put({ tenantId: 'acme', key: `stop-${i}`, value: value('s'), consistency: QUORUM });
        expect(put.replicaCount).toBeGreaterThanOrEqual(2);
        expect((await c1.get({ tenantId: 'acme', key: `stop-${i}`, consistency: QUORUM })).found).toBe(true);
      }
    } finally {
      hung.child.kill('SIGCONT');
    }
    // Once it runs again, both coordinators bring it back UP (ALL needs every replica).
    for (const client of [c1, c2]) {
      await eventually(() => client.get({ tenantId: 'acme', key: 'stop-0', consistency: ALL }), (r) => r.found, 'node-2 UP again');
    }
  });

  it('repairs a stale replica when a read finds it', async () => {
    await cluster.supervisor.stop(cluster.process('storage-node-1'), 'SIGKILL');
    await c1.put({ tenantId: 'acme', key: 'stale', value: value('new'), consistency: QUORUM });
    await db.deleteFrom('hints').where('target_node', '=', 'node-1').execute(); // no handoff: only a read can fix it
    await restart('storage-node-1');
    expect(await nodes['node-1']!.value('acme', 'stale')).toBeUndefined();
    await eventually(
      () => c2.get({ tenantId: 'acme', key: 'stale', consistency: ALL }),
      (r) => r.found,
      'an ALL read once node-1 is UP again',
    );
    await eventually(() => nodes['node-1']!.value('acme', 'stale'), (v) => v === '"new"', 'read repair of node-1');
  });

  it('keeps concurrent writes as siblings and resolves them with the merged context', async () => {
    await Promise.all([
      c1.put({ tenantId: 'sib', key: 'cart', value: value('a') }),
      c2.put({ tenantId: 'sib', key: 'cart', value: value('b') }),
    ]);
    const read = await c1.get({ tenantId: 'sib', key: 'cart', consistency: ALL });
    expect(read.siblings.map((s) => text(s.value)).sort()).toEqual(['"a"', '"b"']);
    expect(['"a"', '"b"']).toContain(text(read.value));
    await c2.put({ tenantId: 'sib', key: 'cart', value: value('a+b'), context: read.context, consistency: ALL });
    const resolved = await c1.get({ tenantId: 'sib', key: 'cart', consistency: ALL });
    expect(resolved.siblings).toEqual([]);
    expect(text(resolved.value)).toBe('"a+b"');
  });

  it('converges last-writer-wins tenants to one value on every replica', async () => {
    await Promise.all([
      c1.put({ tenantId: 'acme', key: 'lww', value: value('first'), consistency: ALL }),
      c2.put({ tenantId: 'acme', key: 'lww', value: value('second'), consistency: ALL }),
    ]);
    const read = await c1.get({ tenantId: 'acme', key: 'lww', consistency: ALL });
    expect(read.siblings).toEqual([]);
    const winner = text(read.value);
    await eventually(
      () => Promise.all(Object.values(nodes).map((n) => n.value('acme', 'lww'))),
      (values) => values.every((v) => v === winner),
      'every replica to agree on the winner',
    );
  });

  it('keeps clocks advancing across coordinator restarts (no lost update)', async () => {
    const first = await c1.put({ tenantId: 'acme', key: 'clock', value: value('1'), consistency: ALL });
    for (const name of ['coordinator-1', 'coordinator-2']) {
      await cluster.supervisor.stop(cluster.process(name), 'SIGTERM');
      await restart(name);
    }
    const read = await c1.get({ tenantId: 'acme', key: 'clock', consistency: ALL });
    const second = await c1.put({ tenantId: 'acme', key: 'clock', value: value('2'), context: read.context, consistency: ALL });
    const before = Object.values(first.vectorClock).reduce((a, b) => a + b, 0n);
    const after = Object.values(second.vectorClock).reduce((a, b) => a + b, 0n);
    expect(after).toBeGreaterThan(before);
    expect(text((await c2.get({ tenantId: 'acme', key: 'clock', consistency: ALL })).value)).toBe('"2"');
  });

  it('loses no acknowledged write when two coordinators write the same keys in parallel', async () => {
    const written = new Map<string, Set<string>>();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      const key = `race-${i % 4}`;
      const v = `w${i}`;
      const client = i % 2 === 0 ? c1 : c2;
      writes.push(
        client.put({ tenantId: 'sib', key, value: value(v), consistency: QUORUM }).then(() => {
          if (!written.has(key)) written.set(key, new Set());
          written.get(key)!.add(JSON.stringify(v));
        }),
      );
    }
    await Promise.all(writes);
    for (const [key, values] of written) {
      const read = await c1.get({ tenantId: 'sib', key, consistency: ALL });
      const seen = new Set(read.siblings.length > 0 ? read.siblings.map((s) => text(s.value)) : [text(read.value)]);
      expect([...values].filter((v) => !seen.has(v))).toEqual([]);
    }
  });
});
