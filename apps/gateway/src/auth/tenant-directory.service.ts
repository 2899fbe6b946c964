/**
 * Active tenants by id, for authorisation and rate limits on the request path. Rows are cached
 * in process for a few seconds and evicted at once by `{"kind":"tenant"}` metadata events, so a
 * changed limit or a deleted tenant takes effect on every gateway almost immediately without a
 * PostgreSQL round trip per request. Concurrent misses for one id share one query.
 *
 * PostgreSQL unreachable: a tenant seen before keeps being served from its last known row (the
 * data path does not depend on PostgreSQL), counted as a fallback, within the bounds of
 * stale-entry.ts; an unknown one fails.
 */
import { Injectable } from '@nestjs/common';
import { Tenant, TenantRepository } from '@ringkv/db';
import { gatewayMetrics } from '../gateway.metrics';
import { MetadataEvents } from '../infra/metadata-events';
import { usableWhileDown } from './stale-entry';

/** Bounds staleness if an invalidation message is lost. */
const TENANT_CACHE_MS = 5_000;
const MAX_CACHED = 10_000;

@Injectable()
export class TenantDirectory {
  private readonly cache = new Map<string, { tenant: Tenant | undefined; until: number; loadedAt: number }>();
  private readonly loading = new Map<string, Promise<Tenant | undefined>>();
  private generation = 0;

  constructor(
    private readonly tenants: TenantRepository,
    private readonly events: MetadataEvents,
  ) {
    events.onEvent((event) => {
      if (event.kind !== 'tenant') return;
      this.generation++;
      this.cache.delete(event.id);
    });
  }

  /** The active tenant with this id, or undefined (absent or being deleted). */
  async find(id: string): Promise<Tenant | undefined> {
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) return cached.tenant;
    let pending = this.loading.get(id);
    if (!pending) {
      const generation = this.generation;
      // What the answer reflects: the moment the lookup started, not when it came back.
      const startedAt = Date.now();
      pending = this.tenants
        .find(id)
        .then((row) => {
          const tenant = row && row.deletedAt === null ? row : undefined;
          // An invalidation that arrived during the query may describe a newer row: do not cache.
          if (generation === this.generation) {
            if (this.cache.size >= MAX_CACHED) this.cache.clear();
            const now = Date.now();
            this.cache.set(id, { tenant, until: now + TENANT_CACHE_MS, loadedAt: startedAt });
          }
          return tenant;
        })
        .catch((error: unknown) => {
          const stale = this.cache.get(id);
          if (stale === undefined || !usableWhileDown(stale.loadedAt, this.events)) throw error;
          gatewayMetrics.staleLookup('tenant');
          return stale.tenant;
        })
        .finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }
}
