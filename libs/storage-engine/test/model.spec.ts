/**
 * Randomized model test: thousands of random put/delete/merge batches checked against an
 * in-memory Map, across background flushes, compactions, explicit compactRange and reopenings.
 * Seeded: a failure message names the seed and the op index, so it reproduces exactly.
 */
import { MemoryFileSystem, StorageEngine, WriteBatch, type EngineOptions } from '../src';
import { collect, seededRandom, unionReconcile, unionTokens } from './support';

const SEEDS = [1, 2, 3, 4];
const OPS = 2500;
const dir = '/model';

function options(fs: MemoryFileSystem): Partial<EngineOptions> {
  return {
    fs,
    reconcile: unionReconcile,
    memtableBytes: 3000,
    maxImmutableMemtables: 2,
    commitLogSegmentBytes: 2048,
    compactionMinMergeWidth: 3,
  };
}

describe('randomized model test', () => {
  it.each(SEEDS)('seed %i matches a Map model', async (seed) => {
    const rnd = seededRandom(seed);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const keys = Array.from({ length: 150 }, (_, i) => `key-${(i * 7919) % 1000}`);
    const model = new Map<string, string>();
    const fs = new MemoryFileSystem();
    let engine = await StorageEngine.open(dir, options(fs));
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
    await engine.close();
  });
});
