/**
 * The gateway's JSON body parser, replacing Fastify's: it keeps the raw bytes beside the parsed
 * value (KV values travel as the client's bytes, see json-spans.ts) and rejects, before any
 * controller runs, what JSON.parse alone would let through or choke on: invalid UTF-8, nesting
 * deeper than MAX_JSON_DEPTH, and malformed JSON. Fastify's bodyLimit applies first, so an
 * oversized body is refused (413) before it is buffered.
 *
 * Bodies with another content type are refused, except NDJSON (import), which is handed to its
 * route as a stream so it is never buffered whole.
 */
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { invalidRequest } from '../errors/gateway-error';
import { nestingDepthExceeds } from './json-spans';

/** Deep enough for any real document; shallow enough that no recursive consumer overflows. */
export const MAX_JSON_DEPTH = 64;

export interface JsonBody {
  /** The body exactly as received. */
  raw: Buffer;
  /** The parsed body (undefined when the body was empty). */
  value: unknown;
}

const bodies = new WeakMap<object, JsonBody>();
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(raw: Buffer): JsonBody {
  if (raw.length === 0) return { raw, value: undefined };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw invalidRequest('request body is not valid UTF-8');
  }
  if (nestingDepthExceeds(raw, MAX_JSON_DEPTH)) {
    throw invalidRequest(`request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return { raw, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw invalidRequest(`request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function installBodyParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  const parseJson = (request: FastifyRequest, raw: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
    try {
      const body = parseJsonBody(raw as Buffer);
      bodies.set(request.raw, body);
      done(null, body.value);
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  // Through Nest, so that Nest knows a JSON parser exists and does not add its own at init.
  app.useBodyParser('application/json', {}, parseJson);
  fastify.addContentTypeParser(/^application\/[a-z0-9.+-]*\+json$/, { parseAs: 'buffer' }, parseJson);
  // Streamed: the import route reads lines as they arrive.
  fastify.addContentTypeParser(['application/x-ndjson', 'application/ndjson'], (_request, payload, done) =>
    done(null, payload),
  );
  fastify.addContentTypeParser('*', (_request, _payload, done) =>
    done(invalidRequest('Content-Type must be application/json'), undefined),
  );
}

/** The JSON body of a request with its raw bytes; an empty body when none was sent. */
export function jsonBodyOf(request: FastifyRequest): JsonBody {
  return bodies.get(request.raw) ?? { raw: Buffer.alloc(0), value: undefined };
}

/** Controller parameter: the request's JsonBody. */
export const Json = createParamDecorator((_data: unknown, context: ExecutionContext): JsonBody =>
  jsonBodyOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
