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
 * is polled between keys so closing the engine need not wait for a long merge.
 */
import { EngineError } from '../errors';
import { EntryKind } from '../format/entry-kind';
import { MergingIterator } from '../iterator/merging-iterator';
import { resolveEntries } from '../iterator/resolve-entries';
import type { CompactionFilterFn, ReconcileFn } from '../options';
import type { BuildEntry } from '../db/table-builder';
import type { TableHandle } from '../db/table-handle';

export interface CompactionJobInput {
  inputs: readonly TableHandle[];
  bottommost: boolean;
  reconcile: ReconcileFn;
  filter?: CompactionFilterFn;
  now: number;
  shouldStop: () => boolean;
}

export interface CompactionCounters {
  keysIn: number;
  keysOut: number;
  dropped: number;
  rewritten: number;
}

export async function* compactEntries(job: CompactionJobInput, counters: CompactionCounters): AsyncGenerator<BuildEntry> {
  const merge = new MergingIterator(job.inputs.map((t) => t.reader.iterate()));
  const ctx = { now: job.now, bottommost: job.bottommost };
  try {
    for await (const group of merge) {
      if (job.shouldStop()) throw new EngineError('CLOSED', 'compaction stopped: engine closing');
      counters.keysIn++;
      const r = resolveEntries(job.reconcile, group.key, group.entries, !job.bottommost);
      if (!r) continue;
      if (r.kind === EntryKind.Put && job.filter) {
        const decision = job.filter(group.key, r.value, ctx);
        if (decision.action === 'drop') {
          counters.dropped++;
          if (!job.bottommost) {
            counters.keysOut++;
            yield { key: group.key, kind: EntryKind.Delete, value: Buffer.alloc(0) };
          }
          continue;
        }
        if (decision.action === 'rewrite') {
          counters.rewritten++;
          counters.keysOut++;
          yield { key: group.key, kind: EntryKind.Put, value: decision.value };
          continue;
        }
      }
      if (r.kind === EntryKind.Delete && job.bottommost) {
        counters.dropped++;
        continue;
      }
      counters.keysOut++;
      yield { key: group.key, kind: r.kind, value: r.value };
    }
  } finally {
    await merge.close();
  }
}
