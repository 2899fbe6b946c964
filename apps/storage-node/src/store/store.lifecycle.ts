/**
 * Owns the node's VersionedStore inside the Nest app. At module init it binds the node id to
 * the data directory, then opens the engine (replaying the commit log): only after that does the
 * `engine` readiness check pass and, since the gRPC server starts at application bootstrap (after
 * every module init), only then is anything served. At shutdown it closes the engine in
 * `onApplicationShutdown`, which Nest runs after every `beforeApplicationShutdown` hook, so the
 * gRPC server has drained its calls before the engine flushes and closes.
 */
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import type { StorageNodeConfig } from '@ringkv/config';
import { LOGGER, Readiness } from '@ringkv/platform';
import { NodeFileSystem } from '@ringkv/storage-engine';
import type { Logger } from '@ringkv/telemetry';
import { recordCommitLogSync } from '../metrics/fsync-metrics';
import { TimedFileSystem } from '../metrics/timed-file-system';
import { claimNodeIdentity } from '../identity/node-identity';
import { STORAGE_NODE_CONFIG } from '../storage-node.tokens';
import { StoreError } from './store-error';
import { VersionedStore } from './versioned-store';

/** The engine's files live in a subdirectory, apart from NODE_ID and anything else of the node. */
export const ENGINE_SUBDIR = 'engine';

@Injectable()
export class StoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  private opened: VersionedStore | undefined;

  constructor(
    @Inject(STORAGE_NODE_CONFIG) private readonly config: StorageNodeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    readiness: Readiness,
  ) {
    readiness.register('engine', () => {
      if (!this.opened?.isOpen) throw new Error('storage engine is not open (commit log not replayed yet)');
    });
  }

  /** The open store; NOT_SERVING before it is open or after it closed. */
  get store(): VersionedStore {
    if (!this.opened?.isOpen) throw new StoreError('NOT_SERVING', 'the storage engine is not open');
    return this.opened;
  }

  /** Whether the store is open (Health's `serving`). */
  get serving(): boolean {
    return this.opened?.isOpen ?? false;
  }

  async onModuleInit(): Promise<void> {
    const { config } = this;
    await claimNodeIdentity(config.dataDir, config.nodeId);
    const started = Date.now();
    this.opened = await VersionedStore.open({
      nodeId: config.nodeId,
      dir: join(config.dataDir, ENGINE_SUBDIR),
      gcGraceMs: config.engine.gcGraceSeconds * 1000,
      engine: {
        syncMode: config.engine.commitLogSync,
        syncPeriodMs: config.engine.commitLogSyncPeriodMs,
        memtableBytes: config.engine.memtableBytes,
        blockCacheBytes: config.engine.blockCacheBytes,
        fs: new TimedFileSystem(new NodeFileSystem(), recordCommitLogSync),
      },
      disk: { minFreeBytes: BigInt(config.engine.minFreeDiskBytes), checkIntervalMs: config.engine.diskCheckIntervalMs },
      onEvent: (event) => {
        if (event.type === 'disk-ok' || event.type === 'reopened') this.logger.info({ event: event.type }, event.detail);
        else this.logger.error({ event: event.type }, event.detail);
      },
    });
    const stats = await this.opened.stats();
    this.logger.info(
      {
        ms: Date.now() - started,
        sstables: stats.engine.tables.length,
        recovery: {
          segments: stats.engine.recovery.segmentsReplayed,
          records: stats.engine.recovery.recordsReplayed,
          tornTail: stats.engine.recovery.tornTail,
          skippedCorrupt: stats.engine.recovery.skippedCorruptRecords.length,
        },
        diskFull: stats.diskFull,
      },
      'storage engine open (commit log replayed)',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.opened) return;
    await this.opened.close();
    this.logger.info('storage engine flushed and closed');
  }
}
