/**
 * The shape of `StorageEngine.stats()`: a point-in-time snapshot of counters and sizes for the
 * storage node's metrics. Plain data; safe to serialize (bigints excepted).
 */
import type { CommitLogStats } from '../commit-log/commit-log-writer';
import type { TableWorkerStats } from '../table-worker/table-worker-client';
import type { RecoveryReport } from './recovery';

export interface TableStats {
  fileNumber: bigint;
  tier: number;
  fileSize: number;
  entryCount: number;
  tombstoneCount: number;
}

export interface EngineStats {
  /** Last sequence number assigned. */
  sequence: bigint;
  memtable: { bytes: number; entries: number; immutableCount: number; immutableBytes: number };
  /** Newest first. */
  tables: TableStats[];
  tableBytes: number;
  commitLog: CommitLogStats;
  writes: { batches: number; ops: number; stalls: number; stalledNow: number };
  flushes: { completed: number; failed: number; bytesWritten: number };
  compactions: { completed: number; failed: number; running: boolean; bytesRead: number; bytesWritten: number; keysDropped: number };
  cache: { hits: number; misses: number; bytes: number; capacity: number };
  /** The table-building thread; absent when tables are built on the event loop. */
  tableWorker?: TableWorkerStats;
  /** The last background (flush/compaction) error, if any. */
  lastBackgroundError?: string;
  /** Set when a commit-log failure made the engine refuse writes until reopened. */
  readOnlyReason?: string;
  recovery: RecoveryReport;
}
