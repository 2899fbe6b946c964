#!/usr/bin/env node
// Storage-node compaction benchmark: what a compaction of sibling sets costs the event loop that
// serves requests, with the storage rules (sibling merge + purge filter) handed to the engine as
// functions (the table worker sends every key back to the event loop) and as a rules module
// (the worker loads the rules and decides every key itself).
//
// Workload per variant: --keys keys (16-byte random), each written once in each of --tables
// tables by a different replica (a 100-byte value with its own clock), so the compaction
// merges --tables concurrent siblings per key, then one compactRange(). A 1 ms timer measures
// event-loop delay meanwhile; eventLoopUtilization gives the main thread's busy share.
//
// usage (from the repository root): node apps/storage-node/bench/compaction.mjs [--keys 200000] [--tables 4]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const keyCount = Number(option('keys', '200000'));
const tables = Number(option('tables', '4'));

execFileSync(process.execPath, ['tools/build/build.mjs', 'apps/storage-node'], {
  cwd: root,
  stdio: 'inherit',
});
const require = createRequire(import.meta.url);
const dist = path.join(root, 'dist/storage-node/libs');
const { createEngineRules, storageEngineRules, encodeObject, makeClock } = require(
  path.join(dist, 'cluster/src/index.js'),
);
const { StorageEngine, WriteBatch } = require(path.join(dist, 'storage-engine/src/index.js'));

const gcGraceMs = 10 * 24 * 3600 * 1000;
const keys = Array.from({ length: keyCount }, () => randomBytes(16));

async function measure(name, rules) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ringkv-node-compaction-'));
  try {
    const engine = await StorageEngine.open(dir, {
      ...rules,
      tableWorker: 'on',
      syncMode: 'periodic',
      memtableBytes: 256 * 1024 * 1024,
      // No automatic compaction: the benchmark starts the one it measures.
      compactionMinMergeWidth: 64,
      compactionMaxMergeWidth: 64,
      compactionMaxRuns: 64,
      compactionMaxSpaceAmplification: 1000,
    });
    try {
      for (let t = 0; t < tables; t++) {
        const actor = `node-${t}`;
        for (let i = 0; i < keys.length; i += 1000) {
          const batch = new WriteBatch();
          for (let j = i; j < Math.min(i + 1000, keys.length); j++) {
            const version = {
              value: randomBytes(100),
              writtenAt: Date.now(),
              actor,
              clock: makeClock({ [actor]: 1 }),
            };
            batch.merge(keys[j], encodeObject({ versions: [version] }));
          }
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
      const busy = performance.eventLoopUtilization(elu0).utilization;
      clearInterval(tick);
      return {
        name,
        seconds,
        perSec: (keyCount * tables) / seconds,
        busy,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      };
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = loadavg()[0].toFixed(2);
const asFunctions = createEngineRules({ gcGraceMs });
const rows = [
  await measure('functions (on the event loop)', {
    reconcile: asFunctions.reconcile,
    compactionFilter: asFunctions.compactionFilter,
  }),
  await measure('rules module (on the worker)', { rulesModule: storageEngineRules({ gcGraceMs }) }),
];
const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
console.log(
  `\ncompaction of ${fmt(keyCount)} keys x ${tables} sibling versions; ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}, load ${load}\n`,
);
console.log(
  '| storage rules given as | seconds | versions/s | main thread busy | loop delay p99 | loop delay max |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${fmt(r.seconds, 2)} | ${fmt(r.perSec)} | ${fmt(r.busy * 100)}% | ${fmt(r.p99, 1)} ms | ${fmt(r.max, 1)} ms |`,
  );
}
