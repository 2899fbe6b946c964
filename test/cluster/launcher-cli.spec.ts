/**
 * `npm start`'s launcher as a user runs it: it prints how to reach the cluster, Ctrl-C stops
 * every process, and even a launcher killed with SIGKILL leaves no process behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appEntry, dropDatabase, findWorkspaceRoot } from '@ringkv/launcher';
import { Client } from 'pg';
import { databaseUrlFor, uniqueName } from '../support/test-cluster';

const root = findWorkspaceRoot(__dirname);
const cli = join(root, 'dist', 'launcher', 'tools', 'launcher', 'src', 'cli.js');

interface Launched {
  child: ChildProcess;
  output: () => string;
  dataDir: string;
  databaseUrl: string;
}

function launch(portBase: number): Launched {
  const dataDir = mkdtempSync(join(tmpdir(), 'ringkv-cli-'));
  const databaseUrl = databaseUrlFor(uniqueName('ringkv_test'));
  let output = '';
  const child = spawn(
    process.execPath,
    [
      cli,
      '--port-base',
      String(portBase),
      '--data-dir',
      dataDir,
      '--coordinators',
      '1',
      '--storage-nodes',
      '3',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        RINGKV_REDIS_PREFIX: `${uniqueName('ringkv_test')}:`,
        RINGKV_ADMIN_KEY: '',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'], // the launcher stops its cluster if this worker dies
    },
  );
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  return { child, output: () => output, dataDir, databaseUrl };
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Whether something accepts TCP connections on a loopback port. A TCP probe, not HTTP: the list
 * includes RESP and gRPC (HTTP/2-only) ports, which never answer an HTTP/1.1 request.
 */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1_000);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(true)); // a listener too busy to accept is still there
    socket.once('error', () => done(false));
  });
}

/** The ports still listening after `timeoutMs` (probed at least once, also with 0). */
async function portsClosed(ports: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let open = ports;
  for (;;) {
    const results = await Promise.all(open.map(async (port) => ((await listening(port)) ? port : undefined)));
    open = results.filter((p): p is number => p !== undefined);
    if (open.length === 0 || Date.now() >= deadline) return open;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('launcher CLI', () => {
  const launched: Launched[] = [];
  afterAll(async () => {
    for (const l of launched) {
      // Still running only if its test failed: Ctrl-C stops the cluster (SIGKILL if it hangs).
      if (l.child.exitCode === null && l.child.signalCode === null) {
        const exited = once(l.child, 'exit');
        l.child.kill('SIGINT');
        const timer = setTimeout(() => l.child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(l.dataDir, { recursive: true, force: true });
      await dropDatabase(l.databaseUrl).catch(() => undefined);
    }
  });

  it('has its built entry points', () => {
    expect(appEntry(root, 'gateway')).toMatch(/dist\/gateway\/apps\/gateway\/src\/main\.js$/);
  });

  it('prints the gateway URL, RESP port and admin key, and Ctrl-C stops every process', async () => {
    const l = launch(21_300);
    launched.push(l);
    await waitFor(() => l.output().includes('Press Ctrl-C'), 90_000, `the cluster to start:\n${l.output()}`);
    expect(l.output()).toContain('REST API      http://127.0.0.1:21300');
    expect(l.output()).toContain('redis-cli -p 21301');
    expect(l.output()).toMatch(/Admin key\s+rkv_admin_[A-Za-z0-9_-]{43}/);
    const ports = [21300, 21301, 21310, 21320, 21330, 21331, 21332, 21340, 21341, 21342];
    expect(await portsClosed(ports, 0)).toEqual(ports);

    l.child.kill('SIGINT');
    const [code] = await once(l.child, 'exit');
    expect(code).toBe(0);
    expect(l.output()).toContain('stopped.');
    expect(await portsClosed(ports, 5_000)).toEqual([]);
  });

  it('refuses impossible options before it creates or starts anything', async () => {
    const l = launch(99_999);
    launched.push(l);
    const [code] = await once(l.child, 'exit');
    expect(code).not.toBe(0);
    expect(l.output()).toMatch(/port base must be 1024\.\.\d+, got 99999/);
    const pg = new Client({ connectionString: databaseUrlFor('postgres') });
    await pg.connect();
    try {
      const found = await pg.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        new URL(l.databaseUrl).pathname.slice(1),
      ]);
      expect(found.rowCount).toBe(0);
    } finally {
      await pg.end();
    }
  });

  it('leaves no process behind when the launcher itself is killed with SIGKILL', async () => {
    const l = launch(21_400);
    launched.push(l);
    await waitFor(() => l.output().includes('Press Ctrl-C'), 90_000, `the cluster to start:\n${l.output()}`);
    l.child.kill('SIGKILL');
    await once(l.child, 'exit');
    expect(
      await portsClosed([21400, 21401, 21410, 21420, 21430, 21431, 21432, 21440, 21441, 21442], 20_000),
    ).toEqual([]);
  });
});
