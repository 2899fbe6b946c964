/**
 * Crash tests on the in-memory file system: a stream of batches runs with small memtables and
 * segments (so crashes land in flushes, manifest swaps and compactions too), the "power" is cut
 * at a random moment (optionally keeping a random prefix of unsynced bytes, optionally after a
 * torn write / failed fsync injected at a random point), and the reopened engine must show:
 *   1. every acknowledged batch, completely;
 *   2. every other batch either completely or not at all (no half-written batch);
 *   3. a prefix of the batch order (batch i present => every earlier batch present).
 * Seeded; a failure names its seed.
 */
import { FaultInjectingFileSystem, MemoryFileSystem, StorageEngine, WriteBatch, type EngineOptions, type FileSystem } from '../src';
import { seededRandom, unionReconcile } from './support';

const dir = '/crash';

function options(fs: FileSystem): Partial<EngineOptions> {
  return {
    fs,
    reconcile: unionReconcile,
    memtableBytes: 4000,
    commitLogSegmentBytes: 3000,
    compactionMinMergeWidth: 3,
    backgroundRetryMs: 1,
  };
}

interface Run {
  acked: Set<number>;
  issued: number;
  sizes: number[];
}

async function drive(engine: StorageEngine, rnd: () => number, crashAfterTicks: number): Promise<Run> {
  const run: Run = { acked: new Set(), issued: 0, sizes: [] };
  let ticks = 0;
  let stop = false;
  const writer = (async () => {
    while (!stop) {
      const wave: Promise<void>[] = [];
      const width = 1 + Math.floor(rnd() * 6);
      for (let w = 0; w < width; w++) {
        const i = run.issued++;
        const n = 1 + Math.floor(rnd() * 4);
        run.sizes.push(n);
        const batch = new WriteBatch();
        for (let j = 0; j < n; j++) batch.put(`b${i}-${j}`, `v${i}-${j}-${'x'.repeat(Math.floor(rnd() * 60))}`);
        batch.merge('members', `t${i}`);
        wave.push(
          engine.write(batch).then(
            () => void run.acked.add(i),
            () => undefined,
          ),
        );
      }
      if (rnd() < 0.05) void engine.flush().catch(() => undefined);
      await Promise.all(wave);
      // Let the crash timer run even when writes fail fast (engine read-only after a fault).
      await new Promise((r) => setImmediate(r));
    }
  })();
  while (ticks++ < crashAfterTicks) await new Promise((r) => setImmediate(r));
  stop = true;
  void writer;
  return run;
}

async function verify(fs: FileSystem, run: Run, seed: number): Promise<number> {
  const engine = await StorageEngine.open(dir, options(fs));
  const members = new Set((await engine.get('members'))?.toString().split(',') ?? []);
  let present = 0;
  let sawAbsent = -1;
  for (let i = 0; i < run.issued; i++) {
    const found: boolean[] = [];
    for (let j = 0; j < run.sizes[i]; j++) {
      const v = (await engine.get(`b${i}-${j}`))?.toString();
      if (v !== undefined) expect({ seed, i, j, ok: v.startsWith(`v${i}-${j}-`) }).toEqual({ seed, i, j, ok: true });
      found.push(v !== undefined);
    }
    found.push(members.has(`t${i}`));
    const all = found.every(Boolean);
    const none = found.every((f) => !f);
    expect({ seed, batch: i, atomic: all || none }).toEqual({ seed, batch: i, atomic: true });
    if (run.acked.has(i)) expect({ seed, batch: i, ackedPresent: all }).toEqual({ seed, batch: i, ackedPresent: true });
    if (all) {
      expect({ seed, batch: i, firstMissingBefore: sawAbsent }).toEqual({ seed, batch: i, firstMissingBefore: -1 });
      present++;
    } else if (sawAbsent < 0) {
      sawAbsent = i;
    }
  }
  if (process.env.CRASH_DEBUG) console.log(seed, run.issued, run.acked.size, present, JSON.stringify(engine.recovery));
  await engine.close();
  return present;
}

describe('crash recovery on the memory file system', () => {
  it.each(Array.from({ length: 16 }, (_, i) => i + 1))('power cut at a random moment (seed %i)', async (seed) => {
    const rnd = seededRandom(seed * 7 + 1);
    const mem = new MemoryFileSystem({ asyncIo: true });
    const engine = await StorageEngine.open(dir, options(mem));
    const run = await drive(engine, rnd, 50 + Math.floor(rnd() * 400));
    const after = mem.crash({ keepRandomUnsyncedPrefix: seed % 2 === 0, random: rnd });
    const present = await verify(after, run, seed);
    expect(present).toBeGreaterThanOrEqual(run.acked.size);
    expect(run.acked.size).toBeGreaterThan(0);
  });

  const faults = [
    { name: 'torn commit-log append', fault: { op: 'append' as const, match: (p: string) => p.endsWith('.log') }, torn: true },
    { name: 'torn table append', fault: { op: 'append' as const, match: (p: string) => p.endsWith('.sst') }, torn: true },
    { name: 'failed commit-log fsync', fault: { op: 'sync' as const, match: (p: string) => p.endsWith('.log') }, torn: false },
    { name: 'failed table fsync', fault: { op: 'sync' as const, match: (p: string) => p.endsWith('.sst') }, torn: false },
    { name: 'failed manifest rename', fault: { op: 'rename' as const }, torn: false },
    { name: 'failed directory fsync', fault: { op: 'syncDir' as const }, torn: false },
  ];
  for (const f of faults) {
    it.each([1, 2, 3])(`${f.name}, then a power cut (seed %i)`, async (seed) => {
      const rnd = seededRandom(seed * 131 + f.name.length);
      const mem = new MemoryFileSystem({ asyncIo: true });
      const fs = new FaultInjectingFileSystem(mem);
      const engine = await StorageEngine.open(dir, options(fs));
      fs.inject({ ...f.fault, after: Math.floor(rnd() * 20), tornBytes: f.torn ? 1 + Math.floor(rnd() * 40) : undefined });
      const run = await drive(engine, rnd, 300 + Math.floor(rnd() * 300));
      expect(fs.firedCount).toBeGreaterThan(0);
      const after = mem.crash({ keepRandomUnsyncedPrefix: true, random: rnd });
      await verify(after, run, seed);
    });
  }
});
