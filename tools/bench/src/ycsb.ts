/**
 * `npm run bench`: YCSB-style workloads against a real local cluster (3 storage nodes,
 * 2 coordinators, 1 gateway, every process on this machine), RF=3 at QUORUM over REST, then
 * `redis-benchmark -t set,get` over the RESP port. Writes the results, with the command and the
 * machine, into docs/benchmarks.md.
 *
 *   workload A: 50% reads / 50% updates     B: 95% / 5%     C: 100% reads
 *   zipfian key choice over the loaded records, 100-byte values, N closed-loop clients.
 *
 * Options: --records N (10000) --seconds S (20 per workload) --clients C (64)
 *          --workloads A,B,C (which to run) --no-resp (skip redis-benchmark)
 *          --port-base P (24000) --no-write (print only; implied by a partial run)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dropDatabase, findWorkspaceRoot, startLocalCluster } from '@ringkv/launcher';
import { Pool } from 'undici';
import { replaceSection } from './benchmarks-doc';
import { CpuMeter, CpuUsage, pidsMatching } from './cpu-meter';
import { LatencyRecorder, LatencySummary } from './latency-recorder';
import { Zipfian } from './zipfian';

interface Workload {
  name: string;
  readRatio: number;
}

const WORKLOADS: Workload[] = [
  { name: 'A (50% read, 50% update)', readRatio: 0.5 },
  { name: 'B (95% read, 5% update)', readRatio: 0.95 },
  { name: 'C (100% read)', readRatio: 1 },
];

const VALUE = JSON.stringify('x'.repeat(98)); // 100 bytes encoded

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '20' },
      clients: { type: 'string', default: '64' },
      'port-base': { type: 'string', default: '24000' },
      workloads: { type: 'string', default: 'A,B,C' },
      'no-resp': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const chosen = values.workloads.split(',').map((w) => w.trim().toUpperCase());
  const workloads = WORKLOADS.filter((w) => chosen.includes(w.name[0] ?? ''));
  const partial = workloads.length !== WORKLOADS.length || values['no-resp'];
  const records = Number(values.records);
  const seconds = Number(values.seconds);
  const clients = Number(values.clients);
  const root = findWorkspaceRoot(__dirname);
  const dataDir = mkdtempSync(join(tmpdir(), 'ringkv-bench-'));
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/ringkv_bench_${process.pid}`;
  const adminKey = `rkv_admin_${randomBytes(32).toString('base64url')}`;
  const log = (line: string) => process.stdout.write(`${line}\n`);

  log('starting a local cluster (3 storage nodes, 2 coordinators, 1 gateway)…');
  const cluster = await startLocalCluster({
    workspaceRoot: root,
    storageNodes: 3,
    coordinators: 2,
    portBase: Number(values['port-base']),
    dataDir,
    databaseUrl,
    redisUrl: 'redis://127.0.0.1:6379/0',
    redisPrefix: `ringkv_bench_${process.pid}:`,
    adminKey,
    logLevel: 'warn',
  });
  const pool = new Pool(cluster.gatewayUrl, { connections: clients });
  try {
    const apiKey = await createTenant(pool, adminKey);
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

    log(`loading ${records} records…`);
    const load = await runClosedLoop(clients, records, async (i) => {
      await request(pool, 'POST', '/v1/key-value', headers, JSON.stringify({ key: `user${i}`, value: JSON.parse(VALUE) }));
    });
    log(`  load: ${format(load)}`);

    const meter = new CpuMeter([
      ...cluster.supervisor.processes.map((p) => ({ name: p.spec.name, pids: () => (p.child.pid === undefined ? [] : [p.child.pid]) })),
      { name: 'redis', pids: () => pidsMatching('redis-server') },
      { name: 'postgres', pids: () => pidsMatching('postgres') },
      { name: 'client', pids: () => [process.pid] },
    ]);
    const results: Array<[string, LatencySummary, CpuUsage[]]> = [];
    for (const workload of workloads) {
      const zipf = new Zipfian(records);
      meter.start();
      const summary = await runTimed(clients, seconds * 1000, async () => {
        const key = `user${zipf.next()}`;
        if (Math.random() < workload.readRatio) {
          await request(pool, 'GET', `/v1/key-value?key=${key}`, headers);
        } else {
          await request(pool, 'POST', '/v1/key-value', headers, JSON.stringify({ key, value: JSON.parse(VALUE) }));
        }
      });
      const cpu = meter.read();
      log(`  workload ${workload.name}: ${format(summary)}`);
      log(`    CPU µs per op: ${formatCpu(cpu, summary)}`);
      results.push([workload.name, summary, cpu]);
    }

    const resp = values['no-resp'] ? 'skipped (--no-resp)' : redisBenchmark(cluster.respPort, apiKey, clients);
    log(`  redis-benchmark: ${resp}`);
    if (!values['no-write'] && !partial) writeDoc(root, { records, seconds, clients }, load, results, resp);
  } finally {
    await pool.close();
    await cluster.stop();
    await dropDatabase(databaseUrl).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function createTenant(pool: Pool, adminKey: string): Promise<string> {
  const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  await request(pool, 'POST', '/v1/tenants', admin, JSON.stringify({ tenant_id: 'bench', replication_factor: 3, write_rate_limit: 1_000_000, read_rate_limit: 1_000_000 }));
  const created = await request(pool, 'POST', '/v1/tenants/bench/api-keys', admin, JSON.stringify({ name: 'bench' }));
  return (JSON.parse(created) as { api_key: string }).api_key;
}

async function request(pool: Pool, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<string> {
  const response = await pool.request({ method, path, headers, body });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: HTTP ${response.statusCode} ${text}`);
  return text;
}

async function runClosedLoop(clients: number, total: number, op: (i: number) => Promise<void>): Promise<LatencySummary> {
  const recorder = new LatencyRecorder();
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const t = process.hrtime.bigint();
        await op(i).then(
          () => recorder.record(Number(process.hrtime.bigint() - t) / 1e6),
          () => recorder.error(),
        );
      }
    }),
  );
  return recorder.summary(Number(process.hrtime.bigint() - start) / 1e9);
}

async function runTimed(clients: number, durationMs: number, op: () => Promise<void>): Promise<LatencySummary> {
  const recorder = new LatencyRecorder();
  const start = process.hrtime.bigint();
  const end = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const t = process.hrtime.bigint();
        await op().then(
          () => recorder.record(Number(process.hrtime.bigint() - t) / 1e6),
          () => recorder.error(),
        );
      }
    }),
  );
  return recorder.summary(Number(process.hrtime.bigint() - start) / 1e9);
}

function redisBenchmark(port: number, apiKey: string, clients: number): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-benchmark']).status === 0;
  if (!found) return 'skipped (redis-benchmark not installed: apt-get install redis-tools)';
  const out = spawnSync(
    'redis-benchmark',
    ['-h', '127.0.0.1', '-p', String(port), '-a', apiKey, '-t', 'set,get', '-n', '20000', '-c', String(clients), '-d', '100', '-q'],
    { encoding: 'utf8', timeout: 300_000 },
  );
  const lines = `${out.stdout}`.split(/\r|\n/).map((l) => l.trim()).filter((l) => /requests per second/.test(l));
  return lines.length > 0 ? lines.join('; ') : `failed: ${out.stderr || out.stdout}`.slice(0, 300);
}

function cpuPerOp(usage: CpuUsage, s: LatencySummary): number {
  const ops = s.opsPerSecond * s.seconds;
  return ops > 0 ? (usage.cpuSeconds * 1e6) / ops : 0;
}

function formatCpu(cpu: CpuUsage[], s: LatencySummary): string {
  const total = cpu.reduce((sum, u) => sum + u.cpuSeconds, 0);
  const parts = cpu.map((u) => `${u.name} ${cpuPerOp(u, s).toFixed(0)}`);
  return `${parts.join(', ')}; total ${cpuPerOp({ name: 'total', cpuSeconds: total }, s).toFixed(0)} (${(total / s.seconds).toFixed(2)} cores busy)`;
}

function format(s: LatencySummary): string {
  return `${s.opsPerSecond.toFixed(0)} ops/s, p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, errors ${s.errors}`;
}

function writeDoc(
  root: string,
  options: { records: number; seconds: number; clients: number },
  load: LatencySummary,
  results: Array<[string, LatencySummary, CpuUsage[]]>,
  resp: string,
): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpus().length} vCPU (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${execFileSync('uname', ['-sm']).toString().trim()}`;
  const row = (name: string, s: LatencySummary) =>
    `| ${name} | ${s.opsPerSecond.toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.errors} |`;
  replaceSection(
    join(root, 'docs', 'benchmarks.md'),
    'ycsb',
    [
      '## Cluster: YCSB-style workloads over REST, and redis-benchmark over RESP',
      '',
      `Command: \`npm run bench -- --records ${options.records} --seconds ${options.seconds} --clients ${options.clients}\``,
      `Machine: ${machine}; every process (3 storage nodes, 2 coordinators, gateway, PostgreSQL, Redis, the client) on it.`,
      `Run: ${new Date().toISOString()}. RF=3, QUORUM, zipfian keys over ${options.records} records, 100-byte values, ${options.clients} closed-loop clients, ${options.seconds} s per workload.`,
      '',
      '| workload | ops/s | p50 ms | p95 ms | p99 ms | errors |',
      '|---|---|---|---|---|---|',
      row('load (inserts)', load),
      ...results.map(([name, s]) => row(name, s)),
      '',
      'CPU time per operation (µs, from /proc/<pid>/stat over each workload; `total` includes the load generator):',
      '',
      ...results.map(([name, s, cpu]) => `- ${name}: ${formatCpu(cpu, s)}`),
      '',
      `redis-benchmark (\`-t set,get -n 20000 -c ${options.clients} -d 100\`): ${resp}`,
      '',
      'Targets (issue 6): ≥ 5,000 ops/s on workload B with p99 ≤ 50 ms.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
