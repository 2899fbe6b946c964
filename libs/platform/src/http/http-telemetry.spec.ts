import { trace } from '@opentelemetry/api';
import { startTelemetry } from '@ringkv/telemetry';
import Fastify, { FastifyInstance } from 'fastify';

describe('HTTP telemetry hooks', () => {
  // Sample no new traces: only a client's sampled traceparent makes a request traced.
  const telemetry = startTelemetry({ serviceName: 'http-spec', tracesExporter: 'none', otlpEndpoint: 'http://127.0.0.1:4318', traceSampleRatio: 0 });
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    // Loaded after the SDK started, as in the apps, so its instruments are real.
    const { instrumentHttp } = await import('./http-telemetry');
    app = Fastify();
    instrumentHttp(app);
    const seenTrace = async () => {
      await new Promise((resolve) => setImmediate(resolve)); // the trace survives async hops
      return { traceId: trace.getActiveSpan()?.spanContext().traceId ?? null };
    };
    app.get('/things/:id', seenTrace);
    app.post('/things', seenTrace);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app.close();
    await telemetry.shutdown();
  });

  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const traced = (flags: string) => ({ traceparent: `00-${traceId}-00f067aa0ba902b7-${flags}` });

  it('runs a request of a sampled client trace inside that trace, body parsing included', async () => {
    const get = await fetch(`${base}/things/1`, { headers: traced('01') });
    expect(await get.json()).toEqual({ traceId });
    const post = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { ...traced('01'), 'content-type': 'application/json' },
      body: JSON.stringify({ big: 'x'.repeat(200_000) }),
    });
    expect(await post.json()).toEqual({ traceId });
  });

  it('runs unsampled and untraced requests with no span', async () => {
    expect(await (await fetch(`${base}/things/2`, { headers: traced('00') })).json()).toEqual({ traceId: null });
    expect(await (await fetch(`${base}/things/3`)).json()).toEqual({ traceId: null });
  });

  it('counts requests by route pattern and status in the metrics', async () => {
    await fetch(`${base}/things/4`);
    await fetch(`${base}/nowhere`);
    const text = await telemetry.renderMetrics();
    expect(text).toMatch(/ringkv_http_requests_total\{[^}]*route="\/things\/:id"[^}]*status="200"[^}]*\} \d+/);
    expect(text).toMatch(/ringkv_http_requests_total\{[^}]*route="unmatched"[^}]*status="404"[^}]*\} 1/);
    expect(text).not.toContain('/things/4');
  });
});
