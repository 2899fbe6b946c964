/**
 * The table worker from the engine's side: which path is chosen, and that a worker that dies
 * mid-flush surfaces as an engine error and loses nothing (the memtable stays readable, the
 * flush is retried on a new thread, and everything is there after a reopen).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FaultInjectingFileSystem, MemoryFileSystem, NodeFileSystem, StorageEngine, WriteBatch } from '../src';
import type { TableWorkerClient } from '../src/table-worker/table-worker-client';
import { collect, unionReconcile, until } from './support';

describe('table worker (engine)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ringkv-tw-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is used on the local disk, not on other file systems, and can be turned off', async () => {
    const onDisk = await StorageEngine.open(dir);
    await onDisk.put('a', '1');
    await onDisk.flush();
    expect(onDisk.stats().tableWorker).toMatchObject({ started: 1, jobs: 1 });
    await onDisk.close();

    const off = await StorageEngine.open(dir, { tableWorker: 'off' });
    await off.put('b', '2');
    await off.flush();
    expect(off.stats().tableWorker).toBeUndefined();
    expect(off.stats().tables.length).toBe(2);
    await off.close();

    const mem = await StorageEngine.open('/m', { fs: new MemoryFileSystem() });
    expect(mem.stats().tableWorker).toBeUndefined();
    await mem.close();
    await expect(StorageEngine.open('/m', { fs: new FaultInjectingFileSystem(new MemoryFileSystem()), tableWorker: 'on' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('turns a worker that dies mid-flush into a flush error, retries on a new thread, and loses nothing', async () => {
    const opts = { fs: new NodeFileSystem(), reconcile: unionReconcile, memtableBytes: 64 << 20, backgroundRetryMs: 20 };
    const engine = await StorageEngine.open(dir, opts);
    const worker = (engine as unknown as { tableWorker: TableWorkerClient }).tableWorker;
    for (let i = 0; i < 3000; i++) await engine.write(new WriteBatch().put(`k${i}`, `v${i}-${'x'.repeat(200)}`).merge('all', `t${i % 50}`));
    expect(engine.stats().flushes.completed).toBe(0);
    const flushing = engine.flush();
    await until(() => worker.stats().jobs > 0, 'flush job to start');
    await worker.kill();
    await expect(flushing).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(/table worker stopped/) });
    expect(engine.stats().flushes.failed).toBe(1);
    expect(engine.stats().lastBackgroundError).toMatch(/table worker stopped/);
    // Nothing was lost: the memtable still answers, and the retry lands on a new thread.
    expect((await engine.get('k1234'))?.toString()).toBe(`v1234-${'x'.repeat(200)}`);
    await until(() => engine.stats().flushes.completed === 1, 'flush retry', 10_000);
    expect(engine.stats().tableWorker).toMatchObject({ started: 2, failedJobs: 1 });
    expect(readdirSync(dir).filter((n) => n.endsWith('.sst')).length).toBe(1);
    await engine.close();

    const again = await StorageEngine.open(dir, opts);
    const all = await collect(again.scan());
    expect(all.length).toBe(3001);
    expect(all.find((kv) => kv.key.toString() === 'all')?.value.toString().split(',').length).toBe(50);
    await again.close();
  });
});
