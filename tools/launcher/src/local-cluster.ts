/**
 * A whole RingKV cluster as local child processes: what `npm start` runs, and what the cluster
 * tests start (with their own ports, data directory, database and Redis prefix).
 */
import { ClusterOptions, planCluster, ProcessSpec } from './cluster-plan';
import { ensureDatabase, ensurePostgres, ensureRedis } from './local-services';
import { createDatabase, migrateToLatest } from '@ringkv/db';
import { RunningProcess, Supervisor } from './supervisor';
import { join } from 'node:path';

export interface LocalClusterOptions extends ClusterOptions {
  workspaceRoot: string;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  log?: (line: string) => void;
  onUnexpectedExit?: (proc: RunningProcess) => void;
}

export interface LocalCluster {
  readonly plan: ProcessSpec[];
  readonly supervisor: Supervisor;
  readonly gatewayUrl: string;
  readonly respPort: number;
  readonly logsDir: string;
  process(name: string): RunningProcess;
  stop(): Promise<void>;
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const log = options.log ?? (() => undefined);
  // Validates the options (counts, ports) before anything is created or started.
  const plan = planCluster(options);
  await ensurePostgres(options.databaseUrl, log);
  await ensureRedis(options.redisUrl, log);
  if (await ensureDatabase(options.databaseUrl))
    log(`created database ${new URL(options.databaseUrl).pathname.slice(1)}`);
  await migrateDatabase(options.databaseUrl, log);

  const logsDir = join(options.dataDir, 'logs');
  const supervisor = new Supervisor({
    workspaceRoot: options.workspaceRoot,
    logsDir,
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
    onUnexpectedExit: options.onUnexpectedExit,
  });
  await supervisor.startAll(plan);
  const gateway = plan.find((p) => p.app === 'gateway');
  const needGateway = (): ProcessSpec => {
    if (!gateway) throw new Error('this cluster runs without a gateway');
    return gateway;
  };
  return {
    plan,
    supervisor,
    get gatewayUrl() {
      return `http://127.0.0.1:${needGateway().httpPort}`;
    },
    get respPort() {
      return needGateway().respPort ?? 0;
    },
    logsDir,
    process(name: string) {
      const found = supervisor.processes.find((p) => p.spec.name === name);
      if (!found) throw new Error(`no process named ${name}`);
      return found;
    },
    stop: () => supervisor.stopAll(),
  };
}

/** Brings the metadata schema up to date before any service starts (coordinators do it too). */
async function migrateDatabase(url: string, log: (line: string) => void): Promise<void> {
  const db = createDatabase(url, { max: 1, applicationName: 'ringkv-launcher' });
  try {
    const { executed } = await migrateToLatest(db);
    if (executed.length > 0) log(`applied schema migrations: ${executed.join(', ')}`);
  } finally {
    await db.destroy();
  }
}
