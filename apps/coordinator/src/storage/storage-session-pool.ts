/**
 * One multiplexed session per storage node (SYSTEM.md §12): every Coordinate, Apply and Get a
 * coordinator sends to a node shares that node's long-lived stream and is batched with whatever
 * else is in flight. Also a unary client per node for the cold path (health probes).
 *
 * The pool follows the ring: `update` opens clients for new or moved nodes and closes those of
 * nodes that left. Callers address nodes by id.
 */
import { ChannelOptions, credentials, Metadata } from '@grpc/grpc-js';
import { SessionCallError, SessionClient } from '@ringkv/platform';
import { storageV1 } from '@ringkv/proto';

export type StorageOp = NonNullable<storageV1.SessionOp['op']>;
export type StorageResult = Exclude<NonNullable<storageV1.SessionResult['result']>, { $case: 'error' }>;

export interface NodeAddress {
  nodeId: string;
  host: string;
  port: number;
}

interface NodeClients {
  address: string;
  stub: storageV1.StorageServiceClient;
  ranges: storageV1.StorageRangeServiceClient;
  session: SessionClient<StorageOp, StorageResult>;
}

const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  // Reconnect quickly after a node restarts; the failure detector decides liveness.
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 2_000,
};

export class UnknownNodeError extends Error {
  readonly code = 'NODE_NOT_FOUND';
  constructor(readonly nodeId: string) {
    super(`storage node ${nodeId} is not on the ring`);
  }
}

export class StorageSessionPool {
  private readonly nodes = new Map<string, NodeClients>();

  update(addresses: readonly NodeAddress[]): void {
    const wanted = new Map(addresses.map((a) => [a.nodeId, `${a.host}:${a.port}`]));
    for (const [nodeId, clients] of this.nodes) {
      if (wanted.get(nodeId) !== clients.address) {
        this.closeClients(clients);
        this.nodes.delete(nodeId);
      }
    }
    for (const [nodeId, address] of wanted) {
      if (this.nodes.has(nodeId)) continue;
      const stub = new storageV1.StorageServiceClient(address, credentials.createInsecure(), CHANNEL_OPTIONS);
      // The range service shares the stub's channel (one connection per node).
      const ranges = new storageV1.StorageRangeServiceClient(address, credentials.createInsecure(), {
        ...CHANNEL_OPTIONS,
        channelOverride: stub.getChannel(),
      });
      this.nodes.set(nodeId, {
        address,
        stub,
        ranges,
        session: new SessionClient(() => stub.session(), `${nodeId} (${address})`),
      });
    }
  }

  async coordinate(nodeId: string, request: storageV1.CoordinateRequest, timeoutMs: number): Promise<Buffer> {
    const result = await this.call(nodeId, { $case: 'coordinate', value: request }, timeoutMs);
    return Buffer.from(expectCase(result, 'coordinate').object);
  }

  async apply(nodeId: string, request: storageV1.ApplyRequest, timeoutMs: number): Promise<void> {
    expectCase(await this.call(nodeId, { $case: 'apply', value: request }, timeoutMs), 'apply');
  }

  /** The node's stored object for the key, or undefined when it has none. */
  async get(nodeId: string, request: storageV1.GetRequest, timeoutMs: number): Promise<Buffer | undefined> {
    const reply = expectCase(await this.call(nodeId, { $case: 'get', value: request }, timeoutMs), 'get');
    return reply.found ? Buffer.from(reply.object) : undefined;
  }

  /** Unary health probe (cold path), used to bring DOWN nodes back UP. */
  health(nodeId: string, timeoutMs: number): Promise<boolean> {
    const clients = this.clients(nodeId);
    return new Promise((resolve) =>
      clients.stub.health({}, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, reply) =>
        resolve(!error && reply.serving),
      ),
    );
  }

  /** A node's own statistics (unary, cold path), or undefined when it does not answer in time. */
  stats(nodeId: string, timeoutMs: number): Promise<storageV1.StatsResponse | undefined> {
    const clients = this.clients(nodeId);
    return new Promise((resolve) =>
      clients.stub.stats({}, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, reply) =>
        resolve(error ? undefined : reply),
      ),
    );
  }

  /** Every entry a node holds in a token range (cold path: export, streaming), batch by batch. */
  async *scanRange(nodeId: string, request: storageV1.ScanRangeRequest, timeoutMs: number): AsyncGenerator<storageV1.RangeEntry[]> {
    const call = this.clients(nodeId).ranges.scanRange(request, new Metadata(), { deadline: Date.now() + timeoutMs });
    for await (const batch of call as AsyncIterable<storageV1.ScanRangeResponse>) yield batch.entries;
  }

  close(): void {
    for (const clients of this.nodes.values()) this.closeClients(clients);
    this.nodes.clear();
  }

  private call(nodeId: string, op: StorageOp, timeoutMs: number): Promise<StorageResult> {
    return this.clients(nodeId).session.call(op, timeoutMs);
  }

  private clients(nodeId: string): NodeClients {
    const clients = this.nodes.get(nodeId);
    if (!clients) throw new UnknownNodeError(nodeId);
    return clients;
  }

  private closeClients(clients: NodeClients): void {
    clients.session.close();
    clients.ranges.close();
    clients.stub.close();
  }
}

interface ResultValues {
  coordinate: storageV1.CoordinateResponse;
  apply: storageV1.ApplyResponse;
  get: storageV1.GetResponse;
}

function expectCase<C extends keyof ResultValues>(result: StorageResult, expected: C): ResultValues[C] {
  if (result.$case !== expected) {
    throw new SessionCallError(13, 'INTERNAL_ERROR', `storage node answered ${result.$case} to a ${expected} request`);
  }
  return result.value as ResultValues[C];
}
