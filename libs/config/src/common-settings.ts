/**
 * Setting groups shared by several apps. Each factory takes the defaults that differ per app
 * (ports, names) so every app still has one flat, documented list of variables.
 */
import { z } from 'zod';
import { boolean, logLevel, port, positiveInt, url } from './parsers';
import { setting } from './setting';

export function processSettings(serviceName: string, httpPort: number) {
  return {
    serviceName: setting({
      env: 'RINGKV_SERVICE_NAME',
      description: 'Name of this process in logs, traces and metrics (unique per instance helps).',
      schema: z.string().min(1).max(100),
      default: serviceName,
    }),
    logLevel: setting({
      env: 'RINGKV_LOG_LEVEL',
      description: 'Minimum level of the JSON log lines written to stdout.',
      schema: logLevel(),
      default: 'info' as const,
    }),
    http: {
      host: setting({
        env: 'RINGKV_HTTP_HOST',
        description: 'Address the HTTP server binds to (health, metrics, and on the gateway the API).',
        schema: z.string().min(1),
        default: '127.0.0.1',
      }),
      port: setting({
        env: 'RINGKV_HTTP_PORT',
        description: 'Port of the HTTP server (health, metrics, and on the gateway the API).',
        schema: port(),
        default: httpPort,
      }),
    },
    shutdownTimeoutMs: setting({
      env: 'RINGKV_SHUTDOWN_TIMEOUT_MS',
      description: 'How long SIGTERM waits for in-flight work before the process exits anyway.',
      schema: positiveInt(),
      default: 10_000,
    }),
    exitWithParent: setting({
      env: 'RINGKV_EXIT_WITH_PARENT',
      description: 'Shut down gracefully when the parent process goes away (set by the local launcher for its children).',
      schema: boolean(),
      default: false,
    }),
    telemetry: {
      tracesExporter: setting({
        env: 'RINGKV_TRACES_EXPORTER',
        description: 'Where spans go: `none` (trace ids still propagate and reach the logs), `console`, or `otlp`.',
        schema: z.enum(['none', 'console', 'otlp']),
        default: 'none' as const,
      }),
      otlpEndpoint: setting({
        env: 'RINGKV_OTLP_ENDPOINT',
        description: 'OTLP/HTTP collector base URL, used only when RINGKV_TRACES_EXPORTER=otlp.',
        schema: url(['http', 'https']),
        default: 'http://127.0.0.1:4318',
      }),
      traceSampleRatio: setting({
        env: 'RINGKV_TRACE_SAMPLE_RATIO',
        description:
          'Fraction of new traces that are sampled when spans are exported (`console`/`otlp`; with `none` no new trace is sampled). A client `traceparent` with the sampled flag is always honoured. Unsampled requests skip span and context work on the hot path.',
        schema: z.coerce.number().min(0).max(1),
        default: 0.01,
      }),
    },
  };
}

export function grpcServerSettings(grpcPort: number) {
  return {
    host: setting({
      env: 'RINGKV_GRPC_HOST',
      description: 'Address the internal gRPC server binds to.',
      schema: z.string().min(1),
      default: '127.0.0.1',
    }),
    port: setting({
      env: 'RINGKV_GRPC_PORT',
      description: 'Port of the internal gRPC server.',
      schema: port(),
      default: grpcPort,
    }),
  };
}

export function postgresSettings() {
  return {
    url: setting({
      env: 'DATABASE_URL',
      description: 'PostgreSQL connection URL for metadata and hints.',
      schema: url(['postgres', 'postgresql']),
      default: 'postgres://postgres@127.0.0.1:5432/ringkv',
    }),
    poolSize: setting({
      env: 'RINGKV_DATABASE_POOL_SIZE',
      description: 'Maximum PostgreSQL connections held by this process.',
      schema: positiveInt(),
      default: 10,
    }),
  };
}

export function redisSettings() {
  return {
    url: setting({
      env: 'REDIS_URL',
      description: 'Redis URL for caches, idempotency records, rate limits, heartbeats and job queues.',
      schema: url(['redis', 'rediss']),
      default: 'redis://127.0.0.1:6379/0',
    }),
    keyPrefix: setting({
      env: 'RINGKV_REDIS_PREFIX',
      description: 'Prefix of every Redis key and channel, so several clusters can share one Redis.',
      schema: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'expected 1-64 characters of [A-Za-z0-9:_-]'),
      default: 'ringkv:',
    }),
  };
}

export function requestSettings() {
  return {
    timeoutMs: setting({
      env: 'RINGKV_REQUEST_TIMEOUT_MS',
      description: 'Deadline of one client request end to end; replicas slower than this get hints.',
      schema: positiveInt(),
      default: 2_000,
    }),
  };
}

