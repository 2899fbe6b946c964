/**
 * Bad input never reaches the engine: malformed tenant ids, keys, objects, contexts and ranges
 * are rejected with INVALID_ARGUMENT and the reason INVALID_REQUEST (as the `ringkv-reason`
 * trailer, and as SessionError.reason on a Session), and nothing is written. Also checks the
 * Stats and Health answers and the per-RPC metrics of a working node.
 */
import { status } from '@grpc/grpc-js';
import { encodeObject, makeClock } from '@ringkv/cluster';
import { SessionCallError } from '@ringkv/platform';
import { storageV1 } from '@ringkv/proto';
import { StorageNodeProcess, StorageNodeProcesses, unary } from '../support/storage-node-process';
import {
  apply,
  coordinate,
  coordinateRequest,
  failureOf,
  get,
  ingest,
  merkle,
  openSession,
  scanRange,
  stats,
} from '../support/storage-node-client';

const PORTS = { httpPort: 15060, grpcPort: 15061 };
const good = encodeObject({ versions: [{ clock: makeClock({ 'node-z': 1 }), value: Buffer.from('"z"'), writtenAt: 1, actor: 'node-z' }] });
const invalid = { code: status.INVALID_ARGUMENT, reason: 'INVALID_REQUEST' };

describe('storage node input validation', () => {
  const nodes = new StorageNodeProcesses();
  let node: StorageNodeProcess;
  beforeAll(async () => {
    node = await nodes.start({ nodeId: 'node-1', dataDir: nodes.dataDir(), ...PORTS });
  });
  afterAll(() => nodes.stopAll());

  const cases: Array<[string, () => Promise<unknown>]> = [
    ['Coordinate with an upper-case tenant id', () => coordinate(node, coordinateRequest('ACME', 'k', 'v'))],
    ['Coordinate with a 64-character tenant id', () => coordinate(node, coordinateRequest('a'.repeat(64), 'k', 'v'))],
    ['Coordinate with an empty key', () => coordinate(node, coordinateRequest('acme', '', 'v'))],
    ['Coordinate with a 1025-byte key', () => coordinate(node, coordinateRequest('acme', 'k'.repeat(1025), 'v'))],
    ['Coordinate with a garbage context', () => coordinate(node, coordinateRequest('acme', 'k', 'v', { context: Buffer.from([9, 9, 9]) }))],
    ['Apply with garbage object bytes', () => apply(node, { tenantId: 'acme', key: 'k', object: Buffer.from('not an object') })],
    ['Apply with an empty object', () => apply(node, { tenantId: 'acme', key: 'k', object: Buffer.alloc(0) })],
    ['Apply with a bad tenant id', () => apply(node, { tenantId: '-acme', key: 'k', object: good })],
    ['Get with a bad tenant id', () => get(node, 'acme!', 'k')],
    [
      'Ingest with one bad entry among good ones',
      () => ingest(node, [{ entries: [{ tenantId: 'acme', key: 'k', object: good }, { tenantId: 'acme', key: 'j', object: Buffer.from([1]) }] }]),
    ],
    ['MerkleTree deeper than allowed', () => merkle(node, { depth: 40 })],
    ['ScanRange with a cursor outside the range', () => scanRange(node, { start: 10n, end: 20n, cursor: Buffer.alloc(20, 0xff) })],
    [
      'GetMany with a bad key',
      () => unary<storageV1.GetManyResponse>((done) => node.client.getMany({ keys: [{ tenantId: 'acme', key: 'ok' }, { tenantId: 'acme', key: '' }] }, done)),
    ],
  ];

  it.each(cases)('rejects %s with INVALID_ARGUMENT / INVALID_REQUEST', async (_what, attempt) => {
    expect(await failureOf(attempt())).toMatchObject(invalid);
  });

  it('wrote nothing for any of them', async () => {
    expect((await scanRange(node, {})).flatMap((b) => b.entries)).toEqual([]);
  });

  it('rejects a bad operation inside a Session without disturbing the others on the stream', async () => {
    const session = openSession(node);
    try {
      const [bad, ok] = await Promise.allSettled([
        session.call({ $case: 'coordinate', value: coordinateRequest('acme', '', 'v') }, 5_000),
        session.call({ $case: 'coordinate', value: coordinateRequest('acme', 'fine', 'v') }, 5_000),
      ]);
      expect(bad.status).toBe('rejected');
      expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(SessionCallError);
      expect((bad as PromiseRejectedResult).reason).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'INVALID_REQUEST' });
      expect(ok.status).toBe('fulfilled');
    } finally {
      session.close();
    }
    expect((await scanRange(node, {})).flatMap((b) => b.entries).map((e) => e.key)).toEqual(['fine']);
  });

  it('answers Health and Stats, and exports per-RPC and engine metrics', async () => {
    await expect(unary<storageV1.HealthResponse>((done) => node.client.health({}, done))).resolves.toEqual({ nodeId: 'node-1', serving: true });
    const s = await stats(node);
    expect(s).toMatchObject({ nodeId: 'node-1', diskFull: false });
    expect(s.keysEstimate).toBeGreaterThanOrEqual(1n);
    expect(s.diskFreeBytes).toBeGreaterThan(0n);
    expect(s.diskBytes).toBeGreaterThan(0n);
    const metrics = await (await fetch(`http://127.0.0.1:${PORTS.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^ringkv_storage_rpc_duration_seconds_count\{method="Coordinate"\} \d+$/m);
    expect(metrics).toMatch(/^ringkv_storage_rpc_errors_total\{method="Apply",reason="INVALID_REQUEST"\} 3$/m);
    expect(metrics).toMatch(/^ringkv_storage_session_ops_total\{op="coordinate",outcome="ok"\} 1$/m);
    expect(metrics).toMatch(/^ringkv_storage_memtable_bytes\{state="active"\} \d+/m);
    expect(metrics).toMatch(/^ringkv_storage_commitlog_fsyncs_total \d+/m);
    expect(metrics).toMatch(/^ringkv_storage_commitlog_fsync_duration_seconds_count [1-9]\d*$/m);
    expect(metrics).toMatch(/^ringkv_storage_block_cache_hit_ratio \d/m);
  });
});
