/**
 * Storage node processes for integration tests: spawns the built app
 * (`dist/storage-node/apps/storage-node/src/main.js`) with its own data directory and ports,
 * waits for `/health/ready`, and stops it with SIGTERM or SIGKILL. Every process started through
 * `StorageNodeProcesses` is killed by `stopAll()`, which tests call in `afterEach`/`afterAll`
 * so that nothing outlives a failing test. Like the launcher's children, nodes get an IPC
 * channel and RINGKV_EXIT_WITH_PARENT=1, so they also shut down if the Jest worker dies.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { findWorkspaceRoot } from '@ringkv/launcher';
import { storageV1 } from '@ringkv/proto';

export interface StorageNodeOptions {
  nodeId: string;
  dataDir: string;
  httpPort: number;
  grpcPort: number;
  env?: Record<string, string>;
}

export interface StorageNodeProcess {
  options: StorageNodeOptions;
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  client: storageV1.StorageServiceClient;
  ranges: storageV1.StorageRangeServiceClient;
}

const workspace = findWorkspaceRoot(__dirname);
export const STORAGE_NODE_ENTRY = join(workspace, 'dist/storage-node/apps/storage-node/src/main.js');

export function tempDataDir(prefix = 'ringkv-node-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export class StorageNodeProcesses {
  private readonly running = new Set<StorageNodeProcess>();
  private readonly dirs = new Set<string>();

  dataDir(): string {
    const dir = tempDataDir();
    this.dirs.add(dir);
    return dir;
  }

  /** Spawns a node; does not wait for readiness (see `ready`). */
  spawn(options: StorageNodeOptions): StorageNodeProcess {
    if (!existsSync(STORAGE_NODE_ENTRY)) {
      throw new Error(
        `${STORAGE_NODE_ENTRY} is missing: run \`npx nx run-many -t build --projects=storage-node\` first`,
      );
    }
    const child = spawn(process.execPath, ['--enable-source-maps', STORAGE_NODE_ENTRY], {
      cwd: workspace,
      env: {
        ...process.env,
        RINGKV_NODE_ID: options.nodeId,
        RINGKV_DATA_DIR: options.dataDir,
        RINGKV_HTTP_PORT: String(options.httpPort),
        RINGKV_GRPC_PORT: String(options.grpcPort),
        RINGKV_SERVICE_NAME: options.nodeId,
        RINGKV_LOG_LEVEL: 'info',
        RINGKV_SHUTDOWN_TIMEOUT_MS: '10000',
        RINGKV_EXIT_WITH_PARENT: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // The IPC channel exists only so the node notices this process's death; nothing is sent on
    // it, and an error on it (the node already gone) must not fail the test run.
    child.on('error', () => undefined);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    const address = `127.0.0.1:${options.grpcPort}`;
    const node: StorageNodeProcess = {
      options,
      child,
      output: () => output,
      exit,
      client: new storageV1.StorageServiceClient(address, credentials.createInsecure()),
      ranges: new storageV1.StorageRangeServiceClient(address, credentials.createInsecure()),
    };
    this.running.add(node);
    void exit.then(() => {
      node.client.close();
      node.ranges.close();
    });
    return node;
  }

  /** Spawns a node and waits until `/health/ready` answers 200. */
  async start(options: StorageNodeOptions): Promise<StorageNodeProcess> {
    const node = this.spawn(options);
    await waitReady(node);
    return node;
  }

  /** SIGTERM (graceful) or SIGKILL (crash); resolves with how it exited. */
  async stop(node: StorageNodeProcess, signal: NodeJS.Signals = 'SIGTERM') {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill(signal);
    const timer = setTimeout(() => node.child.kill('SIGKILL'), 20_000);
    const result = await node.exit;
    clearTimeout(timer);
    this.running.delete(node);
    return result;
  }

  /** Kills every node still running and removes the data directories. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((node) => this.stop(node, 'SIGKILL')));
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

/**
 * Polls `/health/ready` until 200, the node exits, or the timeout passes. `/health/ready` does
 * not say which process answered, so a 200 counts only while the spawned node is still running:
 * otherwise it came from some other process on the port (the node exited, e.g. on EADDRINUSE).
 */
export async function waitReady(node: StorageNodeProcess, timeoutMs = 30_000): Promise<void> {
  const url = `http://127.0.0.1:${node.options.httpPort}/health/ready`;
  const deadline = Date.now() + timeoutMs;
  const exited = () => node.child.exitCode !== null || node.child.signalCode !== null;
  let otherAnswered = false;
  let last = '';
  while (Date.now() < deadline) {
    if (exited()) {
      const other = otherAnswered ? ` (another process answers on port ${node.options.httpPort})` : '';
      throw new Error(`storage node ${node.options.nodeId} exited during startup${other}:\n${node.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) {
        if (!exited()) return;
        otherAnswered = true;
        continue; // reported at the top of the loop
      }
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `storage node ${node.options.nodeId} not ready after ${timeoutMs} ms (${last}):\n${node.output()}`,
  );
}

/** Promisifies one unary call: `unary<GetResponse>((done) => node.client.get(request, done))`. */
export function unary<Res>(
  invoke: (done: (error: ServiceError | null, response: Res) => void) => unknown,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    invoke((error, response) => (error ? reject(error) : resolve(response))),
  );
}
