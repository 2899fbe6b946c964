/**
 * Folds the entries one key has across sources (memtables and tables, NEWEST FIRST) into what
 * the key means. Shared by reads (nothing older remains) and compaction (older tables may
 * remain below the compacted ones). Pure.
 *
 * Rules: the first Put or Delete shadows everything older; Merge operands above it fold onto it
 * oldest-first through `reconcile` (a Delete base is "nothing"). Operands with no base below
 * them fold onto nothing when nothing older can exist, or else combine into one operand.
 */
import { EntryKind } from '../format/entry-kind';
import type { ReconcileFn } from '../options';

export interface KindedValue {
  kind: EntryKind;
  value: Buffer;
}

export function resolveEntries(
  reconcile: ReconcileFn,
  key: Buffer,
  newestFirst: readonly KindedValue[],
  olderMayExist: boolean,
): KindedValue | undefined {
  let operands = 0;
  let base: KindedValue | undefined;
  for (const e of newestFirst) {
    if (e.kind !== EntryKind.Merge) {
      base = e;
      break;
    }
    operands++;
  }
  if (operands === 0) return base;
  if (base || !olderMayExist) {
    const start: Buffer | undefined = base?.kind === EntryKind.Put ? base.value : undefined;
    let acc = reconcile(key, start, newestFirst[operands - 1].value);
    for (let i = operands - 2; i >= 0; i--) acc = reconcile(key, acc, newestFirst[i].value);
    return { kind: EntryKind.Put, value: acc };
  }
  let acc = newestFirst[operands - 1].value;
  for (let i = operands - 2; i >= 0; i--) acc = reconcile(key, acc, newestFirst[i].value);
  return { kind: EntryKind.Merge, value: acc };
}
