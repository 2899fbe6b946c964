/**
 * CoordinatorPool against in-process gRPC servers that speak coordinator.proto's Session
 * (the platform's serveSession), so streams, deadlines and broken connections are real.
 */
import { sendUnaryData, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { GatewayConfig } from '@ringkv/config';
import { serveSession } from '@ringkv/platform';
import { coordinatorV1 } from '@ringkv/proto';
import { createLogger } from '@ringkv/telemetry';
import { CoordinatorPool } from './coordinator-pool';

type Op = NonNullable<coordinatorV1.SessionOp['op']>;
type Result = Exclude<NonNullable<coordinatorV1.SessionResult['result']>, { $case: 'error' }>;

class Refused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface FakeCoordinator {
  server: Server;
  address: string;
  seen: string[];
}

/** A coordinator whose get answers with its own name; keys steer failures and delays. */
async function startCoordinator(name: string): Promise<FakeCoordinator> {
  const server = new Server();
  const seen: string[] = [];
  const notUsed = (_call: unknown, callback: sendUnaryData<never>) => callback({ code: status.UNIMPLEMENTED });
  const implementation: coordinatorV1.CoordinatorServiceServer = {
    session: (call) =>
      serveSession<Op, Result>(call, {
        handle: async (op) => {
          seen.push(`${op.$case}:${op.value.key}:${op.value.timeoutMs > 0 ? 'deadline' : 'none'}`);
          if (op.value.key === 'quorum') throw new Refused('QUORUM_NOT_REACHED');
          if (op.value.key === 'slow') await new Promise((r) => setTimeout(r, 2_000));
          if (op.$case === 'put') return { $case: 'put', value: { vectorClock: { [name]: 1n }, context: 'ctx', replicaCount: 1, consistency: 2 } };
          if (op.$case === 'delete') return { $case: 'delete', value: { vectorClock: {}, replicaCount: 1 } };
          return { $case: 'get', value: { found: true, value: Buffer.from(JSON.stringify(name)), vectorClock: {}, context: '', siblings: [], expiresAtMs: 0n } };
        },
        toError: (error) =>
          error instanceof Refused
            ? { code: status.UNAVAILABLE, reason: error.reason, message: 'refused' }
            : { code: status.INTERNAL, reason: 'INTERNAL_ERROR', message: String(error) },
      }),
    put: notUsed,
    get: notUsed,
    delete: notUsed,
    health: (_call, callback) => callback(null, { serving: true, ringEpoch: 1n }),
    export: (call) => call.emit('error', { code: status.UNIMPLEMENTED }),
    listNodes: notUsed,
  };
  server.addService(coordinatorV1.CoordinatorServiceService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { server, address: `127.0.0.1:${port}`, seen };
}

const logger = createLogger({ serviceName: 'test', level: 'silent' });
const poolFor = (addresses: string[]) =>
  new CoordinatorPool({ coordinators: addresses, request: { timeoutMs: 1_000 } } as GatewayConfig, logger);
const get = (pool: CoordinatorPool, key: string, retry = true) =>
  pool.get({ tenantId: 't', key, consistency: 0 }, { deadline: Date.now() + 1_000, retry });
const put = (pool: CoordinatorPool, key: string, retry: boolean) =>
  pool.put({ tenantId: 't', key, value: Buffer.from('1'), consistency: 0, ttlSeconds: 0, context: '' }, { deadline: Date.now() + 1_000, retry });

describe('CoordinatorPool', () => {
  let a: FakeCoordinator;
  let b: FakeCoordinator;
  beforeEach(async () => {
    a = await startCoordinator('a');
    b = await startCoordinator('b');
  });
  afterEach(() => {
    a.server.forceShutdown();
    b.server.forceShutdown();
  });

  it('spreads calls round-robin and sends each its remaining deadline', async () => {
    const pool = poolFor([a.address, b.address]);
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push((await get(pool, `k${i}`)).value.toString());
      expect(answers.sort()).toEqual(['"a"', '"a"', '"b"', '"b"']);
      expect([...a.seen, ...b.seen].every((s) => s.endsWith(':deadline'))).toBe(true);
    } finally {
      pool.onApplicationShutdown();
    }
  });

  it('maps the coordinator reason and does not retry a verdict', async () => {
    const pool = poolFor([a.address, b.address]);
    try {
      await expect(get(pool, 'quorum')).rejects.toMatchObject({ code: 'QUORUM_NOT_REACHED' });
      expect(a.seen.length + b.seen.length).toBe(1);
      await expect(get(pool, 'slow')).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      pool.onApplicationShutdown();
    }
  });

  it('moves reads (and writes allowed to retry) to a live coordinator when one is down, and excludes it', async () => {
    a.server.forceShutdown();
    const pool = poolFor([a.address, b.address]);
    try {
      for (let i = 0; i < 3; i++) expect((await get(pool, `r${i}`)).value.toString()).toBe('"b"');
      expect(pool.healthy()).toEqual([b.address]);
      expect((await put(pool, 'w', true)).vectorClock).toEqual({ b: 1n });
    } finally {
      pool.onApplicationShutdown();
    }
  });

  it('does not resend a write without an idempotency key after a transport failure', async () => {
    a.server.forceShutdown();
    const pool = poolFor([a.address, b.address]); // round-robin starts with a
    try {
      await expect(put(pool, 'w', false)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(b.seen).toEqual([]);
    } finally {
      pool.onApplicationShutdown();
    }
  });
});
