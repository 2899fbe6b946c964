/**
 * Randomized model test: thousands of random put/delete/merge batches checked against an
 * in-memory Map, across background flushes, compactions, explicit compactRange and reopenings.
 * Runs twice: on the memory file system (tables built on the event loop) and on the local disk
 * (tables built and compacted by the table worker thread, merges resolved back on the engine's
 * thread). Seeded: a failure message names the seed and the op index, so it reproduces exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MemoryFileSystem, NodeFileSystem, StorageEngine, WriteBatch, type EngineOptions, type FileSystem } from '../src';
import { collect, seededRandom, unionReconcile, unionTokens } from './support';

const OPS = 2500;

function options(fs: FileSystem): Partial<EngineOptions> {
  return {
    fs,
    reconcile: unionReconcile,
    memtableBytes: 3000,
    maxImmutableMemtables: 2,
    commitLogSegmentBytes: 2048,
    compactionMinMergeWidth: 3,
  };
}

interface Variant {
  name: string;
  seeds: number[];
  setup(): { fs: FileSystem; dir: string; cleanup(): void };
  worker: boolean;
}

const variants: Variant[] = [
  { name: 'memory file system, inline table builds', seeds: [1, 2, 3, 4], worker: false, setup: () => ({ fs: new MemoryFileSystem(), dir: '/model', cleanup: () => undefined }) },
  {
    name: 'local disk, table worker',
    seeds: [5, 6],
    worker: true,
    setup: () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'ringkv-model-'));
      return { fs: new NodeFileSystem(), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];

describe.each(variants)('randomized model test ($name)', (variant) => {
  it.each(variant.seeds)('seed %i matches a Map model', async (seed) => {
    const rnd = seededRandom(seed);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const keys = Array.from({ length: 150 }, (_, i) => `key-${(i * 7919) % 1000}`);
    const model = new Map<string, string>();
    const { fs, dir, cleanup } = variant.setup();
    let engine = await StorageEngine.open(dir, options(fs));
    let workerJobs = 0;
    let inflight: Promise<void>[] = [];
    let flushes = 0;
    let compactions = 0;
    const where = (i: number) => `seed ${seed} op ${i}`;

    const checkAll = async (i: number) => {
      const scanned = (await collect(engine.scan())).map((kv) => [kv.key.toString(), kv.value.toString()]);
      const expected = [...model.entries()].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
      expect({ at: where(i), scanned }).toEqual({ at: where(i), scanned: expected });
    };

    for (let i = 0; i < OPS; i++) {
      const r = rnd();
      if (r < 0.8) {
        const batch = new WriteBatch();
        const n = 1 + Math.floor(rnd() * 4);
        for (let j = 0; j < n; j++) {
          const k = pick(keys);
          const t = rnd();
          if (t < 0.45) {
            const v = `p${i}.${j}`;
            batch.put(k, v);
            model.set(k, v);
          } else if (t < 0.65) {
            batch.delete(k);
            model.delete(k);
          } else {
            const v = `m${Math.floor(rnd() * 40)}`;
            batch.merge(k, v);
            model.set(k, unionTokens(model.get(k), v));
          }
        }
        inflight.push(engine.write(batch));
        if (inflight.length >= 8 || rnd() < 0.3) {
          await Promise.all(inflight);
          inflight = [];
        }
      } else if (r < 0.95) {
        // Reads check acknowledged state: a stalled write is legitimately not visible yet.
        await Promise.all(inflight);
        inflight = [];
        const k = pick(keys);
        const got = (await engine.get(k))?.toString();
        expect({ at: where(i), k, got }).toEqual({ at: where(i), k, got: model.get(k) });
      } else if (r < 0.97) {
        await Promise.all(inflight);
        inflight = [];
        const start = pick(keys);
        const end = pick(keys);
        const got = (await collect(engine.scan({ start: Buffer.from(start), end: Buffer.from(end) }))).map((kv) => kv.key.toString());
        const expected = [...model.keys()]
          .filter((k) => Buffer.compare(Buffer.from(k), Buffer.from(start)) >= 0 && Buffer.compare(Buffer.from(k), Buffer.from(end)) < 0)
          .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect({ at: where(i), got }).toEqual({ at: where(i), got: expected });
      } else if (r < 0.98) {
        await Promise.all(inflight);
        inflight = [];
        await engine.flush();
      } else if (r < 0.985) {
        await Promise.all(inflight);
        inflight = [];
        await engine.compactRange();
        await checkAll(i);
      } else if (r < 0.995) {
        await Promise.all(inflight);
        inflight = [];
        flushes += engine.stats().flushes.completed;
        compactions += engine.stats().compactions.completed;
        workerJobs += engine.stats().tableWorker?.jobs ?? 0;
        await engine.close();
        engine = await StorageEngine.open(dir, options(fs));
        await checkAll(i);
      }
    }
    await Promise.all(inflight);
    await checkAll(OPS);
    const st = engine.stats();
    expect(flushes + st.flushes.completed).toBeGreaterThan(20);
    expect(compactions + st.compactions.completed).toBeGreaterThan(5);
    workerJobs += st.tableWorker?.jobs ?? 0;
    if (variant.worker) expect(workerJobs).toBeGreaterThan(25);
    else expect(st.tableWorker).toBeUndefined();
    await engine.close();
    cleanup();
  }, 60_000);
});
