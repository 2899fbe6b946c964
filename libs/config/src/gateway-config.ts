/** The gateway's configuration: public HTTP API, RESP port, and how it reaches coordinators. */
import { z } from 'zod';
import { postgresSettings, processSettings, redisSettings, requestSettings } from './common-settings';
import { hostPortList, port, positiveInt } from './parsers';
import { ConfigOf, setting } from './setting';

export const gatewayConfigSchema = {
  ...processSettings('gateway', 8080),
  resp: {
    port: setting({
      env: 'RINGKV_RESP_PORT',
      description: 'Port of the Redis-protocol (RESP2) listener; it binds to RINGKV_HTTP_HOST.',
      schema: port(),
      default: 6380,
    }),
  },
  adminKey: setting({
    env: 'RINGKV_ADMIN_KEY',
    description: 'Bootstrap admin API key (at least 32 characters). Unset: admin routes are closed.',
    schema: z.string().min(32, 'must be at least 32 characters'),
    default: '',
    secret: true,
  }),
  coordinators: setting({
    env: 'RINGKV_COORDINATORS',
    description: 'Coordinator gRPC addresses, comma-separated host:port.',
    schema: hostPortList(),
    default: ['127.0.0.1:50051'],
  }),
  maxValueBytes: setting({
    env: 'RINGKV_MAX_VALUE_BYTES',
    description: 'Largest accepted value, JSON-encoded, in bytes (413 beyond).',
    schema: positiveInt(),
    default: 1_048_576,
  }),
  rateLimit: {
    leaseMax: setting({
      env: 'RINGKV_RATE_LIMIT_LEASE_MAX',
      description:
        'Most rate-limit tokens a gateway leases from Redis per call (it leases 2% of the limit, up to this). ' +
        'Higher: fewer Redis calls; a window can end up to (this - 1) per gateway short of the limit. 1: exact, one Redis call per request.',
      schema: positiveInt(),
      default: 100,
    }),
  },
  request: requestSettings(),
  database: postgresSettings(),
  redis: redisSettings(),
};

export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema>;
