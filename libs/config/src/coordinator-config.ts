/** The coordinator's configuration: its gRPC server, metadata stores, and request deadlines. */
import { z } from 'zod';
import { grpcServerSettings, postgresSettings, processSettings, redisSettings, requestSettings } from './common-settings';
import { positiveInt } from './parsers';
import { ConfigOf, setting } from './setting';

export const coordinatorConfigSchema = {
  ...processSettings('coordinator', 8081),
  grpc: grpcServerSettings(50051),
  bootstrapNodes: setting({
    env: 'RINGKV_BOOTSTRAP_NODES',
    description:
      'Storage nodes registered as NORMAL when the cluster is created, as id@host:port, comma-separated. Ignored once a ring exists.',
    schema: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
      .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}@[A-Za-z0-9.\-_]+:\d{1,5}$/, 'expected id@host:port'))),
    default: [],
  }),
  virtualNodes: setting({
    env: 'RINGKV_VIRTUAL_NODES',
    description: 'Tokens per storage node on the ring, for nodes registered without an explicit count.',
    schema: positiveInt().max(4096),
    default: 128,
  }),
  hintWindowSeconds: setting({
    env: 'RINGKV_HINT_WINDOW_SECONDS',
    description: 'Hints older than this are dropped (anti-entropy repairs the replica instead).',
    schema: positiveInt(),
    default: 10_800,
  }),
  request: requestSettings(),
  database: postgresSettings(),
  redis: redisSettings(),
};

export type CoordinatorConfig = ConfigOf<typeof coordinatorConfigSchema>;
