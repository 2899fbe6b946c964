/**
 * The token-range API of a real storage node: ScanRange order and cursor resumption, Ingest
 * (streaming a range to another node), Merkle hashes across two nodes, DeleteRange, stale
 * Apply, and TTL / tombstone purging by compaction with a short gc grace.
 */
import { decodeObject, encodeClock, encodeObject, makeClock, mergedClock, storageKeyRangeForTokens, tokenOf } from '@ringkv/cluster';
import { StorageNodeProcess, StorageNodeProcesses } from '../support/storage-node-process';
import {
  apply,
  compact,
  coordinate,
  coordinateRequest,
  deleteRange,
  get,
  ingest,
  merkle,
  scanRange,
  stats,
  valuesOf,
} from '../support/storage-node-client';

const tokenCompare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

describe('storage node token-range API', () => {
  const nodes = new StorageNodeProcesses();
  let a: StorageNodeProcess;
  let b: StorageNodeProcess;

  beforeAll(async () => {
    // gc grace of 1 s so that the purge test need not wait long.
    const env = { RINGKV_GC_GRACE_SECONDS: '1' };
    [a, b] = await Promise.all([
      nodes.start({ nodeId: 'node-a', dataDir: nodes.dataDir(), httpPort: 15020, grpcPort: 15021, env }),
      nodes.start({ nodeId: 'node-b', dataDir: nodes.dataDir(), httpPort: 15022, grpcPort: 15023, env }),
    ]);
    for (let i = 0; i < 600; i++) await coordinate(a, coordinateRequest(i % 3 === 0 ? 'beta' : 'alpha', `key-${i}`, `value-${i}`));
  });
  afterAll(() => nodes.stopAll());

  it('scans the whole ring in token order, in batches, filtered by tenant', async () => {
    const batches = await scanRange(a, {});
    expect(batches.length).toBeGreaterThan(1);
    const entries = batches.flatMap((batch) => batch.entries);
    expect(entries).toHaveLength(600);
    const tokens = entries.map((e) => tokenOf(e.tenantId, e.key));
    expect([...tokens].sort(tokenCompare)).toEqual(tokens);
    expect(valuesOf({ found: true, object: entries[0]!.object })).toEqual([`value-${entries[0]!.key.slice(4)}`]);
    const beta = (await scanRange(a, { tenantId: 'beta' })).flatMap((batch) => batch.entries);
    expect(beta).toHaveLength(200);
    expect(beta.every((e) => e.tenantId === 'beta')).toBe(true);
  });

  it('returns only the tokens of (start, end], in ring order when the range wraps', async () => {
    const all = (await scanRange(a, {})).flatMap((batch) => batch.entries).map((e) => tokenOf(e.tenantId, e.key));
    const start = all[400]!;
    const end = all[100]!;
    const wrapped = (await scanRange(a, { start, end })).flatMap((batch) => batch.entries).map((e) => tokenOf(e.tenantId, e.key));
    expect(wrapped).toEqual([...all.slice(401), ...all.slice(0, 101)]);
    const inner = (await scanRange(a, { start: end, end: start })).flatMap((batch) => batch.entries).map((e) => tokenOf(e.tenantId, e.key));
    expect(inner).toEqual(all.slice(101, 401));
  });

  it('resumes a limited scan from its cursor without gaps or repeats, also across a wrapping range', async () => {
    const all = (await scanRange(a, {})).flatMap((batch) => batch.entries).map((e) => `${e.tenantId}/${e.key}`);
    const range = { start: tokenOf('alpha', 'key-1'), end: tokenOf('alpha', 'key-1') - 1n };
    expect(storageKeyRangeForTokens(range.start, range.end)).toHaveLength(2);
    const seen: string[] = [];
    let cursor = Buffer.alloc(0);
    for (let calls = 0; calls < 100; calls++) {
      const batches = await scanRange(a, { ...range, cursor, limit: 70 });
      const entries = batches.flatMap((batch) => batch.entries);
      seen.push(...entries.map((e) => `${e.tenantId}/${e.key}`));
      if (entries.length < 70) break;
      cursor = Buffer.from(batches.at(-1)!.cursor);
    }
    expect(new Set(seen).size).toBe(seen.length);
    // (t, t-1] is every token but t itself.
    expect([...seen].sort()).toEqual(all.filter((k) => k !== 'alpha/key-1').sort());
  });

  it('streams a range into another node with Ingest; then both hash equal, and one changed key changes one leaf', async () => {
    const batches = await scanRange(a, {});
    const response = await ingest(b, batches.map((batch) => ({ entries: batch.entries })));
    expect(Number(response.entries)).toBe(600);

    const [treeA, treeB] = await Promise.all([merkle(a, { depth: 6 }), merkle(b, { depth: 6 })]);
    expect(treeA.leaves).toHaveLength(64);
    expect(Number(treeA.keys)).toBe(600);
    expect(treeB.leaves).toEqual(treeA.leaves);

    await coordinate(b, coordinateRequest('alpha', 'key-1', 'changed on b'));
    const changed = await merkle(b, { depth: 6 });
    const differing = changed.leaves.map((leaf, i) => (Buffer.from(leaf).equals(Buffer.from(treeA.leaves[i]!)) ? -1 : i)).filter((i) => i >= 0);
    expect(differing).toHaveLength(1);
    // Per-tenant trees: beta did not change.
    const [betaA, betaB] = await Promise.all([merkle(a, { tenantId: 'beta' }), merkle(b, { tenantId: 'beta' })]);
    expect(betaB.leaves).toEqual(betaA.leaves);
  });

  it('ignores a stale Apply and takes a newer one', async () => {
    const first = await coordinate(a, coordinateRequest('alpha', 'stale', 'old'));
    await coordinate(a, coordinateRequest('alpha', 'stale', 'new', { context: clockBytes(first.object) }));
    await apply(a, { tenantId: 'alpha', key: 'stale', object: first.object });
    expect(valuesOf(await get(a, 'alpha', 'stale'))).toEqual(['new']);

    const newer = encodeObject({
      versions: [{ clock: makeClock({ 'node-a': 9 }), value: Buffer.from('"newest"'), writtenAt: Date.now(), actor: 'node-a' }],
    });
    await apply(a, { tenantId: 'alpha', key: 'stale', object: newer });
    expect(valuesOf(await get(a, 'alpha', 'stale'))).toEqual(['newest']);
  });

  it('expires TTL values and purges tombstones past gc grace when compaction runs', async () => {
    await coordinate(a, coordinateRequest('gc', 'short-lived', 'soon gone', { ttlSeconds: 1 }));
    const doomed = await coordinate(a, coordinateRequest('gc', 'deleted', 'x'));
    await coordinate(a, coordinateRequest('gc', 'deleted', '', { tombstone: true, context: clockBytes(doomed.object) }));
    await coordinate(a, coordinateRequest('gc', 'kept', 'stays'));
    expect(valuesOf(await get(a, 'gc', 'short-lived'))).toEqual(['soon gone']);
    expect(valuesOf(await get(a, 'gc', 'deleted'))).toEqual([null]);

    // Past the TTL: the value reads as absent (a tombstone); past TTL + grace: compaction purges both.
    await new Promise((r) => setTimeout(r, 2_300));
    expect(valuesOf(await get(a, 'gc', 'short-lived'))).toEqual([null]);
    await compact(a);
    expect((await get(a, 'gc', 'short-lived')).found).toBe(false);
    expect((await get(a, 'gc', 'deleted')).found).toBe(false);
    expect(valuesOf(await get(a, 'gc', 'kept'))).toEqual(['stays']);
    expect((await stats(a)).sstableCount).toBe(1);
  });

  it('deletes one tenant of a range and reports how many', async () => {
    const before = (await scanRange(b, { tenantId: 'beta' })).flatMap((batch) => batch.entries).length;
    expect(before).toBe(200);
    expect(Number((await deleteRange(b, { tenantId: 'beta' })).deleted)).toBe(200);
    expect((await scanRange(b, { tenantId: 'beta' })).flatMap((batch) => batch.entries)).toHaveLength(0);
    expect((await scanRange(b, { tenantId: 'alpha' })).flatMap((batch) => batch.entries)).toHaveLength(400);
  });
});

function clockBytes(object: Uint8Array): Buffer {
  return encodeClock(mergedClock(decodeObject(object)));
}
