/**
 * Route metadata read by AuthGuard: who may call a route (`admin`, `tenant` — a tenant key, or
 * an admin naming the tenant with X-Tenant-Id — or `public`), and which rate limit it draws on.
 */
import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RateKind } from '../rate-limit/rate-limit.service';

export type AccessLevel = 'admin' | 'tenant' | 'public';
export const ACCESS = 'ringkv:access';
export const RATE_LIMITED = 'ringkv:rate-limited';

export interface RateLimitSpec {
  kind: RateKind;
  /** Requests this call counts for (a batch counts its items). */
  cost: (request: FastifyRequest) => number;
}

export const Access = (level: AccessLevel) => SetMetadata(ACCESS, level);

export const RateLimited = (kind: RateKind, cost: RateLimitSpec['cost'] = () => 1) =>
  SetMetadata(RATE_LIMITED, { kind, cost } satisfies RateLimitSpec);

/** Cost of a batch route: the length of the body's array member `field` (at least 1). */
export function itemsOf(field: string): RateLimitSpec['cost'] {
  return (request) => {
    const body = request.body as Record<string, unknown> | null | undefined;
    const items = body && typeof body === 'object' ? body[field] : undefined;
    return Array.isArray(items) ? Math.max(1, items.length) : 1;
  };
}
