/**
 * Request rate, latency and errors per HTTP route, recorded from Fastify's hooks so every route
 * is covered without decorating controllers. The route label is the route pattern
 * (`/v1/tenants/:tenant_id`), never the raw URL, to keep label cardinality bounded.
 */
import type { FastifyInstance } from 'fastify';
import { counter, latencyHistogram, secondsSince } from '@ringkv/telemetry';

const requests = counter('ringkv_http_requests', 'HTTP requests by route, method and status code');
const latency = latencyHistogram('ringkv_http_request_duration_seconds', 'HTTP request latency by route and method');

const started = Symbol('ringkv.startedAt');
type Timed = { [started]?: bigint };

export function instrumentHttp(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    (request as unknown as Timed)[started] = process.hrtime.bigint();
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const attributes = { route, method: request.method, status: String(reply.statusCode) };
    requests.add(1, attributes);
    const start = (request as unknown as Timed)[started];
    if (start !== undefined) latency.record(secondsSince(start), { route, method: request.method });
  });
}
