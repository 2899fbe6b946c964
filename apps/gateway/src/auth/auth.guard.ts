/**
 * The gateway's one guard (global): authenticates the Bearer key, enforces the route's access
 * level, resolves the tenant a tenant route acts for, and applies the tenant's rate limit,
 * setting X-RateLimit-* headers on the reply (they stay on error replies too).
 *
 * Routes under /v1 must declare their access level; one that does not is refused rather than
 * left open by omission.
 */
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Tenant } from '@ringkv/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, invalidRequest } from '../errors/gateway-error';
import { gatewayMetrics } from '../gateway.metrics';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ACCESS, AccessLevel, RATE_LIMITED, RateLimitSpec } from './access.decorator';
import { ApiKeyResolver } from './api-key-resolver.service';
import { bearerToken } from './api-key-secret';
import type { Principal } from './principal';
import { setRequestContext } from './request-context';
import { TenantDirectory } from './tenant-directory.service';

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyResolver,
    private readonly tenants: TenantDirectory,
    private readonly rateLimits: RateLimitService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const access = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS, targets);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (access === 'public') return true;
    if (access === undefined) {
      if (request.url.startsWith('/v1')) throw new GatewayError('FORBIDDEN', 'route has no access rule');
      return true;
    }
    const principal = await this.keys.authenticate(bearerToken(request.headers.authorization));
    if (access === 'admin') {
      if (principal.kind !== 'admin')
        throw new GatewayError('FORBIDDEN', 'this route needs an admin API key');
      setRequestContext(request, { principal });
      return true;
    }
    const tenant = await this.actingTenant(principal, request.headers['x-tenant-id']);
    setRequestContext(request, { principal, tenant });
    const rate = this.reflector.getAllAndOverride<RateLimitSpec | undefined>(RATE_LIMITED, targets);
    if (rate)
      await this.applyRateLimit(tenant, rate, request, context.switchToHttp().getResponse<FastifyReply>());
    return true;
  }

  private async actingTenant(principal: Principal, header: string | string[] | undefined): Promise<Tenant> {
    if (header !== undefined && (typeof header !== 'string' || !TENANT_ID_PATTERN.test(header))) {
      throw invalidRequest('X-Tenant-Id must be a tenant id ([a-z0-9][a-z0-9_-]{0,62})');
    }
    let tenantId: string;
    if (principal.kind === 'tenant') {
      if (header !== undefined && header !== principal.tenantId) {
        throw new GatewayError('FORBIDDEN', 'this API key belongs to another tenant');
      }
      tenantId = principal.tenantId;
    } else {
      if (header === undefined) throw invalidRequest('an admin key must name the tenant with X-Tenant-Id');
      tenantId = header;
    }
    const tenant = await this.tenants.find(tenantId);
    if (!tenant) {
      if (principal.kind === 'tenant') throw new GatewayError('UNAUTHORIZED', 'unknown or revoked API key');
      throw new GatewayError('TENANT_NOT_FOUND', `tenant ${tenantId} not found`);
    }
    return tenant;
  }

  private async applyRateLimit(
    tenant: Tenant,
    spec: RateLimitSpec,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const limit = spec.kind === 'write' ? tenant.writeRateLimit : tenant.readRateLimit;
    const decision = await this.rateLimits.consume(tenant.id, spec.kind, limit, spec.cost(request));
    reply.header('x-ratelimit-limit', String(decision.limit));
    reply.header('x-ratelimit-remaining', String(decision.remaining));
    reply.header('x-ratelimit-reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      gatewayMetrics.rateLimited(spec.kind);
      throw new GatewayError(
        'RATE_LIMIT_EXCEEDED',
        `tenant ${tenant.id} exceeds ${limit} ${spec.kind}s per second`,
        {
          'retry-after': String(decision.resetSeconds),
        },
      );
    }
  }
}
