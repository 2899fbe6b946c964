/**
 * Pure description of a local cluster: which processes, on which ports, with which environment.
 * No I/O here, so the layout is easy to test and to print.
 *
 * Default port layout, every port shifted by `portOffset`:
 *   gateway            HTTP 8080, RESP 6380
 *   coordinator i      gRPC 50051+i, HTTP 8081+i            (i = 0..coordinators-1, at most 9)
 *   storage node i     gRPC 50061+i, HTTP 8091+i            (i = 0..storageNodes-1, at most 9)
 *
 * Block layout, when `portBase` B is set: every port in B..B+49, so a cluster can live below the
 * kernel's ephemeral range (32768+ on Linux), where an outgoing connection can never hold a port
 * it is about to listen on. Test clusters use it.
 *   gateway            HTTP B, RESP B+1
 *   coordinator i      gRPC B+10+i, HTTP B+20+i
 *   storage node i     gRPC B+30+i, HTTP B+40+i
 */
import { join } from 'node:path';

export type AppName = 'gateway' | 'coordinator' | 'storage-node';

export interface ClusterOptions {
  storageNodes: number;
  coordinators: number;
  /** Shift the default layout by this much (default 0). */
  portOffset?: number;
  /** Use the block layout B..B+49 instead of the default one. */
  portBase?: number;
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
export const PORT_BLOCK_SIZE = 50;
const MAX_DEFAULT_PORT = 50069;

interface PortLayout {
  gatewayHttp: number;
  gatewayResp: number;
  coordinatorGrpc(i: number): number;
  coordinatorHttp(i: number): number;
  storageGrpc(i: number): number;
  storageHttp(i: number): number;
}

function portLayout(options: ClusterOptions): PortLayout {
  if (options.portBase !== undefined) {
    if (options.portOffset) throw new RangeError('give a port offset or a port base, not both');
    const base = options.portBase;
    if (!Number.isInteger(base) || base < 1024 || base + PORT_BLOCK_SIZE - 1 > 65535) {
      throw new RangeError(`port base must be 1024..${65536 - PORT_BLOCK_SIZE}, got ${base}`);
    }
    return {
      gatewayHttp: base,
      gatewayResp: base + 1,
      coordinatorGrpc: (i) => base + 10 + i,
      coordinatorHttp: (i) => base + 20 + i,
      storageGrpc: (i) => base + 30 + i,
      storageHttp: (i) => base + 40 + i,
    };
  }
  const offset = options.portOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || MAX_DEFAULT_PORT + offset > 65535) {
    throw new RangeError(`port offset must be 0..${65535 - MAX_DEFAULT_PORT}, got ${offset}`);
  }
  return {
    gatewayHttp: 8080 + offset,
    gatewayResp: 6380 + offset,
    coordinatorGrpc: (i) => 50051 + i + offset,
    coordinatorHttp: (i) => 8081 + i + offset,
    storageGrpc: (i) => 50061 + i + offset,
    storageHttp: (i) => 8091 + i + offset,
  };
}

export function planCluster(options: ClusterOptions): ProcessSpec[] {
  if (options.storageNodes < 1 || options.storageNodes > MAX_PER_KIND) {
    throw new RangeError(`storage nodes must be 1..${MAX_PER_KIND}, got ${options.storageNodes}`);
  }
  if (options.coordinators < 1 || options.coordinators > MAX_PER_KIND) {
    throw new RangeError(`coordinators must be 1..${MAX_PER_KIND}, got ${options.coordinators}`);
  }
  const ports = portLayout(options);
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
    httpPort: ports.storageHttp(i),
    grpcPort: ports.storageGrpc(i),
    env: {
      ...common,
      RINGKV_SERVICE_NAME: `storage-node-${i + 1}`,
      RINGKV_NODE_ID: `node-${i + 1}`,
      RINGKV_DATA_DIR: join(options.dataDir, `storage-node-${i + 1}`),
      RINGKV_HTTP_PORT: String(ports.storageHttp(i)),
      RINGKV_GRPC_PORT: String(ports.storageGrpc(i)),
    },
  }));
  const bootstrapNodes = storage.map((s) => `${s.env['RINGKV_NODE_ID']}@127.0.0.1:${s.grpcPort}`).join(',');

  const coordinators: ProcessSpec[] = range(options.coordinators).map((i) => ({
    name: `coordinator-${i + 1}`,
    app: 'coordinator',
    httpPort: ports.coordinatorHttp(i),
    grpcPort: ports.coordinatorGrpc(i),
    env: {
      ...common,
      ...shared,
      RINGKV_SERVICE_NAME: `coordinator-${i + 1}`,
      RINGKV_HTTP_PORT: String(ports.coordinatorHttp(i)),
      RINGKV_GRPC_PORT: String(ports.coordinatorGrpc(i)),
      RINGKV_BOOTSTRAP_NODES: bootstrapNodes,
    },
  }));

  const gateway: ProcessSpec = {
    name: 'gateway',
    app: 'gateway',
    httpPort: ports.gatewayHttp,
    respPort: ports.gatewayResp,
    env: {
      ...common,
      ...shared,
      RINGKV_SERVICE_NAME: 'gateway',
      RINGKV_HTTP_PORT: String(ports.gatewayHttp),
      RINGKV_RESP_PORT: String(ports.gatewayResp),
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
