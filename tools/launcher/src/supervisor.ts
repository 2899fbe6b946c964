/**
 * Runs the cluster's processes as children of this one: starts them in plan order, waits until
 * each answers `/health/ready`, reports any child that exits unexpectedly, and stops them all in
 * reverse order (SIGTERM, then SIGKILL after a grace period) — also when startup fails half-way,
 * so no process is left behind.
 *
 * Children get an IPC channel and RINGKV_EXIT_WITH_PARENT=1: if this process dies without
 * stopping them (even SIGKILL), they see the channel close and shut themselves down.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessSpec } from './cluster-plan';
import { appEntry } from './workspace';

/**
 * Node flags every RingKV service runs with (the Dockerfile uses the same). A 64 MiB young
 * generation semi-space: the request paths allocate many short-lived objects, and fewer,
 * larger scavenges cut the gateway's CPU per request by about 15% (docs/benchmarks.md).
 */
export const SERVICE_NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=64'];

export interface RunningProcess {
  spec: ProcessSpec;
  child: ChildProcess;
  logFile: string;
  exited: boolean;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

export interface SupervisorOptions {
  workspaceRoot: string;
  logsDir: string;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  /** Told about children that exit while the cluster is supposed to be running. */
  onUnexpectedExit?: (proc: RunningProcess) => void;
}

export class StartupError extends Error {
  constructor(
    message: string,
    readonly processName: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last lines of ${processName}'s log ---\n${logTail}`);
  }
}

export class Supervisor {
  readonly processes: RunningProcess[] = [];
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    mkdirSync(options.logsDir, { recursive: true });
  }

  /** Starts every process in order; on any failure stops what was started and rethrows. */
  async startAll(plan: ProcessSpec[]): Promise<void> {
    try {
      for (const spec of plan) await this.waitReady(this.start(spec));
    } catch (error) {
      await this.stopAll();
      throw error;
    }
  }

  start(spec: ProcessSpec): RunningProcess {
    const entry = appEntry(this.options.workspaceRoot, spec.app);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    const logFile = join(this.options.logsDir, `${spec.name}.log`);
    const fd = openSync(logFile, 'a');
    // RINGKV_CHILD_NODE_ARGS adds Node flags to every child (e.g. `--cpu-prof` for profiling).
    const extraArgs = (process.env['RINGKV_CHILD_NODE_ARGS'] ?? '').split(' ').filter((a) => a.length > 0);
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...extraArgs, entry], {
      cwd: this.options.workspaceRoot,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', fd, fd, 'ipc'],
    });
    closeSync(fd);
    const proc: RunningProcess = { spec, child, logFile, exited: false, exitCode: null, exitSignal: null };
    child.on('exit', (code, signal) => {
      proc.exited = true;
      proc.exitCode = code;
      proc.exitSignal = signal;
      if (!this.stopping) this.options.onUnexpectedExit?.(proc);
    });
    // The IPC channel exists only so children notice our death; nothing is sent on it.
    child.on('error', () => undefined);
    this.processes.push(proc);
    return proc;
  }

  /**
   * Polls `/health/ready` until 200, the child exits, or the timeout passes. The answer does not
   * say which process sent it, so a 200 counts only while the child is still running: otherwise
   * it came from some other process on the port (and the child exited, e.g. on EADDRINUSE).
   */
  async waitReady(proc: RunningProcess): Promise<void> {
    const url = `http://127.0.0.1:${proc.spec.httpPort}/health/ready`;
    const deadline = Date.now() + this.options.readyTimeoutMs;
    let otherAnswered = false;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (proc.exited) {
        const other = otherAnswered ? `; another process answers on port ${proc.spec.httpPort}` : '';
        throw new StartupError(
          `${proc.spec.name} exited during startup (${describeExit(proc)}${other})`,
          proc.spec.name,
          tail(proc.logFile),
        );
      }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) {
          if (!proc.exited) return;
          otherAnswered = true;
          continue; // reported at the top of the loop
        }
        last = `HTTP ${response.status}: ${await response.text()}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(200);
    }
    throw new StartupError(
      `${proc.spec.name} was not ready within ${this.options.readyTimeoutMs} ms (${url}: ${last})`,
      proc.spec.name,
      tail(proc.logFile),
    );
  }

  /** Stops processes in reverse start order; each gets SIGTERM, then SIGKILL after the timeout. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const proc of [...this.processes].reverse()) await this.stop(proc);
  }

  async stop(proc: RunningProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (proc.exited) return;
    const exited = once(proc.child, 'exit');
    proc.child.kill(signal);
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), this.options.stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

export function describeExit(proc: RunningProcess): string {
  return proc.exitSignal ? `signal ${proc.exitSignal}` : `exit code ${proc.exitCode}`;
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
