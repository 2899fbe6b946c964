/**
 * What AuthGuard learned about a request (the principal and, on tenant routes, the tenant),
 * kept beside the request rather than on it, with parameter decorators for controllers.
 */
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Tenant } from '@ringkv/db';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error';
import type { Principal } from './principal';

export interface RequestContext {
  principal: Principal;
  tenant?: Tenant;
}

const contexts = new WeakMap<object, RequestContext>();

export function setRequestContext(request: FastifyRequest, context: RequestContext): void {
  contexts.set(request.raw, context);
}

export function requestContextOf(request: FastifyRequest): RequestContext | undefined {
  return contexts.get(request.raw);
}

/** Controller parameter: the tenant a tenant route acts for. */
export const ActingTenant = createParamDecorator((_data: unknown, context: ExecutionContext): Tenant => {
  const tenant = requestContextOf(context.switchToHttp().getRequest<FastifyRequest>())?.tenant;
  if (!tenant) throw new GatewayError('INTERNAL_ERROR', 'route is missing @Access("tenant")');
  return tenant;
});
