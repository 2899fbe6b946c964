/**
 * Public API of @ringkv/storage-engine. Import the engine only through this file.
 */
export { StorageEngine, type KeyValue, type ScanRange } from './storage-engine';
export { WriteBatch, type BatchOp } from './write-batch';
export { EntryKind } from './format/entry-kind';
export {
  DEFAULT_OPTIONS,
  lastWriteWins,
  type CompactionFilterContext,
  type CompactionFilterDecision,
  type CompactionFilterFn,
  type EngineOptions,
  type ReconcileFn,
  type SyncMode,
  type TableWorkerMode,
} from './options';
export type { EngineRules, RulesModule } from './rules-module';
export type { EngineStats, TableStats } from './db/engine-stats';
export type { RecoveryReport } from './db/recovery';
export type { DroppedRegion } from './commit-log/commit-log-reader';
export { CorruptionError, EngineError, type EngineErrorCode } from './errors';
export type { FileSystem, ReadableFile, WritableFile } from './fs/file-system';
export { NodeFileSystem, type NodeFileSystemOptions } from './fs/node-file-system';
export { ForwardingFileSystem } from './fs/forwarding-file-system';
export { MemoryFileSystem, type CrashOptions } from './fs/memory-file-system';
export { FaultInjectingFileSystem, type Fault, type FaultOp } from './fs/fault-injecting-file-system';
export type { SSTableProperties } from './sstable';
