import {
  FaultInjectingFileSystem,
  MemoryFileSystem,
  StorageEngine,
  WriteBatch,
  type CompactionFilterFn,
  type EngineOptions,
  type FileSystem,
} from '../src';
import { collect, unionReconcile, until } from './support';

const dir = '/db';
const s = (b: Buffer | undefined) => b?.toString();

async function openMem(fs: FileSystem = new MemoryFileSystem(), extra: Partial<EngineOptions> = {}) {
  const engine = await StorageEngine.open(dir, { fs, reconcile: unionReconcile, ...extra });
  return { fs, engine };
}

describe('StorageEngine', () => {
  it('puts, gets, deletes and merges', async () => {
    const { engine } = await openMem();
    await engine.put('a', '1');
    await engine.merge('a', 'x');
    await engine.merge('b', 'y');
    await engine.merge('b', 'z');
    await engine.put('c', '3');
    await engine.delete('c');
    expect(s(await engine.get('a'))).toBe('1,x');
    expect(s(await engine.get('b'))).toBe('y,z');
    expect(await engine.get('c')).toBeUndefined();
    expect(await engine.get('zz')).toBeUndefined();
    await engine.close();
  });

  it('applies a batch atomically with later ops seeing earlier ones', async () => {
    const { engine } = await openMem();
    await engine.write(new WriteBatch().put('k', 'a').merge('k', 'b').put('j', '1').delete('j'));
    expect(s(await engine.get('k'))).toBe('a,b');
    expect(await engine.get('j')).toBeUndefined();
    expect(engine.stats().sequence).toBe(4n);
    await engine.close();
  });

  it('rejects invalid keys and values with INVALID_ARGUMENT', async () => {
    const { engine } = await openMem(undefined, { maxValueBytes: 10 });
    await expect(engine.put('', 'x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.put('k', Buffer.alloc(11))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await engine.close();
    await expect(engine.get('k')).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(engine.put('k', 'v')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('reads merge operands across memtable and several tables', async () => {
    const { engine } = await openMem();
    await engine.put('k', 'base');
    await engine.flush();
    await engine.merge('k', 'm1');
    await engine.flush();
    await engine.merge('k', 'm2');
    expect(engine.stats().tables.length).toBe(2);
    expect(s(await engine.get('k'))).toBe('base,m1,m2');
    await engine.delete('k');
    await engine.flush();
    await engine.merge('k', 'fresh');
    expect(s(await engine.get('k'))).toBe('fresh');
    await engine.close();
  });

  it('scans in key order across memtables and tables, honoring ranges and tombstones', async () => {
    const { engine } = await openMem();
    for (const k of ['a', 'c', 'e', 'g']) await engine.put(k, `t-${k}`);
    await engine.flush();
    await engine.put('b', 'm-b');
    await engine.delete('e');
    await engine.merge('c', 'x');
    const all = await collect(engine.scan());
    expect(all.map((kv) => `${kv.key}=${kv.value}`)).toEqual(['a=t-a', 'b=m-b', 'c=t-c,x', 'g=t-g']);
    const some = await collect(engine.scan({ start: Buffer.from('b'), end: Buffer.from('g') }));
    expect(some.map((kv) => kv.key.toString())).toEqual(['b', 'c']);
    await engine.close();
  });

  it('survives close and reopen, flushed or not', async () => {
    const fs = new MemoryFileSystem();
    const a = await openMem(fs);
    await a.engine.put('flushed', '1');
    await a.engine.flush();
    await a.engine.put('logged', '2');
    await a.engine.close();
    const b = await openMem(fs);
    expect(s(await b.engine.get('flushed'))).toBe('1');
    expect(s(await b.engine.get('logged'))).toBe('2');
    expect(b.engine.stats().sequence).toBe(2n);
    await b.engine.put('after', '3');
    expect(b.engine.stats().sequence).toBe(3n);
    await b.engine.close();
  });

  it('replays only the unflushed commit log and deletes flushed segments', async () => {
    const fs = new MemoryFileSystem();
    const { engine } = await openMem(fs, { memtableBytes: 4096 });
    for (let i = 0; i < 200; i++) await engine.put(`key-${String(i).padStart(4, '0')}`, 'v'.repeat(50));
    await engine.flush();
    await engine.put('tail', 'x');
    const logs = (await fs.readdir(dir)).filter((n) => n.endsWith('.log'));
    expect(logs.length).toBe(1);
    const crashed = fs.crash();
    const again = await openMem(crashed, { memtableBytes: 4096 });
    expect(again.engine.recovery.recordsReplayed).toBe(1);
    expect(s(await again.engine.get('tail'))).toBe('x');
    expect(s(await again.engine.get('key-0123'))).toBe('v'.repeat(50));
    await again.engine.close();
  });

  it('switches memtables at the size threshold and flushes in the background', async () => {
    const { engine } = await openMem(undefined, { memtableBytes: 2048, compactionMinMergeWidth: 100, compactionMaxMergeWidth: 100, compactionMaxRuns: 1000 });
    for (let i = 0; i < 300; i++) await engine.put(`k${i}`, 'x'.repeat(40));
    await until(() => engine.stats().memtable.immutableCount === 0, 'flushes');
    expect(engine.stats().flushes.completed).toBeGreaterThan(3);
    for (let i = 0; i < 300; i += 37) expect(s(await engine.get(`k${i}`))).toBe('x'.repeat(40));
    await engine.close();
  });

  it('stalls writes (and counts it) when flushes fall behind, without failing them', async () => {
    const fs = new FaultInjectingFileSystem(new MemoryFileSystem());
    // Every table write fails for a while: immutable memtables pile up and writes must wait.
    const e = await StorageEngine.open(dir, {
      fs,
      reconcile: unionReconcile,
      memtableBytes: 1024,
      maxImmutableMemtables: 1,
      backgroundRetryMs: 5,
    });
    fs.inject({ op: 'openAppend', match: (p) => p.endsWith('.sst'), times: 3 });
    const writes = Array.from({ length: 60 }, (_, i) => e.put(`k${i}`, 'y'.repeat(60)));
    await Promise.all(writes);
    expect(e.stats().writes.stalls).toBeGreaterThan(0);
    expect(e.stats().flushes.failed).toBeGreaterThan(0);
    for (let i = 0; i < 60; i++) expect(s(await e.get(`k${i}`))).toBe('y'.repeat(60));
    await e.close();
  });

  it('compacts in the background and keeps every value readable', async () => {
    const { engine } = await openMem(undefined, { memtableBytes: 1024 });
    for (let i = 0; i < 400; i++) await engine.put(`k${i % 97}`, `v${i}`);
    await engine.flush();
    await until(() => !engine.stats().compactions.running && engine.stats().compactions.completed > 0, 'compaction');
    expect(engine.stats().tables.length).toBeLessThan(engine.stats().flushes.completed);
    for (let i = 303; i < 400; i++) expect(s(await engine.get(`k${i % 97}`))).toBe(`v${i}`);
    await engine.close();
  });

  it('compactRange drops tombstones and applies the filter at the bottom', async () => {
    const seen: { key: string; bottommost: boolean }[] = [];
    const filter: CompactionFilterFn = (key, value, ctx) => {
      seen.push({ key: key.toString(), bottommost: ctx.bottommost });
      if (value.toString() === 'expired') return { action: 'drop' };
      if (value.toString() === 'old') return { action: 'rewrite', value: Buffer.from('new') };
      return { action: 'keep' };
    };
    const { engine } = await openMem(undefined, { compactionFilter: filter });
    await engine.put('keep', 'v');
    await engine.put('gone', 'v');
    await engine.put('ttl', 'expired');
    await engine.put('up', 'old');
    await engine.flush();
    await engine.delete('gone');
    await engine.compactRange();
    const st = engine.stats();
    expect(st.tables.length).toBe(1);
    expect(st.tables[0].tombstoneCount).toBe(0);
    expect(st.tables[0].entryCount).toBe(2);
    expect(s(await engine.get('up'))).toBe('new');
    expect(await engine.get('ttl')).toBeUndefined();
    expect(await engine.get('gone')).toBeUndefined();
    expect(seen.every((x) => x.bottommost)).toBe(true);
    await engine.close();
  });

  it('deletes orphan tables left by a crash between table write and manifest update', async () => {
    const fs = new MemoryFileSystem();
    const { engine } = await openMem(fs);
    await engine.put('a', '1');
    await engine.close();
    const orphan = await fs.openAppend(`${dir}/000999.sst`);
    await orphan.append(Buffer.from('half a table'));
    await orphan.close();
    const again = await openMem(fs);
    expect(again.engine.recovery.orphansDeleted).toContain('000999.sst');
    expect(await fs.exists(`${dir}/000999.sst`)).toBe(false);
    expect(s(await again.engine.get('a'))).toBe('1');
    await again.engine.close();
  });

  it('opens over a stale MANIFEST.tmp left by a crash mid-rewrite', async () => {
    const fs = new MemoryFileSystem();
    const { engine } = await openMem(fs);
    await engine.put('a', '1');
    await engine.close();
    const tmp = await fs.openAppend(`${dir}/MANIFEST.tmp`);
    await tmp.append(Buffer.from('partial'));
    await tmp.close();
    const again = await openMem(fs);
    expect(s(await again.engine.get('a'))).toBe('1');
    expect(await fs.exists(`${dir}/MANIFEST.tmp`)).toBe(false);
    await again.engine.close();
  });

  it('keeps old tables live when a compaction fails, and retries later', async () => {
    const mem = new MemoryFileSystem();
    const fs = new FaultInjectingFileSystem(mem);
    const { engine } = await openMem(fs);
    for (let i = 0; i < 3; i++) {
      await engine.put(`k${i}`, `v${i}`);
      await engine.flush();
    }
    fs.inject({ op: 'rename', match: (p) => p.includes('MANIFEST') });
    await expect(engine.compactRange()).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(engine.stats().compactions.failed).toBe(1);
    for (let i = 0; i < 3; i++) expect(s(await engine.get(`k${i}`))).toBe(`v${i}`);
    await engine.compactRange();
    expect(engine.stats().tables.length).toBe(1);
    await engine.close();
    const again = await openMem(mem);
    for (let i = 0; i < 3; i++) expect(s(await again.engine.get(`k${i}`))).toBe(`v${i}`);
    await again.engine.close();
  });

  it('does not delete a compacted table while a scan still reads it', async () => {
    const { engine } = await openMem();
    for (let i = 0; i < 50; i++) await engine.put(`k${String(i).padStart(2, '0')}`, `v${i}`);
    await engine.flush();
    await engine.put('zz', 'last');
    await engine.flush();
    const it = engine.scan();
    const first = await it.next();
    expect(first.value?.key.toString()).toBe('k00');
    await engine.compactRange();
    const rest = await collect({ [Symbol.asyncIterator]: () => it });
    expect(rest.length).toBe(50);
    await engine.close();
  });

  it('becomes read-only after a failed commit-log fsync and recovers on reopen', async () => {
    const mem = new MemoryFileSystem();
    const fs = new FaultInjectingFileSystem(mem);
    const { engine } = await openMem(fs);
    await engine.put('ok', '1');
    fs.inject({ op: 'sync', match: (p) => p.endsWith('.log') });
    await expect(engine.put('bad', '2')).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(engine.put('later', '3')).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(engine.stats().readOnlyReason).toBeDefined();
    expect(s(await engine.get('ok'))).toBe('1');
    await engine.close();
    const again = await openMem(mem);
    expect(s(await again.engine.get('ok'))).toBe('1');
    expect(await again.engine.get('later')).toBeUndefined();
    await again.engine.close();
  });

  it('periodic sync mode acknowledges at once and makes writes durable within the period', async () => {
    const fs = new MemoryFileSystem();
    const { engine } = await openMem(fs, { syncMode: 'periodic', syncPeriodMs: 5 });
    await engine.put('k', 'v');
    expect(s(await engine.get('k'))).toBe('v');
    await until(() => engine.stats().commitLog.fsyncs > 0, 'periodic fsync');
    const after = fs.crash();
    const again = await openMem(after);
    expect(s(await again.engine.get('k'))).toBe('v');
    await again.engine.close();
  });

  it('group-commits concurrent writers into fewer fsyncs', async () => {
    const { engine } = await openMem();
    await Promise.all(Array.from({ length: 100 }, (_, i) => engine.put(`k${i}`, 'v')));
    const st = engine.stats();
    expect(st.writes.batches).toBe(100);
    expect(st.commitLog.fsyncs).toBeLessThan(10);
    await engine.close();
  });

  it('reports stats', async () => {
    const { engine } = await openMem();
    await engine.put('a', '1');
    await engine.flush();
    const st = engine.stats();
    expect(st.recovery.fresh).toBe(true);
    expect(st.writes.batches).toBe(1);
    expect(st.flushes.completed).toBe(1);
    expect(st.tableBytes).toBeGreaterThan(0);
    expect(st.cache.capacity).toBeGreaterThan(0);
    expect(st.commitLog.fsyncs).toBeGreaterThan(0);
    await engine.close();
  });
});
