/**
 * The compaction benchmark's filter, as a rules module (see src/rules-module.ts): it looks at
 * every value, as a TTL check would, and keeps it.
 */
import type { CompactionFilterFn, EngineRules } from '../src';

export const keepAll: CompactionFilterFn = (_key, value) =>
  value.length > 0 && value[0] === 0xff && value.length === 1 ? { action: 'drop' } : { action: 'keep' };

export function createEngineRules(): EngineRules {
  return { compactionFilter: keepAll };
}
