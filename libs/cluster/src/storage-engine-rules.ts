/**
 * The storage node's engine rules as a module the engine can load on any thread: sibling-set
 * reconciliation (`reconcileObjects`) and the purge filter (`purgeFilter`). The engine's table
 * worker loads this file itself, so a compaction decides every key on that thread instead of
 * sending each value back to the event loop that serves requests.
 *
 * Contract (the engine's RulesModule): `createEngineRules(config)` returns the functions;
 * `storageEngineRules(config)` names this file and its config for `EngineOptions.rulesModule`.
 * Only relative imports here and below: the worker loads it without path aliases.
 */
import { reconcileObjects } from './object-reconciler';
import { purgeFilter, type PurgeFilter, type PurgeOptions } from './purge-filter';

export interface StorageEngineRules {
  reconcile: typeof reconcileObjects;
  compactionFilter: PurgeFilter;
}

export function createEngineRules(config: PurgeOptions): StorageEngineRules {
  return { reconcile: reconcileObjects, compactionFilter: purgeFilter(config) };
}

export function storageEngineRules(config: PurgeOptions): { path: string; config: PurgeOptions } {
  return { path: __filename, config: { gcGraceMs: config.gcGraceMs } };
}
