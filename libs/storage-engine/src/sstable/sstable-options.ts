/**
 * Tunables of the SSTable writer. None of them is recorded as a format constant: a reader copes
 * with any value the writer was given, so they can change between releases without a new
 * FORMAT_VERSION.
 */
import { EngineError } from '../errors';

export interface SSTableWriterOptions {
  /** Target size of a data block's contents; a block is cut before an entry would overflow it. */
  blockSize: number;
  /** Full keys are stored every `restartInterval` entries; the ones between share a prefix. */
  restartInterval: number;
  /** Bloom filter size per key; 10 bits give about 1% false positives. */
  bloomBitsPerKey: number;
  /** Finished blocks are gathered up to this many bytes before one append. */
  writeBufferSize: number;
  /**
   * Fsync the file every this many appended bytes while writing (0: only at the end). Keeps the
   * dirty data of a large new table small, so a concurrent commit-log fsync does not wait
   * behind it in the file system's journal.
   */
  bytesPerSync: number;
}

export const DEFAULT_SSTABLE_WRITER_OPTIONS: Readonly<SSTableWriterOptions> = Object.freeze({
  // One page: a point read costs one 4 KiB I/O, and the cache holds page-sized units.
  blockSize: 4096,
  // LevelDB's value: a seek scans at most 15 entries after a binary search; RingKV keys share
  // long token prefixes, so prefix compression between restarts shrinks blocks noticeably.
  restartInterval: 16,
  // ~1% false positives (0.8% with 7 probes) for 1.25 bytes per key.
  bloomBitsPerKey: 10,
  // 64 KiB per write keeps a flush of a large memtable to a few hundred syscalls.
  writeBufferSize: 64 * 1024,
  // Off for the bare writer; the engine turns it on for its table files (TABLE_BYTES_PER_SYNC).
  bytesPerSync: 0,
});

/** What the engine uses for flush and compaction outputs: 1 MiB of dirty data at most. */
export const TABLE_BYTES_PER_SYNC = 1024 * 1024;

/** Fills in defaults and rejects values the writer cannot honour. */
export function resolveSSTableWriterOptions(
  options: Partial<SSTableWriterOptions> = {},
): SSTableWriterOptions {
  const resolved: SSTableWriterOptions = { ...DEFAULT_SSTABLE_WRITER_OPTIONS };
  for (const name of Object.keys(DEFAULT_SSTABLE_WRITER_OPTIONS) as (keyof SSTableWriterOptions)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < (name === 'bytesPerSync' ? 0 : 1)) {
      throw new EngineError('INVALID_ARGUMENT', `SSTable option ${name} must be a positive integer, got ${value}`);
    }
    resolved[name] = value;
  }
  return resolved;
}
