/**
 * The engine-thread side of the table worker: starts the thread, runs flush and compaction jobs
 * on it, and answers its requests to resolve keys with the engine's `reconcile` and compaction
 * filter.
 *
 * Contract:
 * - `writeTable` and `compact` resolve with the new table's properties (undefined: no file, the
 *   output was empty) once the file is written, fsynced and closed; the caller then makes it
 *   durable in its directory and opens it (`openBuiltTable`), exactly as on the inline path.
 * - Every failure is an EngineError: worker-side errors keep their code (DISK_FULL, IO_ERROR,
 *   CORRUPTION...); a worker that dies (uncaught error, out of memory, `kill()`) fails all its
 *   jobs with IO_ERROR, their partial files are unlinked, and the next job starts a new thread.
 *   A job never resolves without its file being complete, so nothing is lost silently: the
 *   engine keeps the memtable (or the compaction inputs) and retries.
 * - The thread is started on first use and kept referenced only while a job is pending, so an
 *   idle engine does not keep the process alive; `close()` terminates it.
 * Only for a FileSystem on the local disk (`fs.localDisk`): the worker opens paths directly.
 */
import { unlink } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Worker } from 'node:worker_threads';
import { compactGroup, type CompactionCounters, type CompactionRules } from '../compaction/compaction-job';
import type { BuildEntries, BuildEntry } from '../db/table-builder';
import { EngineError, toEngineError } from '../errors';
import type { EntryKind } from '../format/entry-kind';
import type { KindedValue } from '../iterator/resolve-entries';
import { Memtable } from '../memtable/memtable';
import type { RulesModule } from '../rules-module';
import type { SSTableProperties } from '../sstable';
import { PackReader, PackWriter, type Packed } from './packed-bytes';
import {
  ENTRY_CHUNK_BYTES,
  MAX_CHUNKS_IN_FLIGHT,
  deserializeError,
  reviveProperties,
  type CompactRequest,
  type HostMessage,
  type WorkerMessage,
} from './table-worker-protocol';

interface Job {
  path: string;
  worker: Worker;
  resolve: (m: Extract<WorkerMessage, { type: 'done' }>) => void;
  reject: (err: EngineError) => void;
  failed?: EngineError;
  inFlight: number;
  onAck?: () => void;
  onResolve?: (m: Extract<WorkerMessage, { type: 'resolve' }>) => void;
}

export interface TableWorkerStats {
  /** Threads started (more than one means a worker died and was replaced). */
  started: number;
  jobs: number;
  failedJobs: number;
  running: boolean;
}

export class TableWorkerClient {
  private worker: Worker | undefined;
  private readonly jobs = new Map<number, Job>();
  private nextJob = 1;
  private closed = false;
  private readonly counters = { started: 0, jobs: 0, failedJobs: 0 };

  stats(): TableWorkerStats {
    return { ...this.counters, running: this.worker !== undefined };
  }

  /** Encodes a sorted entry stream (a flushed memtable) into the table at `path`. */
  async writeTable(path: string, entries: BuildEntries): Promise<SSTableProperties | undefined> {
    const { id, job, done } = this.startJob(path, { type: 'build', job: 0, path });
    const pack = new PackWriter(ENTRY_CHUNK_BYTES + 64 * 1024);
    const send = async () => {
      while (job.inFlight >= MAX_CHUNKS_IN_FLIGHT && !job.failed)
        await new Promise<void>((r) => (job.onAck = r));
      if (job.failed) return;
      const packed = pack.take();
      job.inFlight++;
      this.post(job, { type: 'entries', job: id, ...packed }, [packed.buffer]);
      // Let foreground work (commit-log completions, reads) run between chunks.
      await new Promise<void>((r) => setImmediate(r));
    };
    try {
      if (entries instanceof Memtable) {
        for (let cursor = 0; cursor >= 0 && !job.failed;) {
          cursor = entries.packInto(pack, cursor, ENTRY_CHUNK_BYTES);
          if (pack.length >= ENTRY_CHUNK_BYTES) await send();
        }
      } else {
        for await (const e of entries) {
          if (job.failed) break;
          pack.entry(e.key, e.kind, e.value);
          if (pack.length >= ENTRY_CHUNK_BYTES) await send();
        }
      }
      if (!job.failed) {
        if (pack.length > 0) await send();
        this.post(job, { type: 'finish', job: id });
      }
    } catch (err) {
      // The entry source failed (not the worker): stop the job, which removes its file.
      this.post(job, { type: 'abort', job: id });
      await done.catch(() => undefined);
      throw toEngineError(err, `writing table ${path}`);
    }
    const m = await done;
    return m.props ? reviveProperties(m.props) : undefined;
  }

  /**
   * Merges the input tables (newest first) into the table at `path` under `rules`. Keys the
   * worker hands back are resolved here with `compactGroup`, so `counters` sees every key.
   * With `rulesModule` (the module `rules` came from) the worker decides every key itself.
   */
  async compact(
    path: string,
    inputs: string[],
    rules: CompactionRules,
    counters: CompactionCounters,
    options: { signal?: AbortSignal; rulesModule?: RulesModule } = {},
  ): Promise<SSTableProperties | undefined> {
    const { signal, rulesModule } = options;
    const request: CompactRequest = {
      inputs,
      bottommost: rules.bottommost,
      filterAll: rules.filter !== undefined,
      now: rules.now,
      rulesModule,
    };
    const { id, job, done } = this.startJob(path, { type: 'compact', job: 0, path, ...request });
    let hostError: unknown;
    job.onResolve = (m) => {
      try {
        const answer = resolveGroups(m, rules, counters);
        this.post(job, { type: 'resolved', job: id, ...answer }, [answer.buffer]);
      } catch (err) {
        // reconcile or the filter threw: the compaction cannot be completed correctly.
        hostError = err;
        this.post(job, { type: 'abort', job: id });
      }
    };
    const onAbort = () => this.post(job, { type: 'abort', job: id });
    signal?.addEventListener('abort', onAbort);
    try {
      if (signal?.aborted) onAbort();
      const m = await done;
      counters.keysIn += m.counters.keysIn;
      counters.keysOut += m.counters.keysOut;
      counters.dropped += m.counters.dropped;
      counters.rewritten += m.counters.rewritten;
      return m.props ? reviveProperties(m.props) : undefined;
    } catch (err) {
      if (hostError !== undefined)
        throw toEngineError(hostError, 'compaction (reconcile or compaction filter)');
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Terminates the thread as a crash would: running jobs fail, the next job starts a new one. */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new EngineError('CLOSED', 'table worker closed'));
    await w?.terminate();
  }

  private startJob(
    path: string,
    first: HostMessage,
  ): { id: number; job: Job; done: Promise<Extract<WorkerMessage, { type: 'done' }>> } {
    if (this.closed) throw new EngineError('CLOSED', 'table worker closed');
    const worker = this.ensureWorker();
    const id = this.nextJob++;
    let job!: Job;
    const done = new Promise<Extract<WorkerMessage, { type: 'done' }>>((resolve, reject) => {
      job = { path, worker, resolve, reject, inFlight: 0 };
    });
    done.catch(() => undefined); // observed by the caller; never an unhandled rejection
    this.jobs.set(id, job);
    this.counters.jobs++;
    worker.ref();
    this.post(job, { ...first, job: id });
    return { id, job, done };
  }

  private post(job: Job, m: HostMessage, transfer?: ArrayBuffer[]): void {
    if (job.failed) return;
    job.worker.postMessage(m, transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = spawnTableWorker();
    this.counters.started++;
    w.on('message', (m: WorkerMessage) => this.onMessage(m));
    w.on('error', (err) => this.onDeath(w, err));
    w.on('exit', (code) => this.onDeath(w, new Error(`exited with code ${code}`)));
    w.unref();
    this.worker = w;
    return w;
  }

  private onMessage(m: WorkerMessage): void {
    const job = this.jobs.get(m.job);
    if (!job) return;
    switch (m.type) {
      case 'ack':
        job.inFlight--;
        job.onAck?.();
        job.onAck = undefined;
        return;
      case 'resolve':
        job.onResolve?.(m);
        return;
      case 'done':
        this.finishJob(m.job, job);
        job.resolve(m);
        return;
      case 'failed':
        this.fail(m.job, job, deserializeError(m.error, `table worker job for ${job.path}`));
        return;
    }
  }

  private onDeath(w: Worker, err: Error): void {
    if (this.worker === w) this.worker = undefined;
    const stillThere = [...this.jobs].filter(([, j]) => j.worker === w);
    for (const [id, job] of stillThere) {
      this.fail(
        id,
        job,
        new EngineError('IO_ERROR', `table worker stopped while writing ${job.path}: ${err.message}`, {
          cause: err,
        }),
      );
      // The dead thread cannot clean up; the file is in no manifest yet.
      void unlink(job.path).catch(() => undefined);
    }
  }

  private failAll(err: EngineError): void {
    for (const [id, job] of [...this.jobs]) this.fail(id, job, err);
  }

  private fail(id: number, job: Job, err: EngineError): void {
    this.counters.failedJobs++;
    job.failed = err;
    this.finishJob(id, job);
    job.onAck?.();
    job.reject(err);
  }

  private finishJob(id: number, job: Job): void {
    this.jobs.delete(id);
    if (![...this.jobs.values()].some((j) => j.worker === job.worker)) job.worker.unref();
  }
}

/** Answers one "resolve" batch: the engine-thread half of a worker compaction. */
function resolveGroups(
  m: Packed & { count: number },
  rules: CompactionRules,
  counters: CompactionCounters,
): Packed {
  const r = new PackReader(m);
  const out = new PackWriter(Math.max(1024, m.length));
  for (let i = 0; i < m.count; i++) {
    const key = Buffer.from(r.raw(r.u32()));
    const n = r.u32();
    const entries: KindedValue[] = [];
    for (let j = 0; j < n; j++) {
      const kind = r.u8() as EntryKind;
      // Copies: reconcile and the filter may keep what they are given.
      entries.push({ kind, value: Buffer.from(r.raw(r.u32())) });
    }
    const e: BuildEntry | undefined = compactGroup(rules, key, entries, counters);
    out.u8(e ? e.kind : 0);
    out.u32(e ? e.value.length : 0);
    if (e) out.raw(e.value);
  }
  return out.take();
}

/**
 * Starts the worker thread from the compiled `table-worker.js` beside this file. When the engine
 * runs from its TypeScript sources (the test runner), there is no .js file: the thread then
 * compiles the sources as it loads them, with the repository's swc.
 */
function spawnTableWorker(): Worker {
  if (__filename.endsWith('.js')) return new Worker(nodePath.join(__dirname, 'table-worker.js'));
  const swc = require.resolve('@swc/core', { paths: [__dirname] });
  const entry = nodePath.join(__dirname, 'table-worker.ts');
  const code = `
    const { transformSync } = require(${JSON.stringify(swc)});
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (module, filename) => {
      const { code } = transformSync(readFileSync(filename, 'utf8'), {
        filename, swcrc: false,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      module._compile(code, filename);
    };
    require(${JSON.stringify(entry)});
  `;
  return new Worker(code, { eval: true });
}
