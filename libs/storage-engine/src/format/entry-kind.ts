/**
 * The kind of a stored entry, shared by the commit log, the memtable and SSTables.
 *
 * These numbers are written to disk: never change or reuse a value.
 * - Put: a full value that shadows everything older for its key.
 * - Delete: a tombstone (empty value) that shadows everything older for its key.
 * - Merge: an operand folded onto older data through the engine's `reconcile` function.
 */
export enum EntryKind {
  Put = 1, // never change or reuse
  Delete = 2, // never change or reuse
  Merge = 3, // never change or reuse
}

export function isEntryKind(value: number): value is EntryKind {
  return value === EntryKind.Put || value === EntryKind.Delete || value === EntryKind.Merge;
}
