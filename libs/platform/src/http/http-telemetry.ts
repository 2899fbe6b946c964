/**
 * Request metrics and server spans for every HTTP route, from Fastify's hooks (no decorated
 * controllers, no generic `http` auto-instrumentation on the hot path).
 *
 * - Metrics: rate, latency and status per route pattern (`/v1/tenants/:tenant_id`, never the
 *   raw URL, so label cardinality stays bounded).
 * - Traces: a SERVER span per request, child of the client's W3C `traceparent` when it sends
 *   one. The sampler decides (parent-based, then `RINGKV_TRACE_SAMPLE_RATIO`); only a sampled
 *   request is run inside its trace context, so an unsampled one pays for no context
 *   propagation at all, and its downstream session operations carry no trace.
 */
import { context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { counter, latencyHistogram, secondsSince } from '@ringkv/telemetry';

const requests = counter('ringkv_http_requests', 'HTTP requests by route, method and status code');
const latency = latencyHistogram('ringkv_http_request_duration_seconds', 'HTTP request latency by route and method');
const tracer = trace.getTracer('ringkv-http');

const startedAt = Symbol('ringkv.startedAt');
const serverSpan = Symbol('ringkv.span');
interface Instrumented {
  [startedAt]?: bigint;
  [serverSpan]?: Span;
}

export function instrumentHttp(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const state = request as unknown as Instrumented;
    state[startedAt] = process.hrtime.bigint();
    const route = routeOf(request);
    const parent = request.headers.traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER }, parent);
    if (!span.isRecording()) {
      done();
      return;
    }
    span.setAttributes({ 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?', 1)[0] });
    state[serverSpan] = span;
    // Fastify binds its body parser's continuation to the async context it started in, so the
    // handler of a request with a body runs in the trace too (a spec checks this).
    context.with(trace.setSpan(parent, span), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    finish(request, reply);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const state = request as unknown as Instrumented;
    const span = state[serverSpan];
    // Ended here, once: a response that still follows finds no span to end again.
    state[serverSpan] = undefined;
    span?.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted the request' });
    span?.end();
    done();
  });
}

function finish(request: FastifyRequest, reply: FastifyReply): void {
  const state = request as unknown as Instrumented;
  const route = routeOf(request);
  const status = reply.statusCode;
  requests.add(1, { route, method: request.method, status: String(status) });
  const start = state[startedAt];
  if (start !== undefined) latency.record(secondsSince(start), { route, method: request.method });
  const span = state[serverSpan];
  if (span !== undefined) {
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}
