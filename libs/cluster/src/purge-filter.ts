/**
 * The compaction filter that purges dead versions (SYSTEM.md §3, §9). For each stored object:
 * - a version that has expired (TTL) turns into a tombstone at once: its value bytes go, but its
 *   clock stays, because it still supersedes the older versions it beat on other replicas and
 *   in older SSTables;
 * - a tombstone (including one made from an expired version) is dropped once `gcGraceMs` has
 *   passed since it died, and only when the compaction writes the bottommost level: above that,
 *   an older copy of the key further down could reappear once the tombstone is gone.
 * The result is 'keep' (nothing changed), 'rewrite' (some versions changed or went) or 'drop'
 * (no version left). Undecodable values are kept untouched: a filter must never destroy data it
 * does not understand; the read path reports the corruption.
 */
import { Buffer } from 'node:buffer';
import { ClusterError } from './errors';
import { decodeObject, encodeObject } from './object-codec';
import { deathTime, isExpired, Version } from './versioned-object';

export interface PurgeContext {
  /** Wall clock, ms. */
  readonly now: number;
  /** Whether the compaction output is the bottommost level (nothing older below it). */
  readonly bottommost: boolean;
}

export type PurgeDecision = { readonly action: 'keep' } | { readonly action: 'drop' } | { readonly action: 'rewrite'; readonly value: Buffer };

export type PurgeFilter = (key: Uint8Array, value: Uint8Array, ctx: PurgeContext) => PurgeDecision;

export interface PurgeOptions {
  /** How long a tombstone must survive so every replica sees it (gc_grace_seconds, in ms). */
  readonly gcGraceMs: number;
}

const KEEP: PurgeDecision = Object.freeze({ action: 'keep' });
const DROP: PurgeDecision = Object.freeze({ action: 'drop' });

export function purgeFilter(options: PurgeOptions): PurgeFilter {
  const { gcGraceMs } = options;
  if (!Number.isSafeInteger(gcGraceMs) || gcGraceMs < 0) {
    throw new ClusterError('INVALID_ARGUMENT', `gcGraceMs must be a non-negative integer, got ${gcGraceMs}`);
  }
  return (_key, value, ctx) => {
    let versions: readonly Version[];
    try {
      versions = decodeObject(value).versions;
    } catch {
      return KEEP;
    }
    let changed = false;
    const kept: Version[] = [];
    for (const original of versions) {
      let v = original;
      if (v.value !== null && isExpired(v, ctx.now)) {
        v = { ...v, value: null };
        changed = true;
      }
      const died = deathTime(v);
      if (v.value === null && ctx.bottommost && died !== undefined && died + gcGraceMs <= ctx.now) {
        changed = true;
        continue;
      }
      kept.push(v);
    }
    if (kept.length === 0) return DROP;
    if (!changed) return KEEP;
    // Order is unchanged and no clock changed, so the kept list is still canonical.
    return { action: 'rewrite', value: encodeObject({ versions: kept }) };
  };
}
