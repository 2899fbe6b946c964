/**
 * Storage-engine benchmark: RingKV's engine and LevelDB (classic-level) side by side, same
 * machine, same workload, one command. Each engine runs in its own child process so peak RSS is
 * its own.
 *
 * Workload (per engine): `count` puts of 16-byte random keys with 100-byte values in durable
 * batches of `batch` puts (fsync before each batch is acknowledged, one batch in flight), then
 * `count` random point gets of existing keys (one in flight), then a full forward scan.
 * Reported: ops/s, p50/p99 latency (per batch for puts, per get; per entry for the scan),
 * peak RSS (sampled every 50 ms) and bytes on disk after close.
 *
 * Usage: node libs/storage-engine/bench/run.mjs [--count N] [--batch B] [--rounds R] [--dir D]
 *        [--ringkv-options JSON]   (extra RingKV options, e.g. '{"maxImmutableMemtables":1}')
 * With --rounds R the engines run alternately R times each and every metric is the median.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { StorageEngine, WriteBatch, type EngineOptions } from '../src';

interface Args {
  count: number;
  batch: number;
  dir?: string;
  child?: 'ringkv' | 'leveldb';
  seed: number;
  /** Alternating runs per engine; the report shows the median of each metric. */
  rounds: number;
  /** Extra RingKV engine options as JSON (`--ringkv-options '{"tableWorker":"off"}'`), for experiments. */
  ringkvOptions: string;
}

interface Phase {
  ops: number;
  seconds: number;
  opsPerSec: number;
  p50us: number;
  p99us: number;
}

interface Result {
  engine: string;
  puts: Phase;
  gets: Phase;
  scan: Phase;
  peakRssMiB: number;
  diskMiB: number;
  missing: number;
}

/** Same sizes for both engines: memtable / write buffer and block cache. */
const MEMTABLE_BYTES = 32 * 1024 * 1024;
const CACHE_BYTES = 64 * 1024 * 1024;
const KEY_BYTES = 16;
const VALUE_BYTES = 100;

function parseArgs(argv: string[]): Args {
  const args: Args = { count: 1_000_000, batch: 100, seed: 1, rounds: 1, ringkvOptions: '{}' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--count') args.count = Number(next());
    else if (a === '--batch') args.batch = Number(next());
    else if (a === '--dir') args.dir = next();
    else if (a === '--child') args.child = next() as Args['child'];
    else if (a === '--seed') args.seed = Number(next());
    else if (a === '--rounds') args.rounds = Number(next());
    else if (a === '--ringkv-options') args.ringkvOptions = next();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(args.count > 0) || !(args.batch > 0) || !(args.rounds > 0))
    throw new Error('--count, --batch and --rounds must be positive');
  return args;
}

/** Deterministic workload bytes (both children derive identical keys from the seed). */
function workload(count: number, seed: number): { keys: Buffer; values: Buffer; order: Uint32Array } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const keys = Buffer.allocUnsafe(count * KEY_BYTES);
  for (let i = 0; i < keys.length; i += 4) keys.writeUInt32LE(rnd(), i);
  const values = randomBytes(1024 * 1024); // value i is a 100-byte window into this pool
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { keys, values, order };
}

const keyAt = (keys: Buffer, i: number) => keys.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
const valueAt = (values: Buffer, i: number) => {
  const off = (i * 131) % (values.length - VALUE_BYTES);
  return values.subarray(off, off + VALUE_BYTES);
};

function phase(ops: number, startNs: bigint, latUs: Float64Array): Phase {
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  const sorted = Float64Array.from(latUs).sort();
  const pct = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
  return { ops, seconds, opsPerSec: ops / seconds, p50us: pct(0.5), p99us: pct(0.99) };
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const st = statSync(path.join(dir, name));
    total += st.isDirectory() ? dirBytes(path.join(dir, name)) : st.size;
  }
  return total;
}

interface KvAdapter {
  putBatch(pairs: [Buffer, Buffer][]): Promise<void>;
  get(key: Buffer): Promise<Buffer | undefined>;
  scan(): AsyncIterable<unknown>;
  close(): Promise<void>;
}

async function openRingKV(dir: string, extra: string): Promise<KvAdapter> {
  const engine = await StorageEngine.open(dir, {
    memtableBytes: MEMTABLE_BYTES,
    blockCacheBytes: CACHE_BYTES,
    syncMode: 'batch',
    ...(JSON.parse(extra) as Partial<EngineOptions>),
  });
  return {
    async putBatch(pairs) {
      const b = new WriteBatch();
      for (const [k, v] of pairs) b.put(k, v);
      await engine.write(b);
    },
    get: (key) => engine.get(key),
    scan: () => engine.scan(),
    close: () => engine.close(),
  };
}

async function openLevelDB(dir: string): Promise<KvAdapter> {
  // Loaded lazily: only the LevelDB child needs the native binding.
  const { ClassicLevel } = require('classic-level') as typeof import('classic-level');
  const db = new ClassicLevel<Buffer, Buffer>(dir, {
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
    writeBufferSize: MEMTABLE_BYTES,
    cacheSize: CACHE_BYTES,
  });
  await db.open();
  return {
    async putBatch(pairs) {
      await db.batch(
        pairs.map(([key, value]) => ({ type: 'put' as const, key, value })),
        { sync: true },
      );
    },
    async get(key) {
      try {
        return (await db.get(key)) ?? undefined;
      } catch (err) {
        if ((err as { code?: string }).code === 'LEVEL_NOT_FOUND') return undefined;
        throw err;
      }
    },
    scan: () => db.iterator(),
    close: () => db.close(),
  };
}

async function runChild(args: Args): Promise<Result> {
  const dir = mkdtempSync(path.join(args.dir ?? tmpdir(), `bench-${args.child}-`));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const { keys, values, order } = workload(args.count, args.seed);
    const kv = args.child === 'leveldb' ? await openLevelDB(dir) : await openRingKV(dir, args.ringkvOptions);

    const batches = Math.ceil(args.count / args.batch);
    const putLat = new Float64Array(batches);
    let t0 = process.hrtime.bigint();
    for (let b = 0; b < batches; b++) {
      const pairs: [Buffer, Buffer][] = [];
      for (let i = b * args.batch; i < Math.min(args.count, (b + 1) * args.batch); i++)
        pairs.push([keyAt(keys, i), valueAt(values, i)]);
      const s = process.hrtime.bigint();
      await kv.putBatch(pairs);
      putLat[b] = Number(process.hrtime.bigint() - s) / 1000;
    }
    const puts = phase(args.count, t0, putLat);

    const getLat = new Float64Array(args.count);
    let missing = 0;
    t0 = process.hrtime.bigint();
    for (let n = 0; n < args.count; n++) {
      const i = order[n];
      const s = process.hrtime.bigint();
      const v = await kv.get(keyAt(keys, i));
      getLat[n] = Number(process.hrtime.bigint() - s) / 1000;
      if (!v || !v.equals(valueAt(values, i))) missing++;
    }
    const gets = phase(args.count, t0, getLat);

    let scanned = 0;
    t0 = process.hrtime.bigint();
    for await (const _ of kv.scan()) scanned++;
    const scan = phase(
      scanned,
      t0,
      new Float64Array([Number(process.hrtime.bigint() - t0) / 1000 / Math.max(1, scanned)]),
    );
    await kv.close();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      engine: args.child === 'leveldb' ? 'LevelDB (classic-level 3.0.0)' : 'RingKV engine',
      puts,
      gets,
      scan,
      peakRssMiB: peakRss / 2 ** 20,
      diskMiB: dirBytes(dir) / 2 ** 20,
      // 128-bit random keys: a collision among 10^6 has probability ~10^-27, so count = distinct keys.
      missing: missing + Math.abs(scanned - args.count),
    };
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Field-wise median of several runs (each metric independently). */
function median(runs: Result[]): Result {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const phaseMedian = (pick: (r: Result) => Phase): Phase => ({
    ops: med(runs.map((r) => pick(r).ops)),
    seconds: med(runs.map((r) => pick(r).seconds)),
    opsPerSec: med(runs.map((r) => pick(r).opsPerSec)),
    p50us: med(runs.map((r) => pick(r).p50us)),
    p99us: med(runs.map((r) => pick(r).p99us)),
  });
  return {
    engine: runs[0].engine,
    puts: phaseMedian((r) => r.puts),
    gets: phaseMedian((r) => r.gets),
    scan: phaseMedian((r) => r.scan),
    peakRssMiB: med(runs.map((r) => r.peakRssMiB)),
    diskMiB: med(runs.map((r) => r.diskMiB)),
    missing: Math.max(...runs.map((r) => r.missing)),
  };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function report(args: Args, r: Result, l: Result): string {
  const rows: [string, string, string, string][] = [];
  const add = (name: string, a: number, b: number, digits = 0, higherIsBetter = true) =>
    rows.push([name, fmt(a, digits), fmt(b, digits), `${fmt(higherIsBetter ? a / b : b / a, 2)}x`]);
  add('puts/s (durable batches)', r.puts.opsPerSec, l.puts.opsPerSec);
  add(`put batch p50 (us, ${args.batch}/batch)`, r.puts.p50us, l.puts.p50us, 0, false);
  add(`put batch p99 (us, ${args.batch}/batch)`, r.puts.p99us, l.puts.p99us, 0, false);
  add('gets/s (random, 1 in flight)', r.gets.opsPerSec, l.gets.opsPerSec);
  add('get p50 (us)', r.gets.p50us, l.gets.p50us, 1, false);
  add('get p99 (us)', r.gets.p99us, l.gets.p99us, 1, false);
  add('scan entries/s', r.scan.opsPerSec, l.scan.opsPerSec);
  add('peak RSS (MiB)', r.peakRssMiB, l.peakRssMiB, 1, false);
  add('bytes on disk (MiB)', r.diskMiB, l.diskMiB, 1, false);
  const header = ['metric', 'RingKV', 'LevelDB', 'RingKV vs LevelDB (>1 = RingKV better)'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((x) => `| ${x.join(' | ')} |`),
  ];
  return [
    `count=${args.count} batch=${args.batch} rounds=${args.rounds} (median per metric) key=${KEY_BYTES}B value=${VALUE_BYTES}B memtable/writeBuffer=${MEMTABLE_BYTES >> 20}MiB cache=${CACHE_BYTES >> 20}MiB`,
    `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${process.arch}`,
    ...lines,
    `missing or wrong values: RingKV ${r.missing}, LevelDB ${l.missing}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    process.stdout.write(`RESULT ${JSON.stringify(await runChild(args))}\n`);
    return;
  }
  const passThrough = [
    '--count',
    String(args.count),
    '--batch',
    String(args.batch),
    '--seed',
    String(args.seed),
    '--ringkv-options',
    args.ringkvOptions,
  ];
  if (args.dir) passThrough.push('--dir', args.dir);
  const results: Record<'ringkv' | 'leveldb', Result[]> = { ringkv: [], leveldb: [] };
  // Alternate the engines so background load on a shared machine hits both alike.
  for (let round = 0; round < args.rounds; round++) {
    for (const child of ['ringkv', 'leveldb'] as const) {
      process.stderr.write(`round ${round + 1}/${args.rounds}: running ${child}...\n`);
      const out = spawnSync(process.execPath, [process.argv[1], ...passThrough, '--child', child], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (out.status !== 0 || !line)
        throw new Error(`${child} run failed (status ${out.status}): ${out.stdout}`);
      results[child].push(JSON.parse(line.slice('RESULT '.length)) as Result);
    }
  }
  process.stdout.write(`${report(args, median(results.ringkv), median(results.leveldb))}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
