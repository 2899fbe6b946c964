/**
 * Pure description of a local cluster: which processes, on which ports, with which environment.
 * No I/O here, so the layout is easy to test and to print.
 *
 * Port layout (every port shifted by `portOffset`, so test clusters can run beside a dev one):
 *   gateway            HTTP 8080, RESP 6380
 *   coordinator i      gRPC 50051+i, HTTP 8081+i            (i = 0..coordinators-1, at most 9)
 *   storage node i     gRPC 50061+i, HTTP 8091+i            (i = 0..storageNodes-1, at most 9)
 */
import { join } from 'node:path';

export type AppName = 'gateway' | 'coordinator' | 'storage-node';

export interface ClusterOptions {
  storageNodes: number;
  coordinators: number;
  portOffset: number;
  /** Root of data directories and logs (`<dataDir>/storage-node-1`, `<dataDir>/logs`). */
  dataDir: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  adminKey: string;
  logLevel: string;
  /** Run the gateway too (default). Coordinator tests run without one. */
  gateway?: boolean;
  /** Extra environment for every process (tests shorten timeouts with it). */
  extraEnv?: Record<string, string>;
}

export interface ProcessSpec {
  /** Unique within the cluster, e.g. `storage-node-2`; also the log file name. */
  name: string;
  app: AppName;
  httpPort: number;
  grpcPort?: number;
  respPort?: number;
  env: Record<string, string>;
}

export const MAX_PER_KIND = 9;

export function planCluster(options: ClusterOptions): ProcessSpec[] {
  if (options.storageNodes < 1 || options.storageNodes > MAX_PER_KIND) {
    throw new RangeError(`storage nodes must be 1..${MAX_PER_KIND}, got ${options.storageNodes}`);
  }
  if (options.coordinators < 1 || options.coordinators > MAX_PER_KIND) {
    throw new RangeError(`coordinators must be 1..${MAX_PER_KIND}, got ${options.coordinators}`);
  }
  if (!Number.isInteger(options.portOffset) || options.portOffset < 0 || 50069 + options.portOffset > 65535) {
    throw new RangeError(`port offset must be 0..${65535 - 50069}, got ${options.portOffset}`);
  }
  const at = (port: number) => port + options.portOffset;
  const common = {
    RINGKV_LOG_LEVEL: options.logLevel,
    RINGKV_HTTP_HOST: '127.0.0.1',
    RINGKV_GRPC_HOST: '127.0.0.1',
    RINGKV_EXIT_WITH_PARENT: '1',
    ...options.extraEnv,
  };
  const shared = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    RINGKV_REDIS_PREFIX: options.redisPrefix,
  };

  const storage: ProcessSpec[] = range(options.storageNodes).map((i) => ({
    name: `storage-node-${i + 1}`,
    app: 'storage-node',
    httpPort: at(8091 + i),
    grpcPort: at(50061 + i),
    env: {
      ...common,
      RINGKV_SERVICE_NAME: `storage-node-${i + 1}`,
      RINGKV_NODE_ID: `node-${i + 1}`,
      RINGKV_DATA_DIR: join(options.dataDir, `storage-node-${i + 1}`),
      RINGKV_HTTP_PORT: String(at(8091 + i)),
      RINGKV_GRPC_PORT: String(at(50061 + i)),
    },
  }));
  const bootstrapNodes = storage.map((s) => `${s.env['RINGKV_NODE_ID']}@127.0.0.1:${s.grpcPort}`).join(',');

  const coordinators: ProcessSpec[] = range(options.coordinators).map((i) => ({
    name: `coordinator-${i + 1}`,
    app: 'coordinator',
    httpPort: at(8081 + i),
    grpcPort: at(50051 + i),
    env: {
      ...common,
      ...shared,
      RINGKV_SERVICE_NAME: `coordinator-${i + 1}`,
      RINGKV_HTTP_PORT: String(at(8081 + i)),
      RINGKV_GRPC_PORT: String(at(50051 + i)),
      RINGKV_BOOTSTRAP_NODES: bootstrapNodes,
    },
  }));

  const gateway: ProcessSpec = {
    name: 'gateway',
    app: 'gateway',
    httpPort: at(8080),
    respPort: at(6380),
    env: {
      ...common,
      ...shared,
      RINGKV_SERVICE_NAME: 'gateway',
      RINGKV_HTTP_PORT: String(at(8080)),
      RINGKV_RESP_PORT: String(at(6380)),
      RINGKV_ADMIN_KEY: options.adminKey,
      RINGKV_COORDINATORS: coordinators.map((c) => `127.0.0.1:${c.grpcPort}`).join(','),
    },
  };
  // Start order: storage nodes, then coordinators, then the gateway; stop in reverse.
  return options.gateway === false ? [...storage, ...coordinators] : [...storage, ...coordinators, gateway];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
