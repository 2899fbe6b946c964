/**
 * `npm start`: a local RingKV cluster (3 storage nodes, 2 coordinators, 1 gateway by default)
 * as child processes with data under ./.data. Prints how to reach it; Ctrl-C stops everything.
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { describeExit, tail } from './supervisor';
import { resolveAdminKey } from './admin-key';
import { startLocalCluster } from './local-cluster';
import { ServiceUnavailableError } from './local-services';
import { findWorkspaceRoot } from './workspace';

const USAGE = `usage: npm start -- [options]

  --storage-nodes N   storage nodes to run (1-9, default 3)
  --coordinators N    coordinators to run (1-9, default 2)
  --port-offset N     add N to every port (default 0: gateway on 8080, RESP on 6380)
  --port-base N       put every port in N..N+49 instead (gateway N, RESP N+1,
                      coordinators N+10.., storage nodes N+30..; HTTP +10 from gRPC)
  --data-dir DIR      data and logs (default ./.data)
  --log-level LEVEL   trace|debug|info|warn|error (default info)
  -h, --help          this text

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ringkv),
REDIS_URL (default redis://127.0.0.1:6379/0), RINGKV_ADMIN_KEY (default: generated once).`;

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/**
 * Started by another program with an IPC channel (a test, a supervisor): the launcher stops its
 * cluster when that program goes away, even if it went while the cluster was starting.
 */
function watchParent(): { onGone(stop: () => void): void } {
  let gone = process.send !== undefined && !process.connected;
  let stop: (() => void) | undefined;
  if (process.send !== undefined) {
    process.channel?.unref(); // the channel alone must not keep the launcher running
    process.once('disconnect', () => {
      gone = true;
      stop?.();
    });
  }
  return {
    onGone(callback) {
      stop = callback;
      if (gone) callback();
    },
  };
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'storage-nodes': { type: 'string' },
      coordinators: { type: 'string' },
      'port-offset': { type: 'string' },
      'port-base': { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const workspaceRoot = findWorkspaceRoot();
  const dataDir = resolve(workspaceRoot, values['data-dir'] ?? '.data');
  const admin = resolveAdminKey(dataDir, process.env['RINGKV_ADMIN_KEY']);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // Whoever reads our output may go away first (a closed terminal or parent): keep stopping cleanly.
  process.stdout.on('error', () => undefined);
  say('starting RingKV…');
  const parent = watchParent();

  const cluster = await startLocalCluster({
    workspaceRoot,
    storageNodes: intOption(values['storage-nodes'], 'storage-nodes', 3),
    coordinators: intOption(values.coordinators, 'coordinators', 2),
    portOffset: intOption(values['port-offset'], 'port-offset', 0),
    portBase: values['port-base'] === undefined ? undefined : intOption(values['port-base'], 'port-base', 0),
    dataDir,
    databaseUrl: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/ringkv',
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379/0',
    redisPrefix: process.env['RINGKV_REDIS_PREFIX'] ?? 'ringkv:',
    adminKey: admin.key,
    logLevel: values['log-level'] ?? 'info',
    log: say,
    onUnexpectedExit: (proc) =>
      process.stderr.write(
        `\n!! ${proc.spec.name} exited unexpectedly (${describeExit(proc)}); log: ${proc.logFile}\n${tail(proc.logFile, 10)}\n\n`,
      ),
  });

  say('');
  say('RingKV is running:');
  for (const p of cluster.plan) {
    const ports = [
      `http ${p.httpPort}`,
      p.grpcPort && `grpc ${p.grpcPort}`,
      p.respPort && `resp ${p.respPort}`,
    ].filter(Boolean);
    say(`  ${p.name.padEnd(16)} ${ports.join(', ')}`);
  }
  say('');
  say(`  REST API      ${cluster.gatewayUrl}   (health: ${cluster.gatewayUrl}/health/ready)`);
  say(`  Redis (RESP)  redis-cli -p ${cluster.respPort}`);
  say(`  Admin key     ${admin.key}   (from ${admin.source})`);
  say(`  Logs          ${join(dataDir, 'logs')}/<process>.log`);
  say('');
  say('Press Ctrl-C to stop the cluster.');

  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      say(`\n${signal}: stopping every process…`);
      void cluster.stop().then(done);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    parent.onGone(() => stop('parent gone'));
  });
  say('stopped.');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    if (error instanceof ServiceUnavailableError) process.stderr.write(`\n${error.message}\n`);
    else process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
