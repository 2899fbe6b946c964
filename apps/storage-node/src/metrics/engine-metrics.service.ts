/**
 * Engine and disk metrics on /metrics (SYSTEM.md §10), observed at scrape time from one
 * StoreStats snapshot so every series of a scrape agrees: memtable bytes, flushes, compactions,
 * SSTable count and bytes per tier (size-tiered compaction: a tier is this engine's "level"),
 * commit-log size, fsyncs and group commits, write stalls, block-cache hits and hit ratio,
 * keys, free disk and whether writes are refused for disk pressure.
 *
 * Commit-log fsync latency is a histogram recorded as fsyncs happen (fsync-metrics.ts); the
 * fsync and group-commit counts here show how many writes share one fsync.
 */
import { Injectable, OnModuleInit } from '@nestjs/common';
import { metrics, type BatchObservableResult, type Observable } from '@opentelemetry/api';
import { StoreLifecycle } from '../store/store.lifecycle';

@Injectable()
export class EngineMetrics implements OnModuleInit {
  constructor(private readonly host: StoreLifecycle) {}

  onModuleInit(): void {
    const meter = metrics.getMeter('ringkv');
    const g = (name: string, description: string, unit?: string) => meter.createObservableGauge(name, { description, unit });
    const c = (name: string, description: string) => meter.createObservableCounter(name, { description });
    const series = {
      memtableBytes: g('ringkv_storage_memtable_bytes', 'Memtable bytes, active and immutable (waiting for flush).', 'By'),
      sstables: g('ringkv_storage_sstables', 'Live SSTables per compaction tier.'),
      sstableBytes: g('ringkv_storage_sstable_bytes', 'Bytes of live SSTables per compaction tier.', 'By'),
      commitLogBytes: g('ringkv_storage_commitlog_bytes', 'Size of the commit-log segments on disk.', 'By'),
      diskBytes: g('ringkv_storage_data_bytes', 'Size of every file of the engine directory.', 'By'),
      diskFree: g('ringkv_storage_disk_free_bytes', 'Free disk space at the last check.', 'By'),
      diskFull: g('ringkv_storage_disk_full', '1 while writes are refused with DISK_FULL.'),
      readOnly: g('ringkv_storage_engine_read_only', '1 while the engine refuses writes after a commit-log failure.'),
      keys: g('ringkv_storage_keys_estimate', 'Entries in SSTables and the memtable (overcounts keys present in several).'),
      cacheRatio: g('ringkv_storage_block_cache_hit_ratio', 'Block-cache hits / lookups since start.'),
      cacheBytes: g('ringkv_storage_block_cache_bytes', 'Bytes held by the block cache.', 'By'),
      flushes: c('ringkv_storage_flushes', 'Memtable flushes completed.'),
      flushFailures: c('ringkv_storage_flush_failures', 'Memtable flushes that failed (retried).'),
      flushBytes: c('ringkv_storage_flush_bytes', 'Bytes of SSTables written by flushes.'),
      compactions: c('ringkv_storage_compactions', 'Compactions completed.'),
      compactionFailures: c('ringkv_storage_compaction_failures', 'Compactions that failed.'),
      compactionBytesRead: c('ringkv_storage_compaction_read_bytes', 'Bytes read by compactions.'),
      compactionBytesWritten: c('ringkv_storage_compaction_written_bytes', 'Bytes written by compactions.'),
      compactionDropped: c('ringkv_storage_compaction_dropped_keys', 'Keys dropped by compactions (purged or superseded).'),
      writeBatches: c('ringkv_storage_write_batches', 'Engine write batches (one commit-log record each).'),
      writeStalls: c('ringkv_storage_write_stalls', 'Writes that waited because flushes fell behind.'),
      fsyncs: c('ringkv_storage_commitlog_fsyncs', 'Commit-log fsyncs.'),
      groupCommits: c('ringkv_storage_commitlog_group_commits', 'Commit-log group commits (writes sharing one write+fsync).'),
      commitLogWritten: c('ringkv_storage_commitlog_written_bytes', 'Bytes appended to the commit log.'),
      cacheHits: c('ringkv_storage_block_cache_hits', 'Block-cache hits.'),
      cacheMisses: c('ringkv_storage_block_cache_misses', 'Block-cache misses.'),
    };
    const observables: Observable[] = Object.values(series);
    meter.addBatchObservableCallback(async (result: BatchObservableResult) => {
      if (!this.host.serving) return;
      const s = await this.host.store.stats();
      const e = s.engine;
      result.observe(series.memtableBytes, e.memtable.bytes, { state: 'active' });
      result.observe(series.memtableBytes, e.memtable.immutableBytes, { state: 'immutable' });
      const tiers = new Map<number, { count: number; bytes: number }>();
      for (const t of e.tables) {
        const tier = tiers.get(t.tier) ?? { count: 0, bytes: 0 };
        tier.count += 1;
        tier.bytes += t.fileSize;
        tiers.set(t.tier, tier);
      }
      for (const [tier, { count, bytes }] of tiers) {
        result.observe(series.sstables, count, { tier: String(tier) });
        result.observe(series.sstableBytes, bytes, { tier: String(tier) });
      }
      result.observe(series.commitLogBytes, s.commitLogBytes);
      result.observe(series.diskBytes, s.diskBytes);
      if (s.diskFreeBytes !== undefined) result.observe(series.diskFree, Number(s.diskFreeBytes));
      result.observe(series.diskFull, s.diskFull ? 1 : 0);
      result.observe(series.readOnly, e.readOnlyReason === undefined ? 0 : 1);
      result.observe(series.keys, s.keysEstimate);
      result.observe(series.cacheRatio, s.blockCacheHitRatio);
      result.observe(series.cacheBytes, e.cache.bytes);
      result.observe(series.flushes, e.flushes.completed);
      result.observe(series.flushFailures, e.flushes.failed);
      result.observe(series.flushBytes, e.flushes.bytesWritten);
      result.observe(series.compactions, e.compactions.completed);
      result.observe(series.compactionFailures, e.compactions.failed);
      result.observe(series.compactionBytesRead, e.compactions.bytesRead);
      result.observe(series.compactionBytesWritten, e.compactions.bytesWritten);
      result.observe(series.compactionDropped, e.compactions.keysDropped);
      result.observe(series.writeBatches, e.writes.batches);
      result.observe(series.writeStalls, e.writes.stalls);
      result.observe(series.fsyncs, e.commitLog.fsyncs);
      result.observe(series.groupCommits, e.commitLog.groupCommits);
      result.observe(series.commitLogWritten, e.commitLog.bytesWritten);
      result.observe(series.cacheHits, e.cache.hits);
      result.observe(series.cacheMisses, e.cache.misses);
    }, observables);
  }
}
