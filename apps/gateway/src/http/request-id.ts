/**
 * Request ids: every response carries `X-Request-Id`, echoing the client's when it sent a sane
 * one (so ids can be correlated across systems) and generating one otherwise. The id is set in
 * the first Fastify hook, so errors raised while parsing the body carry it too.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Printable ASCII without spaces, bounded: anything else could poison logs or headers. */
const ACCEPTED_ID = /^[\x21-\x7e]{1,128}$/;

const ids = new WeakMap<object, string>();

/** The client's id when it is acceptable, else a fresh one. */
export function chooseRequestId(sent: string | string[] | undefined): string {
  return typeof sent === 'string' && ACCEPTED_ID.test(sent) ? sent : randomUUID();
}

/** The request's id; assigns one (and sets the header) if the hook has not run. */
export function requestIdOf(request: FastifyRequest, reply?: FastifyReply): string {
  let id = ids.get(request.raw);
  if (id === undefined) {
    id = chooseRequestId(request.headers[REQUEST_ID_HEADER]);
    ids.set(request.raw, id);
    reply?.header(REQUEST_ID_HEADER, id);
  }
  return id;
}

export function installRequestIds(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    requestIdOf(request, reply);
    done();
  });
}
