/** The storage node's configuration: identity, data directory, gRPC server and engine tunables. */
import { z } from 'zod';
import { grpcServerSettings, processSettings } from './common-settings';
import { nodeId, nonNegativeInt, positiveInt } from './parsers';
import { ConfigOf, setting } from './setting';

export const storageNodeConfigSchema = {
  ...processSettings('storage-node', 8082),
  grpc: grpcServerSettings(50052),
  nodeId: setting({
    env: 'RINGKV_NODE_ID',
    description: 'This node\'s id, its vector-clock actor. Persisted in the data directory on first start; a mismatch refuses to start.',
    schema: nodeId(),
  }),
  dataDir: setting({
    env: 'RINGKV_DATA_DIR',
    description: 'Directory holding the commit log, SSTables and manifest of this node.',
    schema: z.string().min(1),
    default: './.data/storage-node',
  }),
  engine: {
    commitLogSync: setting({
      env: 'RINGKV_COMMITLOG_SYNC',
      description: '`batch`: acknowledge a write after its fsync (group commit). `periodic`: fsync every RINGKV_COMMITLOG_SYNC_PERIOD_MS.',
      schema: z.enum(['batch', 'periodic']),
      default: 'batch' as const,
    }),
    commitLogSyncPeriodMs: setting({
      env: 'RINGKV_COMMITLOG_SYNC_PERIOD_MS',
      description: 'fsync period of the commit log in `periodic` mode.',
      schema: positiveInt(),
      default: 1_000,
    }),
    memtableBytes: setting({
      env: 'RINGKV_MEMTABLE_BYTES',
      description: 'Memtable size that triggers a flush to an SSTable.',
      schema: positiveInt(),
      default: 32 * 1024 * 1024,
    }),
    blockCacheBytes: setting({
      env: 'RINGKV_BLOCK_CACHE_BYTES',
      description: 'Capacity of the SSTable data-block cache.',
      schema: positiveInt(),
      default: 64 * 1024 * 1024,
    }),
    gcGraceSeconds: setting({
      env: 'RINGKV_GC_GRACE_SECONDS',
      description: 'How long tombstones are kept before compaction may purge them (longer than any outage you repair).',
      schema: nonNegativeInt(),
      default: 864_000,
    }),
    minFreeDiskBytes: setting({
      env: 'RINGKV_MIN_FREE_DISK_BYTES',
      description: 'Below this much free disk, writes fail with DISK_FULL while reads keep working.',
      schema: nonNegativeInt(),
      default: 256 * 1024 * 1024,
    }),
    diskCheckIntervalMs: setting({
      env: 'RINGKV_DISK_CHECK_INTERVAL_MS',
      description: 'How often free disk space is checked against RINGKV_MIN_FREE_DISK_BYTES (writes resume once it is back).',
      schema: positiveInt(),
      default: 5_000,
    }),
  },
};

export type StorageNodeConfig = ConfigOf<typeof storageNodeConfigSchema>;
