/**
 * A storage node keeps every acknowledged write across a graceful restart (SIGTERM: drain,
 * flush, close) and across a crash (SIGKILL: commit-log replay), whether it was written over the
 * multiplexed Session or a unary call. Also: readiness, the node-id check and the data-directory
 * lock at startup.
 */
import { StorageNodeProcess, StorageNodeProcesses } from '../support/storage-node-process';
import { coordinate, coordinateRequest, get, openSession, SessionResult, stats, valuesOf } from '../support/storage-node-client';

const PORTS = { http: 15000, grpc: 15001 };

describe('storage node durability', () => {
  const nodes = new StorageNodeProcesses();
  afterEach(() => nodes.stopAll());

  const startNode = (dataDir: string, nodeId = 'node-1') =>
    nodes.start({ nodeId, dataDir, httpPort: PORTS.http, grpcPort: PORTS.grpc });

  async function expectAllReadable(node: StorageNodeProcess, acknowledged: Map<string, string>) {
    const missing: string[] = [];
    for (const [key, value] of acknowledged) {
      const values = valuesOf(await get(node, 'acme', key));
      if (!values?.includes(value)) missing.push(`${key}=${value} read ${JSON.stringify(values)}`);
    }
    expect(missing).toEqual([]);
  }

  it('reports ready only with the engine open, and keeps every acknowledged write across SIGTERM', async () => {
    const dataDir = nodes.dataDir();
    const node = await startNode(dataDir);
    const ready = (await (await fetch(`http://127.0.0.1:${PORTS.http}/health/ready`)).json()) as { checks: Record<string, string> };
    expect(ready.checks).toMatchObject({ engine: 'ok', grpc: 'ok' });

    const acknowledged = new Map<string, string>();
    const session = openSession(node);
    try {
      await Promise.all(
        Array.from({ length: 300 }, async (_, i) => {
          const result = await session.call({ $case: 'coordinate', value: coordinateRequest('acme', `s${i}`, `session-${i}`) }, 10_000);
          expect(result.$case).toBe('coordinate');
          acknowledged.set(`s${i}`, `session-${i}`);
        }),
      );
    } finally {
      session.close();
    }
    for (let i = 0; i < 20; i++) {
      await coordinate(node, coordinateRequest('acme', `u${i}`, `unary-${i}`));
      acknowledged.set(`u${i}`, `unary-${i}`);
    }

    expect(await nodes.stop(node, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(node.output()).toContain('storage engine flushed and closed');

    const restarted = await startNode(dataDir);
    await expectAllReadable(restarted, acknowledged);
    // A graceful stop flushed the memtable: nothing left to replay.
    expect(Number((await stats(restarted)).sstableCount)).toBeGreaterThan(0);
  });

  it('keeps every acknowledged write across SIGKILL in the middle of a write stream', async () => {
    const dataDir = nodes.dataDir();
    const node = await startNode(dataDir);
    const acknowledged = new Map<string, string>();
    const session = openSession(node);
    let stop = false;
    let next = 0;
    const writer = async () => {
      while (!stop) {
        const i = next++;
        try {
          const result: SessionResult = await session.call({ $case: 'coordinate', value: coordinateRequest('acme', `k${i}`, `v${i}`) }, 10_000);
          if (result.$case === 'coordinate') acknowledged.set(`k${i}`, `v${i}`);
        } catch {
          return; // the node died: this write's fate is unknown, and it was never acknowledged
        }
      }
    };
    const writers = Array.from({ length: 32 }, writer);
    while (acknowledged.size < 500) await new Promise((r) => setTimeout(r, 5));
    const killed = await nodes.stop(node, 'SIGKILL');
    stop = true;
    await Promise.all(writers);
    session.close();
    expect(killed.signal).toBe('SIGKILL');

    const restarted = await startNode(dataDir);
    expect(acknowledged.size).toBeGreaterThanOrEqual(500);
    await expectAllReadable(restarted, acknowledged);
  });

  it('refuses to start on data that belongs to another node id, naming both ids', async () => {
    const dataDir = nodes.dataDir();
    const node = await startNode(dataDir, 'node-1');
    await coordinate(node, coordinateRequest('acme', 'k', 'v'));
    await nodes.stop(node, 'SIGTERM');

    const impostor = nodes.spawn({ nodeId: 'node-2', dataDir, httpPort: PORTS.http, grpcPort: PORTS.grpc });
    const exit = await impostor.exit;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(impostor.output()).toMatch(/belongs to node "node-1" but RINGKV_NODE_ID is "node-2"/);
  });

  it('refuses to start a second node on a data directory in use, and the first keeps serving', async () => {
    const dataDir = nodes.dataDir();
    const node = await startNode(dataDir, 'node-1');
    await coordinate(node, coordinateRequest('acme', 'k', 'v'));

    const twin = nodes.spawn({ nodeId: 'node-1', dataDir, httpPort: PORTS.http + 2, grpcPort: PORTS.grpc + 2 });
    const exit = await twin.exit;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(twin.output()).toMatch(/is in use by process \d+/);
    expect(valuesOf(await get(node, 'acme', 'k'))).toEqual(['v']);
  });
});
