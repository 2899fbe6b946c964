import { trace } from '@opentelemetry/api';
import { Writable } from 'node:stream';
import { counter, createLogger, latencyHistogram, startTelemetry } from './index';

describe('telemetry', () => {
  const telemetry = startTelemetry({
    serviceName: 'telemetry-spec',
    tracesExporter: 'none',
    otlpEndpoint: 'http://127.0.0.1:4318',
    traceSampleRatio: 1,
  });
  afterAll(() => telemetry.shutdown());

  it('renders declared metrics in the Prometheus text format', async () => {
    counter('ringkv_spec_requests', 'requests seen by the spec').add(3, { route: 'get' });
    latencyHistogram('ringkv_spec_latency_seconds', 'latency seen by the spec').record(0.002, { route: 'get' });
    const text = await telemetry.renderMetrics();
    expect(text).toMatch(/^# HELP ringkv_spec_requests_total requests seen by the spec$/m);
    expect(text).toMatch(/^ringkv_spec_requests_total\{route="get"\} 3/m);
    expect(text).toMatch(/^ringkv_spec_latency_seconds_bucket\{route="get",le="0.0025"\} 1/m);
  });

  it('stamps log lines written inside a span with its trace and span ids', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ serviceName: 'spec', level: 'info' }, sink);
    const span = trace.getTracer('spec').startSpan('op');
    const ids = span.spanContext();
    trace.getTracer('spec').startActiveSpan('op', (active) => {
      logger.info({ authorization: 'Bearer secret' }, 'inside');
      active.end();
      expect(JSON.parse(lines[0]!).trace_id).toBe(active.spanContext().traceId);
    });
    span.end();
    logger.info('outside');
    const inside = JSON.parse(lines[0]!);
    expect(inside.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(inside.trace_id).not.toBe(ids.traceId);
    expect(inside.authorization).toBe('[redacted]');
    expect(JSON.parse(lines[1]!).trace_id).toBeUndefined();
  });
});
