/**
 * OpenTelemetry bootstrap, one per process. Must run before the instrumented modules (http,
 * fastify, grpc, pg, ioredis) are first required, so each app calls it at the top of main.ts
 * before importing Nest.
 *
 * - Traces: W3C trace context propagates over HTTP and gRPC. A real tracer provider is always
 *   installed (so log lines carry trace ids) even when spans are not exported.
 * - Metrics: collected on demand by the Prometheus reader and served by the app's `/metrics`
 *   route (no separate metrics port, nothing pushed anywhere).
 * - Nothing is sent to a collector unless `tracesExporter` is `otlp`.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { TelemetryOptions } from './telemetry-options';

export interface Telemetry {
  /** Current metrics in the Prometheus text exposition format. */
  renderMetrics(): Promise<string>;
  shutdown(): Promise<void>;
}

const noExport: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

function spanProcessor(options: TelemetryOptions): SpanProcessor {
  switch (options.tracesExporter) {
    case 'console':
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    case 'otlp':
      return new BatchSpanProcessor(new OTLPTraceExporter({ url: new URL('/v1/traces', options.otlpEndpoint).href }));
    case 'none':
      return noExport;
  }
}

let started: Telemetry | undefined;

export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started) return started;
  // Keep the SDK from configuring exporters of its own from OTEL_* defaults (which would try
  // to reach a collector on 127.0.0.1:4318).
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_TRACES_EXPORTER ??= 'none';
  const exporting = options.tracesExporter !== 'none';
  // Runtime metrics always; the gRPC (unary and admin RPCs) and PostgreSQL instrumentations make
  // only spans, so they load only when spans are exported. HTTP server spans and the session
  // operations' spans come from RingKV's own hooks (libs/platform), which skip unsampled work.
  // Every other instrumentation (fs, dns, Nest, ioredis...) costs startup time and work per call.
  // Context propagation itself (AsyncLocalStorage) costs ~10% CPU on the request path once
  // anything uses it, so an unexported, unsampled process never starts it.
  process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ??= exporting ? 'grpc,pg,runtime-node' : 'runtime-node';

  const prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    autoDetectResources: false,
    spanProcessors: [spanProcessor(options)],
    logRecordProcessors: [],
    metricReaders: [prometheus],
    // New traces are sampled only when spans go somewhere; a client's sampled traceparent is
    // honoured either way (its trace id then reaches the logs of every hop).
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(exporting ? options.traceSampleRatio : 0) }),
    instrumentations: [
      getNodeAutoInstrumentations({
        // A session stream lives as long as the process: one span for it would say nothing.
        // Its operations carry their own trace context (libs/platform session-server).
        '@opentelemetry/instrumentation-grpc': { ignoreGrpcMethods: ['Session'] },
      }),
    ],
  });
  sdk.start();
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  started = {
    async renderMetrics() {
      const { resourceMetrics } = await prometheus.collect();
      return serializer.serialize(resourceMetrics);
    },
    async shutdown() {
      await sdk.shutdown();
    },
  };
  return started;
}
