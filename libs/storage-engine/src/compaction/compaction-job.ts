/**
 * One compaction: merges a contiguous, newest-first window of tables into one entry stream for
 * a new table, folding versions through `reconcile` and applying the compaction filter.
 *
 * Contract (per key, after resolving the window's entries newest-first):
 * - a resolved value (Put) goes through the filter: keep / rewrite / drop. A dropped value
 *   becomes a tombstone unless the window is bottommost (older tables could otherwise
 *   resurrect the key);
 * - a tombstone is kept unless the window is bottommost;
 * - unresolved Merge operands (no base in the window, older tables exist) stay one operand.
 * The job only reads its inputs (the caller holds references); it installs nothing. `shouldStop`
 * is polled between keys so closing the engine need not wait for a long merge. `compactGroup`
 * is the per-key rule on its own, shared with the table worker (which merges on its thread and
 * hands keys that need `reconcile` or the filter back to the engine's thread).
 */
import { EngineError } from '../errors';
import { EntryKind } from '../format/entry-kind';
import { MergingIterator, type SourceEntry } from '../iterator/merging-iterator';
import { resolveEntries, type KindedValue } from '../iterator/resolve-entries';
import type { CompactionFilterFn, ReconcileFn } from '../options';
import type { BuildEntry } from '../db/table-builder';

/** How one compaction treats a key's resolved versions. */
export interface CompactionRules {
  bottommost: boolean;
  reconcile: ReconcileFn;
  filter?: CompactionFilterFn;
  now: number;
}

/** A table to read: the engine's TableHandle, or a bare reader in the table worker. */
export interface CompactionInput {
  reader: { iterate(): AsyncIterator<SourceEntry> };
}

export interface CompactionJobInput extends CompactionRules {
  /** Newest first. */
  inputs: readonly CompactionInput[];
  shouldStop: () => boolean;
}

export interface CompactionCounters {
  keysIn: number;
  keysOut: number;
  dropped: number;
  rewritten: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * The output entry for one key (undefined: nothing is written), given its versions in the
 * window, newest first. Counters change only after `reconcile` and the filter returned, so a
 * throwing callback leaves them untouched.
 */
export function compactGroup(
  rules: CompactionRules,
  key: Buffer,
  newestFirst: readonly KindedValue[],
  counters: CompactionCounters,
): BuildEntry | undefined {
  const r = resolveEntries(rules.reconcile, key, newestFirst, !rules.bottommost);
  counters.keysIn++;
  if (!r) return undefined;
  if (r.kind === EntryKind.Put && rules.filter) {
    const decision = rules.filter(key, r.value, { now: rules.now, bottommost: rules.bottommost });
    if (decision.action === 'drop') {
      counters.dropped++;
      if (rules.bottommost) return undefined;
      counters.keysOut++;
      return { key, kind: EntryKind.Delete, value: EMPTY };
    }
    if (decision.action === 'rewrite') {
      counters.rewritten++;
      counters.keysOut++;
      return { key, kind: EntryKind.Put, value: decision.value };
    }
  }
  if (r.kind === EntryKind.Delete && rules.bottommost) {
    counters.dropped++;
    return undefined;
  }
  counters.keysOut++;
  return { key, kind: r.kind, value: r.value };
}

export async function* compactEntries(job: CompactionJobInput, counters: CompactionCounters): AsyncGenerator<BuildEntry> {
  const merge = new MergingIterator(job.inputs.map((t) => t.reader.iterate()));
  try {
    for await (const group of merge) {
      if (job.shouldStop()) throw new EngineError('CLOSED', 'compaction stopped: engine closing');
      const out = compactGroup(job, group.key, group.entries, counters);
      if (out) yield out;
    }
  } finally {
    await merge.close();
  }
}
