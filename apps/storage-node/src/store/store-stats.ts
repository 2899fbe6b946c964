/**
 * A snapshot of what the node stores and how the engine is doing, for the Stats RPC and the
 * Prometheus gauges: the engine's own counters plus what only the directory can tell (bytes on
 * disk, commit-log size) and the disk guard's view of free space.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineStats, StorageEngine } from '@ringkv/storage-engine';
import type { DiskGuard } from './disk-guard';

/** Commit-log segment files end in this (libs/storage-engine file names). */
const SEGMENT_SUFFIX = '.log';

export interface StoreStats {
  engine: EngineStats;
  /** Every file of the engine directory. */
  diskBytes: number;
  commitLogBytes: number;
  diskFreeBytes: bigint | undefined;
  diskFull: boolean;
  /** Entries in tables and the memtable; overcounts keys present in several of them. */
  keysEstimate: number;
  blockCacheHitRatio: number;
}

async function directorySizes(dir: string): Promise<{ total: number; commitLog: number }> {
  let total = 0;
  let commitLog = 0;
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const size = await stat(join(dir, name)).then(
        (s) => (s.isFile() ? s.size : 0),
        () => 0, // deleted by a compaction meanwhile
      );
      total += size;
      if (name.endsWith(SEGMENT_SUFFIX)) commitLog += size;
    }),
  );
  return { total, commitLog };
}

export function hitRatio(cache: { hits: number; misses: number }): number {
  const lookups = cache.hits + cache.misses;
  return lookups === 0 ? 0 : cache.hits / lookups;
}

export async function collectStoreStats(engine: StorageEngine, dir: string, disk: DiskGuard): Promise<StoreStats> {
  const stats = engine.stats();
  const sizes = await directorySizes(dir);
  return {
    engine: stats,
    diskBytes: sizes.total,
    commitLogBytes: sizes.commitLog,
    diskFreeBytes: disk.freeBytes,
    diskFull: disk.full,
    keysEstimate: stats.memtable.entries + stats.tables.reduce((sum, t) => sum + t.entryCount, 0),
    blockCacheHitRatio: hitRatio(stats.cache),
  };
}
