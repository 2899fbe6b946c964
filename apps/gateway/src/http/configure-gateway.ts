/**
 * Fastify-level setup of the gateway, applied after the Nest app is created and before its
 * routes are registered: the URL guard, request ids, the reply serializer, the route table (for
 * 405s), the body parsers, and the OpenAPI document with its UI at /docs.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerOpenApi } from '../openapi/openapi.plugin';
import { installBodyParsers } from './json-body';
import { installJsonTextSerializer } from './json-text';
import { installRequestIds } from './request-id';
import { RouteTable } from './route-table';
import { installUrlGuard } from './url-guard';

export function configureGateway(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  installUrlGuard(fastify);
  installRequestIds(fastify);
  installJsonTextSerializer(fastify);
  app.get(RouteTable).install(fastify);
  installBodyParsers(app);
  registerOpenApi(app);
}
