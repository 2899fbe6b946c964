/**
 * StorageEngine: the LSM engine's orchestration (write path, read path, background flush and
 * compaction, lifecycle).
 *
 * Contract:
 * - `write(batch)` assigns the batch consecutive sequence numbers, enqueues ONE commit-log
 *   record and applies the ops to the memtable in the same tick, so batches are atomic and
 *   ordered. It resolves when the record is durable (`batch` sync mode) or written (`periodic`).
 *   A write is visible to reads as soon as it is applied, possibly just before its fsync ends.
 * - A commit-log failure (failed write/fsync, full disk) is sticky: the failing and all later
 *   writes reject and the engine stays read-only until reopened (replay then decides what
 *   survived). Reads keep working.
 * - Writes stall (wait, in arrival order) only when the memtable is full and
 *   `maxImmutableMemtables` memtables already wait for flush; they never fail for it.
 * - Flushes run one at a time, oldest memtable first; compactions run one at a time. Both
 *   install their result by rewriting the manifest through one serial queue; a failure leaves
 *   the old tables live (nothing is lost) and is retried later.
 * - Reads snapshot the memtables and the table list synchronously and hold table references,
 *   so compaction never blocks them and never deletes a file under them. A scan is a
 *   point-in-time snapshot: it reads the active memtable at the sequence number current when it
 *   started (the memtable keeps older versions), so later writes never show up in it.
 * Single-threaded: all state is touched on the event loop only. The table worker (when used,
 * docs/adr/0004-table-worker-thread.md) only writes new table files and shares no state.
 */
import * as nodePath from 'node:path';
import { encodeBatchRecord } from './commit-log/commit-log-record';
import { CommitLogWriter } from './commit-log/commit-log-writer';
import { BATCH_OP_HEADER_BYTES, MAX_RECORD_PAYLOAD_BYTES, SEGMENT_SUFFIX } from './commit-log/commit-log-format';
import { Compactor } from './compaction/compactor';
import { acquireDirectoryLock, type DirectoryLock } from './db/directory-lock';
import type { EngineStats } from './db/engine-stats';
import { recover, type RecoveryReport } from './db/recovery';
import { buildTable, writeTableInline, type TableBuildContext } from './db/table-builder';
import { refAll, unrefAll, type TableHandle } from './db/table-handle';
import { EngineError, toEngineError } from './errors';
import { parseNumberedFile, tablePath } from './file-names';
import { EntryKind } from './format/entry-kind';
import { MergingIterator, type EntrySource } from './iterator/merging-iterator';
import { resolveEntries, type KindedValue } from './iterator/resolve-entries';
import { writeManifest, type ManifestState } from './manifest/manifest';
import { Memtable, arenaChunkBytesFor } from './memtable/memtable';
import { resolveOptions, type EngineOptions } from './options';
import { BlockCache } from './sstable';
import { TableWorkerClient } from './table-worker/table-worker-client';
import { WriteBatch } from './write-batch';

export interface ScanRange {
  /** Inclusive. */
  start?: Uint8Array;
  /** Exclusive. */
  end?: Uint8Array;
}

export interface KeyValue {
  key: Buffer;
  value: Buffer;
}

function toKey(key: Uint8Array | string): Buffer {
  if (typeof key === 'string') return Buffer.from(key, 'utf8');
  return Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

export class StorageEngine {
  private mem: Memtable;
  /** Oldest first. */
  private readonly imms: Memtable[] = [];
  /** Newest first; each holds one list reference. */
  private tables: TableHandle[];
  private seq: bigint;
  private nextFileNumber: bigint;
  private logNumber: bigint;
  private readonly log: CommitLogWriter;
  private readonly cache: BlockCache;
  private readonly ctx: TableBuildContext;

  private closing = false;
  private readonly stalled: (() => void)[] = [];
  private flushing: Promise<void> | undefined;
  private readonly compactor: Compactor;
  private retryTimer: NodeJS.Timeout | undefined;
  private manifestQueue: Promise<unknown> = Promise.resolve();
  private readonly pendingFrees = new Set<Promise<void>>();
  private lastBackgroundError: string | undefined;

  private readonly counters = {
    batches: 0,
    ops: 0,
    stalls: 0,
    flushes: 0,
    flushFailures: 0,
    flushBytes: 0,
  };

  private constructor(
    readonly dir: string,
    private readonly opts: EngineOptions,
    cache: BlockCache,
    ctx: TableBuildContext,
    manifest: ManifestState,
    tables: TableHandle[],
    /** What opening found and repaired (torn tail, skipped records, orphans). */
    readonly recovery: RecoveryReport,
    private readonly tableWorker: TableWorkerClient | undefined,
    private readonly lock: DirectoryLock,
  ) {
    this.cache = cache;
    this.ctx = ctx;
    this.tables = tables;
    this.seq = manifest.lastSequence;
    this.nextFileNumber = manifest.nextFileNumber;
    this.logNumber = manifest.logNumber;
    this.mem = this.newMemtable(manifest.logNumber);
    this.compactor = new Compactor({
      opts,
      ctx,
      tables: () => this.tables,
      worker: tableWorker,
      installTables: (edit) => this.installManifest(edit),
      allocateFileNumber: () => this.allocateFileNumber(),
      isClosing: () => this.closing,
      onBackgroundError: (message) => {
        this.lastBackgroundError = message;
      },
    });
    this.log = new CommitLogWriter(opts.fs, dir, manifest.logNumber, {
      syncMode: opts.syncMode,
      syncPeriodMs: opts.syncPeriodMs,
      segmentBytes: opts.commitLogSegmentBytes,
      allocateSegmentNumber: () => this.allocateFileNumber(),
    });
  }

  /** Opens (creating if needed) the engine in `dir`; replays the commit log before resolving. */
  static async open(dir: string, options: Partial<EngineOptions> = {}): Promise<StorageEngine> {
    const opts = resolveOptions(options);
    await opts.fs.mkdir(dir);
    const lock = await acquireDirectoryLock(opts.fs, dir);
    const cache = new BlockCache(opts.blockCacheBytes);
    // Tables opened during recovery exist before the engine does; frees route through here.
    const holder: { engine?: StorageEngine } = {};
    const useWorker = opts.tableWorker === 'on' || (opts.tableWorker === 'auto' && opts.fs.localDisk === true);
    const worker = useWorker ? new TableWorkerClient() : undefined;
    const ctx: TableBuildContext = {
      fs: opts.fs,
      dir,
      cache,
      writeTable: worker
        ? (path, entries) => worker.writeTable(path, entries)
        : writeTableInline(opts.fs, opts.backgroundYieldEntries),
      onFree: (h) => holder.engine?.freeTable(h) ?? void h.reader.close().catch(() => undefined),
    };
    let state: Awaited<ReturnType<typeof recover>>;
    try {
      state = await recover(opts, dir, ctx);
    } catch (err) {
      await worker?.close();
      await lock.release();
      throw err;
    }
    const engine = new StorageEngine(dir, opts, cache, ctx, state.manifest, state.tables, state.report, worker, lock);
    holder.engine = engine;
    engine.compactor.schedule();
    return engine;
  }

  // ---- writes ----------------------------------------------------------------------------

  put(key: Uint8Array | string, value: Uint8Array | string): Promise<void> {
    return this.write(new WriteBatch().put(key, value));
  }

  delete(key: Uint8Array | string): Promise<void> {
    return this.write(new WriteBatch().delete(key));
  }

  merge(key: Uint8Array | string, operand: Uint8Array | string): Promise<void> {
    return this.write(new WriteBatch().merge(key, operand));
  }

  async write(batch: WriteBatch): Promise<void> {
    this.checkWritable();
    for (const op of batch.ops) {
      if (op.key.length === 0 || op.key.length > this.opts.maxKeyBytes) {
        throw new EngineError('INVALID_ARGUMENT', `key length ${op.key.length} outside 1..${this.opts.maxKeyBytes}`);
      }
      if (op.value.length > this.opts.maxValueBytes) {
        throw new EngineError('INVALID_ARGUMENT', `value length ${op.value.length} exceeds ${this.opts.maxValueBytes}`);
      }
    }
    if (batch.length === 0) return;
    if (batch.byteSize + batch.length * BATCH_OP_HEADER_BYTES > MAX_RECORD_PAYLOAD_BYTES) {
      throw new EngineError('INVALID_ARGUMENT', `batch of ${batch.byteSize} bytes exceeds one commit-log record`);
    }
    if (this.stalled.length > 0 || this.mustStall()) {
      this.counters.stalls++;
      await new Promise<void>((resolve) => this.stalled.push(resolve));
      try {
        this.checkWritable();
      } catch (err) {
        this.resumeStalled(); // pass the turn on, or the writers queued behind us never wake
        throw err;
      }
    }
    if (this.mem.approximateBytes >= this.opts.memtableBytes) this.switchMemtable();

    const first = this.seq + 1n;
    this.seq += BigInt(batch.length);
    const durable = this.log.append(encodeBatchRecord(first, batch.ops));
    // The memtable copies keys and values into its arena. Sequence numbers stay below 2^53.
    let seq = Number(first);
    for (const op of batch.ops) this.mem.apply(op.kind, op.key, op.value, seq++);
    this.counters.batches++;
    this.counters.ops += batch.length;
    this.resumeStalled();
    try {
      await durable;
    } catch (err) {
      throw new EngineError('READ_ONLY', `write not durable; engine is read-only until reopened: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** Switches the memtable (if non-empty) and resolves when every memtable is in a table. */
  async flush(): Promise<void> {
    this.checkOpen();
    if (this.mem.count > 0) this.switchMemtable();
    while (this.imms.length > 0) await this.scheduleFlush();
  }

  /** Flushes, then merges every table into one (bottommost: tombstones and filtered data go). */
  async compactRange(): Promise<void> {
    await this.flush();
    await this.compactor.compactAll();
  }

  // ---- reads -----------------------------------------------------------------------------

  async get(keyLike: Uint8Array | string): Promise<Buffer | undefined> {
    this.checkOpen();
    const key = toKey(keyLike);
    const found: KindedValue[] = [];
    const done = (): Buffer | undefined => {
      const r = resolveEntries(this.opts.reconcile, key, found, false);
      return r?.kind === EntryKind.Put ? r.value : undefined;
    };
    const fromMem = (m: Memtable): boolean => {
      const e = m.get(key);
      if (!e) return false;
      found.push(e);
      return e.kind !== EntryKind.Merge;
    };
    if (fromMem(this.mem)) return done();
    for (let i = this.imms.length - 1; i >= 0; i--) if (fromMem(this.imms[i])) return done();
    const tables = this.tables;
    refAll(tables);
    try {
      for (const t of tables) {
        // The reader checks key range and bloom filter itself before touching a block.
        const e = await t.reader.get(key);
        if (!e) continue;
        found.push({ kind: e.kind, value: e.value });
        if (e.kind !== EntryKind.Merge) break;
      }
    } finally {
      unrefAll(tables);
    }
    return done();
  }

  /**
   * Live key/value pairs with start <= key < end, in key order, as of the scan's first `next()`:
   * later writes, flushes and compactions do not change what it yields.
   */
  async *scan(range: ScanRange = {}): AsyncGenerator<KeyValue> {
    this.checkOpen();
    const { start, end } = range;
    // Taken synchronously, before any await: the memtables (the active one read at a sequence
    // number) and referenced tables together are one consistent snapshot.
    const snapshot = Number(this.seq);
    const mems = [this.mem, ...[...this.imms].reverse()];
    const tables = this.tables.filter((t) => t.overlaps(start, end));
    refAll(tables);
    const sources: EntrySource[] = [
      ...mems.map((m) => m.iterate(start, end, { copy: true, snapshot })),
      ...tables.map((t) => t.reader.iterate({ start, end })),
    ];
    const merged = new MergingIterator(sources);
    try {
      for await (const group of merged) {
        const r = resolveEntries(this.opts.reconcile, group.key, group.entries, false);
        if (r?.kind === EntryKind.Put) yield { key: group.key, value: r.value };
      }
    } finally {
      await merged.close();
      unrefAll(tables);
    }
  }

  // ---- stats and lifecycle -----------------------------------------------------------------

  stats(): EngineStats {
    const c = this.counters;
    return {
      sequence: this.seq,
      memtable: {
        bytes: this.mem.approximateBytes,
        entries: this.mem.count,
        immutableCount: this.imms.length,
        immutableBytes: this.imms.reduce((s, m) => s + m.approximateBytes, 0),
      },
      tables: this.tables.map((t) => ({
        fileNumber: t.meta.fileNumber,
        tier: t.meta.tier,
        fileSize: t.meta.fileSize,
        entryCount: t.meta.entryCount,
        tombstoneCount: t.meta.tombstoneCount,
      })),
      tableBytes: this.tables.reduce((s, t) => s + t.meta.fileSize, 0),
      commitLog: this.log.stats(),
      writes: { batches: c.batches, ops: c.ops, stalls: c.stalls, stalledNow: this.stalled.length },
      flushes: { completed: c.flushes, failed: c.flushFailures, bytesWritten: c.flushBytes },
      compactions: this.compactor.stats(),
      cache: this.cache.stats(),
      tableWorker: this.tableWorker?.stats(),
      lastBackgroundError: this.lastBackgroundError,
      readOnlyReason: (this.log.failed ?? this.lockLost())?.message,
      recovery: this.recovery,
    };
  }

  /**
   * Waits for background work, flushes what it can (best effort: anything unflushed is still in
   * the commit log), and releases every file. Stalled writers are rejected with CLOSED.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.compactor.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const resume of this.stalled.splice(0)) resume();
    try {
      await this.log.sync();
    } catch {
      // sticky failure; already reported by the writes it failed
    }
    if (!this.log.failed) {
      if (this.mem.count > 0) this.switchMemtable();
      await this.scheduleFlush().catch(() => undefined);
    }
    await this.compactor.idle();
    await this.manifestQueue.catch(() => undefined);
    await this.log.close().catch(() => undefined);
    for (const t of this.tables) t.retire(false);
    await Promise.all([...this.pendingFrees]);
    await this.tableWorker?.close();
    await this.lock.release();
  }

  // ---- internals ---------------------------------------------------------------------------

  private checkOpen(): void {
    if (this.closing) throw new EngineError('CLOSED', 'storage engine is closed');
  }

  private checkWritable(): void {
    this.checkOpen();
    const failed = this.log.failed ?? this.lockLost();
    if (failed) throw new EngineError('READ_ONLY', `engine is read-only until reopened: ${failed.message}`, { cause: failed });
  }

  /** The directory lock is gone (another process may be using the directory): stop writing. */
  private lockLost(): EngineError | undefined {
    const lost = this.lock.lost();
    return lost && new EngineError('READ_ONLY', `lost the directory lock: ${lost.message}`, { cause: lost });
  }

  private allocateFileNumber(): bigint {
    return this.nextFileNumber++;
  }

  private newMemtable(firstSegment: bigint): Memtable {
    return new Memtable(firstSegment, this.opts.reconcile, { arenaChunkBytes: arenaChunkBytesFor(this.opts.memtableBytes) });
  }

  private mustStall(): boolean {
    return this.mem.approximateBytes >= this.opts.memtableBytes && this.imms.length >= this.opts.maxImmutableMemtables;
  }

  private resumeStalled(): void {
    if (this.stalled.length > 0 && !this.mustStall()) this.stalled.shift()?.();
  }

  private switchMemtable(): void {
    const segment = this.allocateFileNumber();
    this.log.rotate(segment);
    this.mem.freeze();
    this.imms.push(this.mem);
    this.mem = this.newMemtable(segment);
    void this.scheduleFlush().catch(() => undefined);
  }

  /** Serializes manifest rewrites; `edit` computes the new table list from the current one. */
  private installManifest(edit: (tables: TableHandle[]) => TableHandle[], logNumber?: bigint): Promise<void> {
    const run = async (): Promise<void> => {
      const lost = this.lockLost();
      if (lost) throw lost;
      const tables = edit(this.tables);
      const nextLog = logNumber ?? this.logNumber;
      await writeManifest(this.opts.fs, this.dir, {
        nextFileNumber: this.nextFileNumber,
        logNumber: nextLog,
        lastSequence: this.seq,
        tables: tables.map((t) => t.meta),
      });
      this.tables = tables;
      this.logNumber = nextLog;
    };
    const p = this.manifestQueue.then(run, run);
    this.manifestQueue = p.catch(() => undefined);
    return p;
  }

  private scheduleFlush(): Promise<void> {
    if (!this.flushing) {
      const p = this.flushAll().finally(() => {
        this.flushing = undefined;
      });
      this.flushing = p;
      p.catch((err) => {
        this.lastBackgroundError = (err as Error).message;
        if (!this.closing && !this.retryTimer) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            void this.scheduleFlush().catch(() => undefined);
          }, this.opts.backgroundRetryMs);
          this.retryTimer.unref();
        }
      });
    }
    return this.flushing;
  }

  private async flushAll(): Promise<void> {
    while (this.imms.length > 0) {
      const m = this.imms[0];
      try {
        const handle = await buildTable(this.ctx, this.allocateFileNumber(), 0, m);
        const checkpoint = this.imms[1]?.firstSegment ?? this.mem.firstSegment;
        try {
          await this.installManifest((tables) => (handle ? [handle, ...tables] : tables), checkpoint);
        } catch (err) {
          // The file may or may not be referenced by the manifest now; never delete it here.
          // If unreferenced, the next open removes it as an orphan.
          if (handle) await handle.reader.close().catch(() => undefined);
          throw err;
        }
        this.counters.flushes++;
        this.counters.flushBytes += handle?.meta.fileSize ?? 0;
      } catch (err) {
        this.counters.flushFailures++;
        throw toEngineError(err, 'flush');
      }
      this.imms.shift();
      this.resumeStalled();
      await this.deleteObsoleteSegments();
    }
    this.compactor.schedule();
  }

  private async deleteObsoleteSegments(): Promise<void> {
    try {
      const names = await this.opts.fs.readdir(this.dir);
      for (const name of names) {
        const n = parseNumberedFile(name, SEGMENT_SUFFIX);
        if (n !== undefined && n < this.logNumber) await this.opts.fs.unlink(nodePath.join(this.dir, name));
      }
    } catch {
      // Leftover segments below the checkpoint are harmless; the next open deletes them.
    }
  }

  private freeTable(h: TableHandle): void {
    const p = (async () => {
      await h.reader.close().catch(() => undefined);
      if (h.shouldDelete) {
        await this.opts.fs.unlink(tablePath(this.dir, h.fileNumber)).catch(() => undefined);
      }
    })();
    this.pendingFrees.add(p);
    void p.finally(() => this.pendingFrees.delete(p));
  }
}
