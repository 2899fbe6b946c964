/**
 * Makes sure PostgreSQL and Redis are reachable before anything starts. A local service that is
 * installed but stopped is started with the OS tools; anything else stops with the exact command
 * that fixes it. Also creates the cluster's database when it does not exist yet.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Client } from 'pg';
import Redis from 'ioredis';

export class ServiceUnavailableError extends Error {
  constructor(
    readonly service: 'PostgreSQL' | 'Redis',
    reason: string,
    readonly fix: string,
  ) {
    super(`${service} is not reachable (${reason}).\nFix: ${fix}`);
  }
}

type Log = (line: string) => void;

const isLocal = (url: URL) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname);

const POSTGRES_START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';
const INSTALL_HINT =
  'install them with `apt-get install postgresql redis-server`, or run `docker compose up -d postgres redis`';

async function postgresReachable(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: maintenanceUrl(url), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisReachable(url: string): Promise<string | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.disconnect();
  }
}

export async function ensurePostgres(url: string, log: Log): Promise<void> {
  let problem = await postgresReachable(url);
  if (problem === undefined) return;
  const parsed = new URL(url);
  const canStart = isLocal(parsed) && existsSync('/etc/postgresql') && commandExists('pg_ctlcluster');
  if (!canStart) {
    throw new ServiceUnavailableError(
      'PostgreSQL',
      problem,
      isLocal(parsed) ? INSTALL_HINT : `check DATABASE_URL (${redact(parsed)})`,
    );
  }
  log(`PostgreSQL is down (${problem}); starting it: ${POSTGRES_START}`);
  for (const version of readdirSync('/etc/postgresql')) {
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'ignore' });
  }
  problem = await retry(() => postgresReachable(url));
  if (problem !== undefined) throw new ServiceUnavailableError('PostgreSQL', problem, POSTGRES_START);
}

export async function ensureRedis(url: string, log: Log): Promise<void> {
  let problem = await redisReachable(url);
  if (problem === undefined) return;
  const parsed = new URL(url);
  const canStart = isLocal(parsed) && commandExists('redis-server');
  if (!canStart) {
    throw new ServiceUnavailableError(
      'Redis',
      problem,
      isLocal(parsed) ? INSTALL_HINT : `check REDIS_URL (${redact(parsed)})`,
    );
  }
  log(`Redis is down (${problem}); starting it: ${REDIS_START}`);
  const port = parsed.port || '6379';
  spawnSync(
    'redis-server',
    ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', port, '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  problem = await retry(() => redisReachable(url));
  if (problem !== undefined) throw new ServiceUnavailableError('Redis', problem, REDIS_START);
}

/** Creates the database named in `url` if it does not exist (connecting to `postgres` to do so). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}" in DATABASE_URL`);
  const client = new Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(`create database "${name}"`);
    return true;
  } finally {
    await client.end();
  }
}

/** Drops a database (test clusters clean up after themselves). */
export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  const client = new Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = '***';
  return copy.toString();
}

function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function retry(probe: () => Promise<string | undefined>, attempts = 20): Promise<string | undefined> {
  let problem: string | undefined;
  for (let i = 0; i < attempts; i++) {
    problem = await probe();
    if (problem === undefined) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return problem;
}
