/**
 * Answers requests whose URL Fastify would refuse before routing — an undecodable path
 * (`%ff`) or a path segment longer than Fastify's parameter limit — with the error envelope.
 * Fastify writes its own body for those without running hooks or error handlers, and its
 * `frameworkErrors` option can only be set where the server is constructed (libs/platform), so
 * the check runs in front of Fastify's request listener instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { chooseRequestId, REQUEST_ID_HEADER } from './request-id';

/** Fastify's default maxParamLength. */
const MAX_SEGMENT_CHARS = 100;

export function badUrlReason(url: string): string | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  for (const segment of path.split('/')) {
    if (segment.length > MAX_SEGMENT_CHARS) return `a path segment is longer than ${MAX_SEGMENT_CHARS} characters`;
    try {
      decodeURIComponent(segment);
    } catch {
      return 'the path is not valid percent-encoded UTF-8';
    }
  }
  return undefined;
}

export function installUrlGuard(fastify: FastifyInstance): void {
  const server = fastify.server;
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const reason = badUrlReason(req.url ?? '/');
    if (reason === undefined) {
      for (const listener of listeners) listener(req, res);
      return;
    }
    const requestId = chooseRequestId(req.headers[REQUEST_ID_HEADER]);
    const body = JSON.stringify({ status: 'error', error_code: 'INVALID_REQUEST', message: reason, request_id: requestId });
    res.writeHead(400, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      [REQUEST_ID_HEADER]: requestId,
    });
    res.end(body);
  });
}
