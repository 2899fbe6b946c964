/**
 * Runs compactions in the background, one at a time, and installs their results.
 *
 * Contract: `schedule()` (called after every flush) asks the picker for a window and runs it,
 * repeating while there is work. `compactAll()` waits for any running compaction and merges
 * every table into one. A compaction takes references on its inputs, so concurrent reads keep
 * working and inputs are unlinked only after their last reader is done; the output replaces the
 * inputs (found by identity, since flushes may have added newer tables meanwhile) through the
 * host's serialized manifest update. On any failure the inputs stay live and the error is
 * counted; the next flush schedules a new attempt. With a table worker the merge runs on its
 * thread (inputs are held by reference here, so their files outlive the job); without one it
 * runs here, yielding to the event loop as it writes.
 */
import { toEngineError } from '../errors';
import { buildTable, openBuiltTable, type TableBuildContext } from '../db/table-builder';
import { refAll, unrefAll, type TableHandle } from '../db/table-handle';
import { tablePath } from '../file-names';
import type { EngineOptions } from '../options';
import type { TableWorkerClient } from '../table-worker/table-worker-client';
import { compactEntries, type CompactionCounters } from './compaction-job';
import { pickCompaction, type CompactionPick } from './compaction-picker';

export interface CompactorHost {
  readonly opts: EngineOptions;
  readonly ctx: TableBuildContext;
  /** The live tables, newest first. */
  tables(): TableHandle[];
  /** When set, compactions read, merge and write on this worker thread. */
  worker?: TableWorkerClient;
  /** Serialized manifest rewrite; `edit` maps the current table list to the new one. */
  installTables(edit: (tables: TableHandle[]) => TableHandle[]): Promise<void>;
  allocateFileNumber(): bigint;
  isClosing(): boolean;
  onBackgroundError(message: string): void;
}

export interface CompactorStats {
  completed: number;
  failed: number;
  running: boolean;
  bytesRead: number;
  bytesWritten: number;
  keysDropped: number;
}

export class Compactor {
  private running: Promise<void> | undefined;
  private wanted = false;
  private readonly stopping = new AbortController();
  private readonly counters = { completed: 0, failed: 0, bytesRead: 0, bytesWritten: 0, keysDropped: 0 };

  constructor(private readonly host: CompactorHost) {}

  stats(): CompactorStats {
    return { ...this.counters, running: this.running !== undefined };
  }

  /** Asks a running compaction to give up (engine closing); its inputs stay live. */
  stop(): void {
    this.stopping.abort();
  }

  /** Resolves when no compaction is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  schedule(): void {
    if (this.host.isClosing()) return;
    if (this.running) {
      this.wanted = true;
      return;
    }
    const o = this.host.opts;
    const pick = () =>
      pickCompaction(
        this.host.tables().map((t) => t.meta.fileSize),
        {
          minMergeWidth: o.compactionMinMergeWidth,
          maxMergeWidth: o.compactionMaxMergeWidth,
          sizeRatio: o.compactionSizeRatio,
          maxSpaceAmplification: o.compactionMaxSpaceAmplification,
          maxRuns: o.compactionMaxRuns,
        },
      );
    this.run(pick).then(
      (didWork) => {
        if (didWork || this.wanted) {
          this.wanted = false;
          this.schedule();
        }
      },
      () => undefined, // counted and recorded; retried after the next flush
    );
  }

  /** Merges every live table into one (bottommost). Resolves false if there was nothing to do. */
  compactAll(): Promise<boolean> {
    return this.run(() => {
      const n = this.host.tables().length;
      return n > 0 ? { start: 0, end: n, reason: 'size-ratio' } : undefined;
    });
  }

  /** Runs one compaction chosen by `pick` once any running one finishes. Resolves true if it ran. */
  private async run(pick: () => CompactionPick | undefined): Promise<boolean> {
    await this.idle();
    if (this.host.isClosing()) return false;
    const choice = pick();
    if (!choice) return false;
    const p = this.compactWindow(choice);
    const tracked = p.finally(() => {
      this.running = undefined;
    });
    this.running = tracked;
    tracked.catch(() => undefined);
    await p;
    return true;
  }

  private async compactWindow(choice: CompactionPick): Promise<void> {
    const host = this.host;
    const all = host.tables();
    const inputs = all.slice(choice.start, choice.end);
    const bottommost = choice.end === all.length;
    refAll(inputs);
    const counters: CompactionCounters = { keysIn: 0, keysOut: 0, dropped: 0, rewritten: 0 };
    try {
      const tier = Math.max(...inputs.map((t) => t.meta.tier)) + 1;
      const rules = {
        bottommost,
        reconcile: host.opts.reconcile,
        filter: host.opts.compactionFilter,
        now: Date.now(),
      };
      const fileNumber = host.allocateFileNumber();
      let output: TableHandle | undefined;
      if (host.worker) {
        const path = tablePath(host.ctx.dir, fileNumber);
        const props = await host.worker.compact(
          path,
          inputs.map((t) => t.reader.path),
          rules,
          counters,
          {
            signal: this.stopping.signal,
            rulesModule: host.opts.rulesModule,
          },
        );
        output = props ? await openBuiltTable(host.ctx, fileNumber, tier, props) : undefined;
      } else {
        const entries = compactEntries({ ...rules, inputs, shouldStop: () => host.isClosing() }, counters);
        output = await buildTable(host.ctx, fileNumber, tier, entries);
      }
      try {
        await host.installTables((tables) => {
          const at = tables.indexOf(inputs[0]);
          if (at < 0 || inputs.some((t, i) => tables[at + i] !== t))
            throw new Error('compaction inputs changed');
          return [...tables.slice(0, at), ...(output ? [output] : []), ...tables.slice(at + inputs.length)];
        });
      } catch (err) {
        // Never unlink here: the rename may have happened. An unreferenced file is an orphan
        // that the next open deletes.
        if (output) await output.reader.close().catch(() => undefined);
        throw err;
      }
      for (const t of inputs) t.retire();
      this.counters.completed++;
      this.counters.bytesRead += inputs.reduce((s, t) => s + t.meta.fileSize, 0);
      this.counters.bytesWritten += output?.meta.fileSize ?? 0;
      this.counters.keysDropped += counters.dropped;
    } catch (err) {
      if (!host.isClosing()) {
        this.counters.failed++;
        host.onBackgroundError((err as Error).message);
      }
      throw toEngineError(err, 'compaction');
    } finally {
      unrefAll(inputs);
    }
  }
}
