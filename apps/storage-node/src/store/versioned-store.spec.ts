import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLive, MAX_TOKEN } from '@ringkv/cluster';
import { StoreError } from './store-error';
import {
  contextOf,
  coordinateInput,
  objectBytes,
  objectOf,
  openDiskStore,
  openTestStore,
  TestStore,
  valuesOf,
} from '../../test/store-fixtures';

const everything = { start: MAX_TOKEN, end: MAX_TOKEN, tenantId: '', cursor: Buffer.alloc(0) };

async function scanAll(t: TestStore, tenantId = '') {
  const out: string[] = [];
  for await (const e of t.store.scan({ ...everything, tenantId })) out.push(`${e.tenantId}/${e.key}`);
  return out;
}

describe('VersionedStore', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.store.close());

  describe('Coordinate', () => {
    it("creates a version whose clock increments this node's actor, superseding what the context covers", async () => {
      const first = await t.store.coordinate(coordinateInput({ value: '"one"' }));
      expect(objectOf(first).versions.map((v) => v.clock)).toEqual([{ 'node-a': 1 }]);
      const second = await t.store.coordinate(coordinateInput({ value: '"two"', context: contextOf(first) }));
      expect(objectOf(second).versions.map((v) => [v.clock, v.actor])).toEqual([[{ 'node-a': 2 }, 'node-a']]);
      expect(valuesOf(await t.store.get('acme', 'k'))).toEqual(['"two"']);
    });

    it('keeps a version from another node that the context does not cover as a sibling', async () => {
      await t.store.apply(
        'acme',
        'k',
        objectBytes([{ clock: { 'node-b': 1 }, value: Buffer.from('"theirs"') }]),
      );
      const result = await t.store.coordinate(coordinateInput({ value: '"ours"' }));
      expect(valuesOf(result).sort()).toEqual(['"ours"', '"theirs"']);
    });

    it('with supersede_existing, collapses every stored sibling into the new version', async () => {
      await t.store.apply('acme', 'k', objectBytes([{ clock: { 'node-b': 1 }, value: Buffer.from('"b"') }]));
      await t.store.apply('acme', 'k', objectBytes([{ clock: { 'node-c': 1 }, value: Buffer.from('"c"') }]));
      expect(valuesOf(await t.store.get('acme', 'k'))).toHaveLength(2);
      const result = await t.store.coordinate(coordinateInput({ value: '"final"', supersedeExisting: true }));
      expect(objectOf(result).versions.map((v) => v.clock)).toEqual([
        { 'node-a': 1, 'node-b': 1, 'node-c': 1 },
      ]);
      expect(valuesOf(await t.store.get('acme', 'k'))).toEqual(['"final"']);
    });

    it('gives concurrent Coordinates of one key distinct counters (none lost)', async () => {
      const writes = Array.from({ length: 25 }, (_, i) =>
        t.store.coordinate(coordinateInput({ value: `"w${i}"` })),
      );
      const results = await Promise.all(writes);
      const counters = results.map((bytes, i) => {
        const mine = objectOf(bytes).versions.find(
          (v) => Buffer.from(v.value ?? []).toString() === `"w${i}"`,
        );
        return mine!.clock['node-a'];
      });
      expect(new Set(counters).size).toBe(25);
      expect([...counters].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    it('runs Coordinates of different keys independently', async () => {
      const results = await Promise.all(
        ['a', 'b', 'c'].map((key) => t.store.coordinate(coordinateInput({ key }))),
      );
      expect(results.map((r) => objectOf(r).versions[0]!.clock)).toEqual([
        { 'node-a': 1 },
        { 'node-a': 1 },
        { 'node-a': 1 },
      ]);
    });

    it('writes a tombstone for a delete, which reads back as a tombstone version', async () => {
      const first = await t.store.coordinate(coordinateInput());
      await t.store.coordinate(coordinateInput({ tombstone: true, context: contextOf(first) }));
      const stored = objectOf(await t.store.get('acme', 'k'));
      expect(stored.versions).toHaveLength(1);
      expect(stored.versions[0]!.value).toBeNull();
      expect(stored.versions[0]!.clock).toEqual({ 'node-a': 2 });
    });

    it('reads a version past its TTL as absent (a tombstone keeping its clock)', async () => {
      await t.store.coordinate(coordinateInput({ ttlSeconds: 10 }));
      t.clock.now += 5_000;
      expect(
        objectOf(await t.store.get('acme', 'k')).versions.filter((v) => isLive(v, t.clock.now)),
      ).toHaveLength(1);
      t.clock.now += 6_000;
      const expired = objectOf(await t.store.get('acme', 'k'));
      expect(expired.versions.map((v) => [v.value, v.clock])).toEqual([[null, { 'node-a': 1 }]]);
    });
  });

  describe('Apply', () => {
    it('ignores a stale object: a newer stored version is never overwritten', async () => {
      const first = await t.store.coordinate(coordinateInput({ value: '"old"' }));
      await t.store.coordinate(coordinateInput({ value: '"new"', context: contextOf(first) }));
      await t.store.apply('acme', 'k', first);
      expect(valuesOf(await t.store.get('acme', 'k'))).toEqual(['"new"']);
    });

    it('replaces an older stored version with a newer one', async () => {
      await t.store.apply('acme', 'k', objectBytes([{ clock: { 'node-b': 1 }, value: Buffer.from('"1"') }]));
      await t.store.apply('acme', 'k', objectBytes([{ clock: { 'node-b': 2 }, value: Buffer.from('"2"') }]));
      expect(valuesOf(await t.store.get('acme', 'k'))).toEqual(['"2"']);
    });

    it('ingests many objects at once, validating all of them before writing any', async () => {
      const good = objectBytes([{ clock: { 'node-b': 1 } }]);
      await expect(
        t.store.ingest([
          { tenantId: 'acme', key: 'a', object: good },
          { tenantId: 'acme', key: 'b', object: Buffer.from([1, 2, 3]) },
        ]),
      ).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('entry 1') });
      expect(await scanAll(t)).toEqual([]);
      await expect(t.store.ingest([{ tenantId: 'acme', key: 'a', object: good }])).resolves.toMatchObject({
        entries: 1,
      });
      expect(await scanAll(t)).toEqual(['acme/a']);
    });
  });

  describe('validation', () => {
    const invalid: Array<[string, () => Promise<unknown>]> = [
      ['an upper-case tenant id', () => t.store.coordinate(coordinateInput({ tenantId: 'Acme' }))],
      ['an empty tenant id', () => t.store.apply('', 'k', objectBytes([{ clock: { 'node-x': 1 } }]))],
      [
        'a tenant id of 64 characters',
        () => t.store.coordinate(coordinateInput({ tenantId: 'a'.repeat(64) })),
      ],
      ['an empty key', () => t.store.coordinate(coordinateInput({ key: '' }))],
      [
        'a key of 1025 UTF-8 bytes',
        () => t.store.coordinate(coordinateInput({ key: 'é'.repeat(512) + 'x' })),
      ],
      ['a key with a lone surrogate', () => t.store.coordinate(coordinateInput({ key: 'a\uD800b' }))],
      ['malformed object bytes', () => t.store.apply('acme', 'k', Buffer.from([1, 1, 0xff]))],
      ['empty object bytes', () => t.store.apply('acme', 'k', Buffer.alloc(0))],
      ['a malformed context', () => t.store.coordinate(coordinateInput({ context: Buffer.from([5, 0]) }))],
    ];
    it.each(invalid)('rejects %s with INVALID_REQUEST and writes nothing', async (_what, attempt) => {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
      expect(await scanAll(t)).toEqual([]);
    });

    it('accepts a key of exactly 1024 UTF-8 bytes', async () => {
      const key = 'é'.repeat(512);
      await t.store.coordinate(coordinateInput({ key }));
      expect(await t.store.get('acme', key)).toBeDefined();
    });
  });

  describe('token ranges', () => {
    it('scans in token order, filters by tenant, and resumes after a cursor', async () => {
      for (let i = 0; i < 30; i++)
        await t.store.coordinate(coordinateInput({ tenantId: i % 2 ? 'odd' : 'even', key: `k${i}` }));
      const all: Buffer[] = [];
      for await (const e of t.store.scan(everything)) all.push(e.storageKey);
      expect(all).toHaveLength(30);
      const tokens = all.map((k) => k.readBigUInt64BE(0));
      expect([...tokens].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(tokens);
      expect(await scanAll(t, 'odd')).toHaveLength(15);

      const resumed: Buffer[] = [];
      for await (const e of t.store.scan({ ...everything, cursor: all[9]! })) resumed.push(e.storageKey);
      expect(resumed).toEqual(all.slice(10));
    });

    it('hashes equal data equally and a changed key differently', async () => {
      const other = await openTestStore({ nodeId: 'node-z' });
      try {
        for (let i = 0; i < 20; i++) {
          const object = objectBytes([
            { clock: { 'node-b': 1 }, writtenAt: 1, value: Buffer.from(`"${i}"`) },
          ]);
          await t.store.apply('acme', `k${i}`, object);
          await other.store.apply('acme', `k${i}`, object);
        }
        const range = { start: MAX_TOKEN, end: MAX_TOKEN, tenantId: 'acme', depth: 4 };
        const a = await t.store.merkleTree(range);
        const b = await other.store.merkleTree(range);
        expect(a.keys).toBe(20);
        expect(a.leaves).toEqual(b.leaves);
        await other.store.apply('acme', 'k7', objectBytes([{ clock: { 'node-b': 2 }, writtenAt: 1 }]));
        const changed = await other.store.merkleTree(range);
        const differing = changed.leaves.filter((leaf, i) => !leaf.equals(a.leaves[i]!));
        expect(differing).toHaveLength(1);
      } finally {
        await other.store.close();
      }
    });

    it('deletes a range for one tenant only', async () => {
      for (let i = 0; i < 10; i++) {
        await t.store.coordinate(coordinateInput({ tenantId: 'gone', key: `k${i}` }));
        await t.store.coordinate(coordinateInput({ tenantId: 'kept', key: `k${i}` }));
      }
      await expect(t.store.deleteRange({ start: MAX_TOKEN, end: MAX_TOKEN, tenantId: 'gone' })).resolves.toBe(
        10,
      );
      expect(await scanAll(t, 'gone')).toEqual([]);
      expect(await scanAll(t, 'kept')).toHaveLength(10);
    });
  });
});

describe('VersionedStore compaction', () => {
  it('purges a tombstone once gc grace has passed, and keeps it before', async () => {
    const keep = await openTestStore({ gcGraceMs: 3_600_000 });
    const purge = await openTestStore({ gcGraceMs: 0 });
    try {
      for (const t of [keep, purge]) {
        const first = await t.store.coordinate(coordinateInput());
        await t.store.coordinate(coordinateInput({ tombstone: true, context: contextOf(first) }));
        await t.store.compact();
      }
      expect(valuesOf(await keep.store.get('acme', 'k'))).toEqual([null]);
      expect(await purge.store.get('acme', 'k')).toBeUndefined();
    } finally {
      await keep.store.close();
      await purge.store.close();
    }
  });

  it('purges and merges the same way on the table worker, which loads the storage rules itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringkv-store-worker-'));
    const store = await openDiskStore(dir, { gcGraceMs: 0 });
    try {
      const first = await store.coordinate(coordinateInput({ key: 'gone' }));
      await store.coordinate(coordinateInput({ key: 'gone', tombstone: true, context: contextOf(first) }));
      // Two concurrent versions of one key, from two replicas: both must survive as siblings.
      await store.coordinate(coordinateInput({ key: 'both', value: 'a' }));
      await store.compact(); // one table
      await store.ingest([
        {
          tenantId: 'acme',
          key: 'both',
          object: objectBytes([{ clock: { 'node-b': 1 }, value: Buffer.from('b') }]),
        },
      ]);
      await store.compact(); // a second table, merged with the first on the worker
      expect((await store.stats()).engine.tableWorker).toMatchObject({ failedJobs: 0 });
      expect((await store.stats()).engine.tableWorker?.jobs).toBeGreaterThanOrEqual(2);
      expect(await store.get('acme', 'gone')).toBeUndefined();
      expect(valuesOf(await store.get('acme', 'both')).sort()).toEqual(['a', 'b']);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
