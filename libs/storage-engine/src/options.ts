/**
 * Every engine tunable, in one typed object. Each has a default and the reason for it.
 * `resolveOptions` fills defaults and validates, failing fast with every problem listed.
 */
import { EngineError } from './errors';
import type { FileSystem } from './fs/file-system';
import { NodeFileSystem } from './fs/node-file-system';
import { loadRulesModule, type RulesModule } from './rules-module';

/** Folds a Merge operand onto the older value (undefined: nothing older, or a tombstone). */
export type ReconcileFn = (key: Buffer, existing: Buffer | undefined, incoming: Buffer) => Buffer;

export interface CompactionFilterContext {
  /** Wall clock in ms since the epoch, read once per compaction. */
  now: number;
  /** True when no table older than the compaction's inputs can hold this key. */
  bottommost: boolean;
}

export type CompactionFilterDecision =
  { action: 'keep' } | { action: 'drop' } | { action: 'rewrite'; value: Buffer };

export type CompactionFilterFn = (
  key: Buffer,
  value: Buffer,
  ctx: CompactionFilterContext,
) => CompactionFilterDecision;

export type SyncMode = 'batch' | 'periodic';

/** Where flush and compaction tables are built; see `EngineOptions.tableWorker`. */
export type TableWorkerMode = 'auto' | 'on' | 'off';

export interface EngineOptions {
  /** Where every byte goes; tests inject memory or fault-injecting file systems. */
  fs: FileSystem;
  /** Merge-operand folding. Must be associative (operands are pre-combined at flush/compaction). */
  reconcile: ReconcileFn;
  /** Applied to resolved values during compaction (TTL and tombstone purging by the caller). */
  compactionFilter?: CompactionFilterFn;
  /**
   * `reconcile` and `compactionFilter` from a module (see rules-module.ts) instead of the two
   * options above: the table worker then runs them itself, so compactions with a filter or
   * merge operands never come back to the event loop. Give one or the other, not both.
   */
  rulesModule?: RulesModule;
  /** `batch`: a write resolves after its fsync (durable). `periodic`: after the write(2) only. */
  syncMode: SyncMode;
  /** Fsync cadence in `periodic` mode; bounds what a power cut can lose. */
  syncPeriodMs: number;
  /** Commit-log segment size before rotation; keeps replay and deletion granular. */
  commitLogSegmentBytes: number;
  /**
   * Memtable size that triggers a switch + flush; ~ the size of a freshly flushed table. Counts
   * key and value bytes plus ~62 B per entry of index rows (see memtable.ts), close to the
   * memory a memtable really holds.
   */
  memtableBytes: number;
  /** Immutable memtables allowed to wait for flush before writes stall; bounds memory. */
  maxImmutableMemtables: number;
  /** Shared SSTable block cache; bounds read memory. */
  blockCacheBytes: number;
  /** Size-tiered: fewest adjacent tables merged at once; fewer means more write amplification. */
  compactionMinMergeWidth: number;
  /** Size-tiered: most tables merged at once; bounds one compaction's duration and fds. */
  compactionMaxMergeWidth: number;
  /** A run joins a merge when it is at most (1 + ratio) times the runs already picked. */
  compactionSizeRatio: number;
  /** Full merge when newer runs total more than this multiple of the oldest run (space amp). */
  compactionMaxSpaceAmplification: number;
  /** Run count past which the newest runs are merged regardless of size; bounds read fan-out. */
  compactionMaxRuns: number;
  /**
   * Build flush and compaction tables on a worker thread (`on`), on the event loop (`off`), or
   * on a worker whenever the file system is the local disk (`auto`, `fs.localDisk`). The worker
   * puts the encoding, checksumming and merging on the second core instead of between writes;
   * `reconcile` and the compaction filter still run on the event loop.
   */
  tableWorker: TableWorkerMode;
  /** Entries an on-thread flush/compaction writes between event-loop yields; bounds foreground delay. */
  backgroundYieldEntries: number;
  /** Delay before retrying a failed background flush; avoids a hot loop on a full disk. */
  backgroundRetryMs: number;
  /** Replay past a corrupt mid-log record instead of refusing to open (loses that record). */
  skipCorruptRecords: boolean;
  /** Largest key accepted; keeps index blocks and memtable nodes sane. */
  maxKeyBytes: number;
  /** Largest value accepted; a commit-log record must fit comfortably in memory. */
  maxValueBytes: number;
}

export const DEFAULT_OPTIONS: Omit<EngineOptions, 'fs' | 'reconcile'> = {
  syncMode: 'batch',
  syncPeriodMs: 10_000,
  commitLogSegmentBytes: 32 * 1024 * 1024,
  memtableBytes: 32 * 1024 * 1024,
  maxImmutableMemtables: 2,
  blockCacheBytes: 64 * 1024 * 1024,
  compactionMinMergeWidth: 4,
  compactionMaxMergeWidth: 32,
  compactionSizeRatio: 1,
  compactionMaxSpaceAmplification: 2,
  compactionMaxRuns: 24,
  tableWorker: 'auto',
  backgroundYieldEntries: 256,
  backgroundRetryMs: 1_000,
  skipCorruptRecords: false,
  maxKeyBytes: 64 * 1024,
  maxValueBytes: 16 * 1024 * 1024,
};

/** Without a reconcile function a Merge simply replaces what is older. */
export const lastWriteWins: ReconcileFn = (_key, _existing, incoming) => incoming;

export function resolveOptions(partial: Partial<EngineOptions> = {}): EngineOptions {
  const problems: string[] = [];
  let fromModule: Partial<EngineOptions> = {};
  if (partial.rulesModule) {
    if (partial.reconcile || partial.compactionFilter)
      problems.push('give rulesModule or reconcile/compactionFilter, not both');
    else fromModule = stripUndefined(loadRulesModule(partial.rulesModule));
  }
  const opts: EngineOptions = {
    ...DEFAULT_OPTIONS,
    fs: partial.fs ?? new NodeFileSystem(),
    reconcile: partial.reconcile ?? fromModule.reconcile ?? lastWriteWins,
    ...fromModule,
    ...stripUndefined(partial),
  } as EngineOptions;
  const positive: (keyof EngineOptions)[] = [
    'syncPeriodMs',
    'commitLogSegmentBytes',
    'memtableBytes',
    'maxImmutableMemtables',
    'blockCacheBytes',
    'compactionMaxRuns',
    'backgroundRetryMs',
    'backgroundYieldEntries',
    'maxKeyBytes',
    'maxValueBytes',
  ];
  for (const k of positive) {
    const v = opts[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      problems.push(`${k} must be a positive number`);
  }
  if (opts.syncMode !== 'batch' && opts.syncMode !== 'periodic')
    problems.push(`syncMode must be 'batch' or 'periodic'`);
  if (!['auto', 'on', 'off'].includes(opts.tableWorker))
    problems.push(`tableWorker must be 'auto', 'on' or 'off'`);
  if (opts.tableWorker === 'on' && opts.fs.localDisk !== true)
    problems.push(`tableWorker 'on' needs a local-disk file system (fs.localDisk)`);
  if (!(opts.compactionMinMergeWidth >= 2)) problems.push('compactionMinMergeWidth must be >= 2');
  if (!(opts.compactionMaxMergeWidth >= opts.compactionMinMergeWidth)) {
    problems.push('compactionMaxMergeWidth must be >= compactionMinMergeWidth');
  }
  if (!(opts.compactionSizeRatio >= 0)) problems.push('compactionSizeRatio must be >= 0');
  if (!(opts.compactionMaxSpaceAmplification > 0))
    problems.push('compactionMaxSpaceAmplification must be > 0');
  if (opts.compactionMaxRuns < opts.compactionMinMergeWidth)
    problems.push('compactionMaxRuns must be >= compactionMinMergeWidth');
  if (problems.length > 0)
    throw new EngineError('INVALID_ARGUMENT', `invalid engine options: ${problems.join('; ')}`);
  return opts;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
