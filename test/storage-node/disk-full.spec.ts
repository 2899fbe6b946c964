/**
 * Disk pressure on a real node: with a free-space floor above the disk's free space, every write
 * path (Coordinate, Apply, Ingest; unary and Session) fails with RESOURCE_EXHAUSTED / DISK_FULL
 * and writes nothing, while reads keep working and the node stays ready. (Recovery when space
 * returns, and ENOSPC from the engine, are covered in-process: store/disk-pressure.spec.ts.)
 */
import { status } from '@grpc/grpc-js';
import { encodeObject, makeClock } from '@ringkv/cluster';
import { SessionCallError } from '@ringkv/platform';
import { StorageNodeProcesses } from '../support/storage-node-process';
import { apply, coordinate, coordinateRequest, failureOf, get, ingest, openSession, stats, valuesOf } from '../support/storage-node-client';

const PORTS = { httpPort: 15040, grpcPort: 15041 };
const object = encodeObject({ versions: [{ clock: makeClock({ 'node-z': 1 }), value: Buffer.from('"z"'), writtenAt: 1, actor: 'node-z' }] });

describe('storage node below its free-disk floor', () => {
  const nodes = new StorageNodeProcesses();
  afterAll(() => nodes.stopAll());

  it('refuses writes with DISK_FULL, keeps serving reads, and stays ready', async () => {
    const dataDir = nodes.dataDir();
    const first = await nodes.start({ nodeId: 'node-1', dataDir, ...PORTS });
    await coordinate(first, coordinateRequest('acme', 'before', 'written with room to spare'));
    await nodes.stop(first, 'SIGTERM');

    const node = await nodes.start({
      nodeId: 'node-1',
      dataDir,
      ...PORTS,
      env: { RINGKV_MIN_FREE_DISK_BYTES: String(Number.MAX_SAFE_INTEGER) },
    });
    const diskFull = { code: status.RESOURCE_EXHAUSTED, reason: 'DISK_FULL' };
    expect(await failureOf(coordinate(node, coordinateRequest('acme', 'new', 'x')))).toMatchObject(diskFull);
    expect(await failureOf(apply(node, { tenantId: 'acme', key: 'new', object }))).toMatchObject(diskFull);
    expect(await failureOf(ingest(node, [{ entries: [{ tenantId: 'acme', key: 'new', object }] }]))).toMatchObject(diskFull);

    const session = openSession(node);
    try {
      const error = await session.call({ $case: 'apply', value: { tenantId: 'acme', key: 'new', object } }, 5_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionCallError);
      expect(error).toMatchObject({ code: status.RESOURCE_EXHAUSTED, reason: 'DISK_FULL' });
      const read = await session.call({ $case: 'get', value: { tenantId: 'acme', key: 'before' } }, 5_000);
      expect(read.$case === 'get' && valuesOf(read.value)).toEqual(['written with room to spare']);
    } finally {
      session.close();
    }

    expect(valuesOf(await get(node, 'acme', 'before'))).toEqual(['written with room to spare']);
    expect((await get(node, 'acme', 'new')).found).toBe(false);
    expect((await stats(node)).diskFull).toBe(true);
    expect((await fetch(`http://127.0.0.1:${PORTS.httpPort}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${PORTS.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^ringkv_storage_disk_full 1$/m);
    expect(metrics).toMatch(/^ringkv_storage_rpc_errors_total\{method="Coordinate",reason="DISK_FULL"\} 1$/m);
    expect(metrics).toMatch(/^ringkv_storage_session_op_errors_total\{op="apply",reason="DISK_FULL"\} 1$/m);
  });
});
