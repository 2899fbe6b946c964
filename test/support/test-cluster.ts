/**
 * Test clusters: each test file gets its own ports (a 50-port block), data directory, PostgreSQL
 * database and Redis key prefix, and always stops every process and drops its database, even
 * when the test fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropDatabase, findWorkspaceRoot, LocalCluster, startLocalCluster } from '@ringkv/launcher';

export const TEST_POSTGRES =
  process.env['RINGKV_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS = process.env['RINGKV_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

export interface TestClusterOptions {
  /**
   * Distinct per test file so files can run in parallel: the cluster's ports are portBase..+49.
   * Keep it below 32768 (the kernel's ephemeral ports), see README "Tests".
   */
  portBase: number;
  storageNodes?: number;
  coordinators?: number;
  /** Start the gateway too (default true). */
  gateway?: boolean;
  /** Added to every process's environment, over TEST_CLUSTER_ENV. */
  extraEnv?: Record<string, string>;
}

/**
 * Defaults for every test cluster's processes. Two clusters can run at once on a 2-core CI
 * runner, so the 2 s default request deadline (gateway and coordinators) is too tight there:
 * 10 s. Tests that need another deadline set RINGKV_REQUEST_TIMEOUT_MS in `extraEnv`.
 */
export const TEST_CLUSTER_ENV: Readonly<Record<string, string>> = {
  RINGKV_REQUEST_TIMEOUT_MS: '10000',
};

export interface TestCluster extends LocalCluster {
  adminKey: string;
  dataDir: string;
  databaseUrl: string;
  redisPrefix: string;
  destroy(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

export function databaseUrlFor(name: string): string {
  const url = new URL(TEST_POSTGRES);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startTestCluster(options: TestClusterOptions): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ringkv-cluster-'));
  const databaseUrl = databaseUrlFor(uniqueName('ringkv_test'));
  const redisPrefix = `${uniqueName('ringkv_test')}:`;
  const adminKey = `rkv_admin_${randomBytes(32).toString('base64url')}`;
  const cleanup = async () => {
    await dropDatabase(databaseUrl).catch(() => undefined);
    // RINGKV_TEST_KEEP_DATA=1 keeps data and logs of test clusters for post-mortems.
    if (process.env['RINGKV_TEST_KEEP_DATA'] !== '1') rmSync(dataDir, { recursive: true, force: true });
  };
  let cluster: LocalCluster;
  try {
    cluster = await startLocalCluster({
      workspaceRoot: findWorkspaceRoot(__dirname),
      storageNodes: options.storageNodes ?? 3,
      coordinators: options.coordinators ?? 2,
      portBase: options.portBase,
      dataDir,
      databaseUrl,
      redisUrl: TEST_REDIS,
      redisPrefix,
      adminKey,
      logLevel: 'info',
      gateway: options.gateway,
      extraEnv: { ...TEST_CLUSTER_ENV, ...options.extraEnv },
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    plan: cluster.plan,
    supervisor: cluster.supervisor,
    logsDir: cluster.logsDir,
    process: (name: string) => cluster.process(name),
    stop: () => cluster.stop(),
    get gatewayUrl() {
      return cluster.gatewayUrl;
    },
    get respPort() {
      return cluster.respPort;
    },
    adminKey,
    dataDir,
    databaseUrl,
    redisPrefix,
    destroy: async () => {
      try {
        await cluster.stop();
      } finally {
        await cleanup();
      }
    },
  };
}
