/**
 * When a cached tenant or API key may be served past its TTL because PostgreSQL (and the Redis
 * cache) cannot answer. Only while no revocation can have been missed: the entry was loaded
 * after the metadata subscriber last (re)connected and the subscriber is still connected, so
 * any revocation since would have evicted it. And never for longer than MAX_STALE_MS after it
 * was loaded, in case a message was lost anyway.
 */
import type { MetadataEvents } from '../infra/metadata-events';

export const MAX_STALE_MS = 60 * 60 * 1000;

export function usableWhileDown(loadedAt: number, events: MetadataEvents, now = Date.now()): boolean {
  const since = events.invalidationsSeenSince();
  return since !== undefined && loadedAt >= since && now - loadedAt <= MAX_STALE_MS;
}
