import { randomBytes } from 'node:crypto';
import { credentials, sendUnaryData, Server, ServerCredentials, status } from '@grpc/grpc-js';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { storageV1 } from '@ringkv/proto';
import { startTelemetry } from '@ringkv/telemetry';
import { SessionCallError } from './session-error';
import { SessionClient } from './session-client';
import { drainSessions, serveSession } from './session-server';

type Op = NonNullable<storageV1.SessionOp['op']>;
type Result = Exclude<NonNullable<storageV1.SessionResult['result']>, { $case: 'error' }>;

class NotFoundHere extends Error {
  readonly code = 'KEY_REFUSED';
}

/** A storage-shaped server whose Get answers with the key echoed back in `object`. */
async function startServer(port = 0): Promise<{
  server: Server;
  port: number;
  hung: Array<() => void>;
  traces: Map<string, string | undefined>;
}> {
  const server = new Server();
  const hung: Array<() => void> = [];
  const traces = new Map<string, string | undefined>();
  const notUsed = (_call: unknown, cb: sendUnaryData<never>) => cb({ code: status.UNIMPLEMENTED });
  const implementation: storageV1.StorageServiceServer = {
    session: (call) =>
      serveSession<Op, Result>(call, {
        handle: async (op) => {
          if (op.$case !== 'get') throw new Error('only get');
          const { key } = op.value;
          traces.set(key, trace.getActiveSpan()?.spanContext().traceId);
          if (key === 'refuse') throw new NotFoundHere('refused');
          if (key === 'hang') await new Promise<void>((resolve) => hung.push(resolve));
          // Finish out of order.
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5)));
          return { $case: 'get', value: { found: true, object: Buffer.from(key) } };
        },
        toError: (error) =>
          error instanceof NotFoundHere
            ? { code: status.FAILED_PRECONDITION, reason: error.code, message: error.message }
            : { code: status.INTERNAL, reason: 'INTERNAL_ERROR', message: String(error) },
      }),
    coordinate: notUsed,
    apply: notUsed,
    get: notUsed,
    getMany: notUsed,
    stats: notUsed,
    health: notUsed,
  };
  server.addService(storageV1.StorageServiceService, implementation);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { server, port: bound, hung, traces };
}

function clientFor(port: number) {
  const stub = new storageV1.StorageServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return { stub, session: new SessionClient<Op, Result>(() => stub.session(), `127.0.0.1:${port}`) };
}

const get = (key: string): Op => ({ $case: 'get', value: { tenantId: 't', key } });

/** Fixed port of the server-restart test (other tests use 15000-15099 and 21000-21649). */
const RESTART_PORT = 15_500;

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('multiplexed session', () => {
  it('matches many concurrent calls to their own results, in one or few messages', async () => {
    const { server, port } = await startServer();
    const { stub, session } = clientFor(port);
    try {
      const keys = Array.from({ length: 500 }, (_, i) => `key-${i}`);
      const results = await Promise.all(keys.map((k) => session.call(get(k), 5_000)));
      expect(
        results.map((r) => (r.$case === 'get' ? Buffer.from(r.value.object).toString() : r.$case)),
      ).toEqual(keys);
      expect(session.stats().ops).toBe(500);
      expect(session.stats().messages).toBeLessThanOrEqual(2);
    } finally {
      session.close();
      stub.close();
      server.forceShutdown();
    }
  });

  it('fails only the call whose handler failed, with its status and reason', async () => {
    const { server, port } = await startServer();
    const { stub, session } = clientFor(port);
    try {
      const [ok, refused] = await Promise.allSettled([
        session.call(get('a'), 5_000),
        session.call(get('refuse'), 5_000),
      ]);
      expect(ok.status).toBe('fulfilled');
      expect(refused).toMatchObject({
        status: 'rejected',
        reason: { code: status.FAILED_PRECONDITION, reason: 'KEY_REFUSED', message: 'refused' },
      });
      await expect(session.call(get('b'), 5_000)).resolves.toMatchObject({ $case: 'get' });
    } finally {
      session.close();
      stub.close();
      server.forceShutdown();
    }
  });

  it('times out a call that is not answered by its deadline without disturbing the others', async () => {
    const { server, port, hung } = await startServer();
    const { stub, session } = clientFor(port);
    try {
      const slow = session.call(get('hang'), 100);
      const fast = session.call(get('quick'), 5_000);
      await expect(slow).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED, reason: 'TIMEOUT' });
      await expect(fast).resolves.toMatchObject({ $case: 'get' });
      hung.forEach((release) => release()); // a late answer is ignored
      await expect(session.call(get('after'), 5_000)).resolves.toMatchObject({ $case: 'get' });
    } finally {
      session.close();
      stub.close();
      server.forceShutdown();
    }
  });

  it('fails in-flight calls with UNAVAILABLE when the server dies, and reconnects when it is back', async () => {
    // The server comes back on the same address, so that address is a fixed port below the
    // kernel's ephemeral range (32768+) that no other test uses: a released ephemeral port may
    // be taken by another Jest worker before the restart.
    const first = await startServer(RESTART_PORT);
    const { stub, session } = clientFor(first.port);
    try {
      const stuck = session.call(get('hang'), 10_000);
      await until(() => first.hung.length === 1, 'the call to reach the server');
      first.server.forceShutdown();
      const error = await stuck.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionCallError);
      expect(error).toMatchObject({ code: status.UNAVAILABLE });

      const second = await startServer(RESTART_PORT);
      try {
        let answer: unknown;
        for (let attempt = 0; attempt < 50 && answer === undefined; attempt++) {
          answer = await session
            .call(get('again'), 1_000)
            .catch(() => new Promise((r) => setTimeout(r, 100)));
        }
        expect(answer).toMatchObject({ $case: 'get' });
      } finally {
        second.server.forceShutdown();
      }
    } finally {
      session.close();
      stub.close();
      first.server.forceShutdown(); // already down unless the test failed early
    }
  });
});

describe('session drain on shutdown', () => {
  it('lets a server stop promptly: in-flight calls finish, the stream ends, the client sees UNAVAILABLE after', async () => {
    const { server, port, hung } = await startServer();
    const { stub, session } = clientFor(port);
    try {
      const inFlight = session.call(get('hang'), 10_000);
      await until(() => hung.length === 1, 'the call to reach the server');
      const stopped = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      drainSessions();
      hung.forEach((release) => release());
      await expect(inFlight).resolves.toMatchObject({ $case: 'get' });
      await stopped; // would hang until the stream times out without the drain
      await expect(session.call(get('late'), 1_000)).rejects.toBeInstanceOf(SessionCallError);
    } finally {
      session.close();
      stub.close();
      server.forceShutdown();
    }
  });
});

function sampledRemoteParent() {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

describe('trace context over a session', () => {
  const telemetry = startTelemetry({
    serviceName: 'session-spec',
    tracesExporter: 'none',
    otlpEndpoint: 'http://127.0.0.1:4318',
    traceSampleRatio: 1,
  });
  afterAll(() => telemetry.shutdown());

  it('runs each operation inside the trace of the call that sent it', async () => {
    const { server, port, traces } = await startServer();
    const { stub, session } = clientFor(port);
    try {
      const tracer = trace.getTracer('spec');
      // Traces a client asked for (sampled parents), as a gateway request with a sampled
      // traceparent would carry.
      const sent = await Promise.all(
        ['t1', 't2'].map((key) =>
          context.with(sampledRemoteParent(), () =>
            tracer.startActiveSpan(`client ${key}`, async (span) => {
              await session.call(get(key), 5_000);
              span.end();
              return span.spanContext().traceId;
            }),
          ),
        ),
      );
      await session.call(get('untraced'), 5_000);
      expect(sent[0]).not.toBe(sent[1]);
      expect([traces.get('t1'), traces.get('t2')]).toEqual(sent);
      expect(traces.get('untraced')).not.toBe(sent[0]);
    } finally {
      session.close();
      stub.close();
      server.forceShutdown();
    }
  });

  it('runs an operation of an unsampled trace with no span, and does not pass the trace on', async () => {
    const { server, port, traces } = await startServer();
    const { stub, session } = clientFor(port);
    try {
      const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.NONE,
        isRemote: true,
      });
      await context.with(unsampledParent, () =>
        trace.getTracer('spec').startActiveSpan('client unsampled', async (span) => {
          expect(span.isRecording()).toBe(false);
          await session.call(get('unsampled'), 5_000);
          span.end();
        }),
      );
      expect(traces.has('unsampled')).toBe(true);
      expect(traces.get('unsampled')).toBeUndefined();
    } finally {
      session.close();
      stub.close();
      server.forceShutdown();
    }
  });
});
