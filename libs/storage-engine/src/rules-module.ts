/**
 * `reconcile` and the compaction filter given as a module instead of as functions, so that the
 * table worker can load them too and decide every key of a compaction on its own thread, with
 * no round trip to the event loop (ADR 0004).
 *
 * Contract: the module (a CommonJS file: `.js`, or `.ts` when the engine runs from its sources)
 * exports `createEngineRules(config)`, which returns `{ reconcile?, compactionFilter? }`. Each
 * thread loads it once per (path, config). `config` is JSON data (objects, arrays, strings,
 * finite numbers, booleans, null), so it crosses to the worker unchanged and names its cache
 * entry exactly. The functions must be pure, so either thread gives the same answer.
 */
import { EngineError } from './errors';
import type { CompactionFilterFn, ReconcileFn } from './options';

export interface RulesModule {
  /** Absolute path of the module (its own `__filename` is the usual choice). */
  path: string;
  /** Passed to `createEngineRules`; JSON data only. */
  config?: unknown;
}

export interface EngineRules {
  reconcile?: ReconcileFn;
  compactionFilter?: CompactionFilterFn;
}

const loaded = new Map<string, EngineRules>();

function isJsonData(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonData);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v).every(isJsonData);
  return false;
}

export function loadRulesModule(spec: RulesModule): EngineRules {
  if (spec.config !== undefined && !isJsonData(spec.config)) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `rules module ${spec.path}: config must be JSON data (no Map, Set, BigInt, class instances)`,
    );
  }
  const cacheKey = `${spec.path}\0${JSON.stringify(spec.config ?? null)}`;
  const cached = loaded.get(cacheKey);
  if (cached) return cached;
  let mod: { createEngineRules?: unknown };
  try {
    mod = require(spec.path) as { createEngineRules?: unknown };
  } catch (err) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `rules module ${spec.path} cannot be loaded: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (typeof mod.createEngineRules !== 'function') {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `rules module ${spec.path} does not export createEngineRules(config)`,
    );
  }
  const rules = (mod.createEngineRules as (config: unknown) => EngineRules)(spec.config);
  for (const name of ['reconcile', 'compactionFilter'] as const) {
    if (rules?.[name] !== undefined && typeof rules[name] !== 'function') {
      throw new EngineError('INVALID_ARGUMENT', `rules module ${spec.path}: ${name} must be a function`);
    }
  }
  loaded.set(cacheKey, rules);
  return rules;
}
