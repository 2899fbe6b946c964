/**
 * Compaction benchmark: what one full compaction costs, and what it costs the event loop that
 * serves reads and writes meanwhile, with and without a compaction filter, on the table worker
 * and in-thread. A filter given as a function runs on the event loop (the worker sends every
 * value back); given as a rules module, the worker runs it itself.
 *
 * Workload (per variant, fresh directory): `count` puts of 16-byte random keys with 100-byte
 * values, flushed into `tables` tables (each key written once per table, so the compaction
 * folds `tables` versions of every key into one), then `compactRange()`. While it runs, a 1 ms
 * timer measures event-loop delay and `eventLoopUtilization` measures the main thread's busy
 * share. Reported: compaction seconds, input versions/s, main-thread busy %, loop delay p99/max.
 *
 * Usage: node libs/storage-engine/bench/run.mjs compaction [--count N] [--tables T]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  StorageEngine,
  WriteBatch,
  type CompactionFilterFn,
  type RulesModule,
  type TableWorkerMode,
} from '../src';
import { keepAll } from './keep-all-rules';

interface Variant {
  name: string;
  tableWorker: TableWorkerMode;
  filter?: CompactionFilterFn;
  rulesModule?: RulesModule;
}

interface Measured {
  variant: string;
  seconds: number;
  versionsPerSec: number;
  mainBusyPct: number;
  loopP99ms: number;
  loopMaxMs: number;
}

const VARIANTS: Variant[] = [
  { name: 'worker, no filter', tableWorker: 'on' },
  { name: 'worker, filter function', tableWorker: 'on', filter: keepAll },
  {
    name: 'worker, filter module',
    tableWorker: 'on',
    rulesModule: { path: path.join(__dirname, 'keep-all-rules.js') },
  },
  { name: 'in-thread, no filter', tableWorker: 'off' },
  { name: 'in-thread, filter', tableWorker: 'off', filter: keepAll },
];

async function runVariant(v: Variant, keys: Buffer[], tables: number): Promise<Measured> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ringkv-compaction-bench-'));
  try {
    const engine = await StorageEngine.open(dir, {
      tableWorker: v.tableWorker,
      compactionFilter: v.filter,
      rulesModule: v.rulesModule,
      syncMode: 'periodic',
      memtableBytes: 256 * 1024 * 1024,
      // No automatic compaction: the benchmark starts the one it measures.
      compactionMinMergeWidth: 64,
      compactionMaxMergeWidth: 64,
      compactionMaxRuns: 64,
      compactionMaxSpaceAmplification: 1_000,
    });
    try {
      for (let t = 0; t < tables; t++) {
        for (let i = 0; i < keys.length; i += 1000) {
          const batch = new WriteBatch();
          for (let j = i; j < Math.min(i + 1000, keys.length); j++) batch.put(keys[j], randomBytes(100));
          await engine.write(batch);
        }
        await engine.flush();
      }
      const delay = monitorEventLoopDelay({ resolution: 1 });
      const tick = setInterval(() => undefined, 1);
      const elu0 = performance.eventLoopUtilization();
      delay.enable();
      const t0 = performance.now();
      await engine.compactRange();
      const seconds = (performance.now() - t0) / 1000;
      delay.disable();
      const elu = performance.eventLoopUtilization(elu0);
      clearInterval(tick);
      return {
        variant: v.name,
        seconds,
        versionsPerSec: (keys.length * tables) / seconds,
        mainBusyPct: elu.utilization * 100,
        loopP99ms: delay.percentile(99) / 1e6,
        loopMaxMs: delay.max / 1e6,
      };
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '500000' }, tables: { type: 'string', default: '4' } },
  });
  const count = Number(values.count);
  const tables = Number(values.tables);
  const keys = Array.from({ length: count }, () => randomBytes(16));
  const rows: Measured[] = [];
  for (const v of VARIANTS) rows.push(await runVariant(v, keys, tables));
  const fmt = (n: number, digits = 0) =>
    n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  console.log(
    `compaction of ${fmt(count)} keys x ${tables} versions (${cpus().length} x ${cpus()[0]?.model}, Node ${process.version})\n`,
  );
  console.log(
    '| variant | seconds | input versions/s | main thread busy | loop delay p99 | loop delay max |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.variant} | ${fmt(r.seconds, 2)} | ${fmt(r.versionsPerSec)} | ${fmt(r.mainBusyPct)}% | ${fmt(r.loopP99ms, 1)} ms | ${fmt(r.loopMaxMs, 1)} ms |`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
