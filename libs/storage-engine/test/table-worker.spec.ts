/**
 * The table worker from the engine's side: which path is chosen, and that a worker that dies
 * mid-flush surfaces as an engine error and loses nothing (the memtable stays readable, the
 * flush is retried on a new thread, and everything is there after a reopen).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  FaultInjectingFileSystem,
  MemoryFileSystem,
  NodeFileSystem,
  StorageEngine,
  WriteBatch,
} from '../src';
import type { TableWorkerClient } from '../src/table-worker/table-worker-client';
import { CONCAT_RULES_PATH } from './fixtures/concat-rules';
import { collect, unionReconcile, until } from './support';

/** An 8-byte key whose first four bytes are `n` (what the fixture's filter looks at). */
function numbered(n: number): Buffer {
  const key = Buffer.alloc(8);
  key.writeUInt32BE(n, 0);
  return key;
}

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
    await expect(
      StorageEngine.open('/m', {
        fs: new FaultInjectingFileSystem(new MemoryFileSystem()),
        tableWorker: 'on',
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('runs the rules of a rules module on the worker during compaction, and on the event loop for writes', async () => {
    const rulesModule = { path: CONCAT_RULES_PATH, config: { markThread: true } };
    for (const tableWorker of ['on', 'off'] as const) {
      const at = path.join(dir, tableWorker);
      const engine = await StorageEngine.open(at, { rulesModule, tableWorker });
      for (let round = 0; round < 2; round++) {
        const batch = new WriteBatch();
        for (let n = 1; n <= 40; n++) batch.merge(numbered(n), `r${round}`);
        await engine.write(batch);
        await engine.flush();
      }
      await engine.compactRange();
      const where = tableWorker === 'on' ? '@worker' : '@main';
      expect(await engine.get(numbered(7))).toBeUndefined(); // dropped by the filter
      expect((await engine.get(numbered(10)))?.toString()).toBe(`_+r0+r1${where}`); // rewritten where it ran
      expect((await engine.get(numbered(11)))?.toString()).toBe('_+r0+r1'); // merged by the module's reconcile
      await engine.close();
    }
    await expect(
      StorageEngine.open(path.join(dir, 'both'), { rulesModule, reconcile: unionReconcile }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('not both'),
    });
    await expect(
      StorageEngine.open(path.join(dir, 'bad'), { rulesModule: { path: path.join(dir, 'nope.js') } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('cannot be loaded'),
    });
  });

  it('turns a worker that dies mid-flush into a flush error, retries on a new thread, and loses nothing', async () => {
    const opts = {
      fs: new NodeFileSystem(),
      reconcile: unionReconcile,
      memtableBytes: 64 << 20,
      backgroundRetryMs: 20,
    };
    const engine = await StorageEngine.open(dir, opts);
    const worker = (engine as unknown as { tableWorker: TableWorkerClient }).tableWorker;
    for (let i = 0; i < 3000; i++)
      await engine.write(
        new WriteBatch().put(`k${i}`, `v${i}-${'x'.repeat(200)}`).merge('all', `t${i % 50}`),
      );
    expect(engine.stats().flushes.completed).toBe(0);
    const flushing = engine.flush();
    await until(() => worker.stats().jobs > 0, 'flush job to start');
    await worker.kill();
    await expect(flushing).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringMatching(/table worker stopped/),
    });
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
    expect(
      all
        .find((kv) => kv.key.toString() === 'all')
        ?.value.toString()
        .split(',').length,
    ).toBe(50);
    await again.close();
  });
});
