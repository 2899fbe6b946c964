#!/usr/bin/env node
// Storage node benchmark: Apply and Get throughput and latency with 64 requests in flight and
// 100-byte values, unary calls and the multiplexed Session side by side in one run.
//
// It builds the app (node tools/build/build.mjs apps/storage-node), starts a real storage node
// process on a temporary data directory (batch commit-log sync: every Apply is fsynced before
// it is acknowledged), and runs the load from a separate client process (client.mjs), so the
// client's CPU is not the server's. Results are printed as a Markdown table; with
// --write-docs they also replace the storage-node section of docs/benchmarks.md.
//
// usage (from the repository root): node apps/storage-node/bench/run.mjs [--seconds 5] [--in-flight 64] [--write-docs]
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const seconds = Number(option('seconds', '5'));
const inFlight = Number(option('in-flight', '64'));
const writeDocs = args.includes('--write-docs');
const httpPort = Number(option('http-port', '15990'));
const grpcPort = Number(option('grpc-port', '15991'));

if (!existsSync(path.join(root, 'libs/proto/src/generated'))) {
  execFileSync('npx', ['nx', 'run', 'proto:generate'], { cwd: root, stdio: 'inherit' });
}
execFileSync(process.execPath, ['tools/build/build.mjs', 'apps/storage-node'], { cwd: root, stdio: 'inherit' });

// The machine may be shared: the load average before the run goes next to the numbers.
const loadBefore = loadavg()[0].toFixed(2);
const dataDir = mkdtempSync(path.join(tmpdir(), 'ringkv-node-bench-'));
const server = spawn(process.execPath, [path.join(root, 'dist/storage-node/apps/storage-node/src/main.js')], {
  cwd: root,
  env: {
    ...process.env,
    RINGKV_NODE_ID: 'bench-node',
    RINGKV_DATA_DIR: dataDir,
    RINGKV_HTTP_PORT: String(httpPort),
    RINGKV_GRPC_PORT: String(grpcPort),
    RINGKV_LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const stopServer = async () => {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
  rmSync(dataDir, { recursive: true, force: true });
};
process.on('SIGINT', () => void stopServer().then(() => process.exit(130)));

try {
  await waitReady(`http://127.0.0.1:${httpPort}/health/ready`);
  const client = spawn(process.execPath, [path.join(here, 'client.mjs')], {
    cwd: root,
    env: { ...process.env, BENCH_TARGET: `127.0.0.1:${grpcPort}`, BENCH_SECONDS: String(seconds), BENCH_IN_FLIGHT: String(inFlight) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  client.stdout.on('data', (chunk) => (output += chunk));
  const [code] = await once(client, 'exit');
  if (code !== 0) throw new Error(`benchmark client exited with ${code}`);
  const results = JSON.parse(output);
  const fsync = await fsyncSummary(`http://127.0.0.1:${httpPort}/metrics`);
  const markdown = render(results, fsync);
  process.stdout.write(`\n${markdown}\n`);
  if (writeDocs) updateDocs(markdown);
} finally {
  await stopServer();
}

async function waitReady(url) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error('storage node exited during startup');
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('storage node not ready after 30 s');
}

/** Commit-log fsyncs over the whole run, from the node's own metrics: Apply is bound by them. */
async function fsyncSummary(url) {
  const text = await (await fetch(url)).text();
  const value = (name) => Number(text.match(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm'))?.[1] ?? NaN);
  const count = value('ringkv_storage_commitlog_fsync_duration_seconds_count');
  const sum = value('ringkv_storage_commitlog_fsync_duration_seconds_sum');
  const batches = value('ringkv_storage_write_batches_total');
  return { count, meanMs: (sum / count) * 1000, batchesPerFsync: batches / count };
}

function render(results, fsync) {
  const command = `node apps/storage-node/bench/run.mjs --seconds ${seconds} --in-flight ${inFlight}`;
  const machine = `${cpus().length} cores (nproc), ${arch() === 'x64' ? 'x86_64' : arch()}, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  const rows = results.map(
    (r) =>
      `| ${r.op} | ${r.transport} | ${Math.round(r.opsPerSecond).toLocaleString('en-US')} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} |`,
  );
  return [
    `Command: \`${command}\` (run on ${new Date().toISOString().slice(0, 10)})`,
    `Machine: ${machine}; server and client are separate processes on the same machine (1-minute load average before the run: ${loadBefore}).`,
    `Load: ${inFlight} requests in flight, 100-byte values, ${seconds} s per row after a 1 s warm-up; commit log in \`batch\` sync mode (an Apply is acknowledged after its fsync, group commit).`,
    '',
    `Commit log over the run: ${fsync.count.toLocaleString('en-US')} fsyncs, mean ${fsync.meanMs.toFixed(2)} ms each, ${fsync.batchesPerFsync.toFixed(1)} engine batches per fsync (group commit). With 64 writes in flight and one fsync at a time, durable writes cannot exceed about 64 / fsync latency per second.`,
    '',
    'Target: at least 25,000 streamed (Session) operations per second per node. Unary rows are the comparison (SYSTEM.md §12: a unary call costs about six streamed requests).',
    '',
    '| op | transport | ops/s | p50 ms | p99 ms | errors |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

function updateDocs(markdown) {
  const file = path.join(root, 'docs/benchmarks.md');
  const begin = '<!-- storage-node:begin -->';
  const end = '<!-- storage-node:end -->';
  const section = `${begin}\n## Storage node\n\n${markdown}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (text.includes(begin) && text.includes(end)) {
    text = text.slice(0, text.indexOf(begin)) + section + text.slice(text.indexOf(end) + end.length);
  } else {
    text = `${text.trimEnd()}\n\n${section}\n`;
  }
  writeFileSync(file, text);
  process.stdout.write(`updated ${path.relative(root, file)}\n`);
}
