/**
 * The in-memory sorted write buffer: a skip list keyed by bytes (Buffer.compare order) holding
 * at most ONE entry per key, already folded.
 *
 * Contract:
 * - `apply` folds a new op onto the key's entry: Put/Delete replace it; a Merge is reconciled
 *   onto a Put (-> Put), onto a Delete (-> Put over nothing) or onto an earlier Merge (-> one
 *   combined Merge operand, which is why `reconcile` must be associative).
 * - Entries are never removed and nodes never move, so an iterator stays valid while writes
 *   continue (it may or may not observe entries inserted after it started).
 * - `approximateBytes` counts keys, values and a per-node overhead; the engine switches the
 *   memtable when it passes `memtableBytes`. Once switched it is frozen (`immutable`).
 * Single-threaded (the JS event loop); no locks.
 */
import { EntryKind } from '../format/entry-kind';
import { compareKeys } from '../format/key-order';
import type { ReconcileFn } from '../options';

export interface MemEntry {
  key: Buffer;
  kind: EntryKind;
  value: Buffer;
}

interface Node extends MemEntry {
  next: (Node | null)[];
}

const MAX_HEIGHT = 16;
/** 1-in-4 promotion: ~1.33 pointers per node, O(log4 n) levels. */
const BRANCHING = 4;
/**
 * Per-entry memory beyond key and value bytes, measured on Node 20 (x64): ~310 B of V8 heap
 * (node object, `next` array, two Buffer views) plus ~100 B of pool slack for the copied bytes.
 * Counting it keeps `memtableBytes` close to the real memory a memtable holds.
 */
const NODE_OVERHEAD_BYTES = 400;

export class Memtable {
  private readonly head: Node = { key: Buffer.alloc(0), kind: EntryKind.Put, value: Buffer.alloc(0), next: new Array(MAX_HEIGHT).fill(null) };
  private height = 1;
  private bytes = 0;
  private entries = 0;
  private frozen = false;
  private readonly prev: Node[] = new Array(MAX_HEIGHT);

  constructor(
    /** First commit-log segment holding this memtable's records. */
    readonly firstSegment: bigint,
    private readonly reconcile: ReconcileFn,
  ) {}

  get approximateBytes(): number {
    return this.bytes;
  }

  get count(): number {
    return this.entries;
  }

  get immutable(): boolean {
    return this.frozen;
  }

  freeze(): void {
    this.frozen = true;
  }

  apply(kind: EntryKind, key: Buffer, value: Buffer): void {
    if (this.frozen) throw new Error('memtable is immutable');
    const found = this.findGreaterOrEqual(key, true);
    if (found && compareKeys(found.key, key) === 0) {
      const folded = fold(this.reconcile, found, kind, value);
      this.bytes += folded.value.length - found.value.length;
      found.kind = folded.kind;
      found.value = folded.value;
      return;
    }
    const h = randomHeight();
    if (h > this.height) {
      for (let i = this.height; i < h; i++) this.prev[i] = this.head;
      this.height = h;
    }
    const node: Node = { key, kind, value: kind === EntryKind.Delete ? EMPTY : value, next: new Array(h) };
    for (let i = 0; i < h; i++) {
      node.next[i] = this.prev[i].next[i];
      this.prev[i].next[i] = node;
    }
    this.entries++;
    this.bytes += key.length + node.value.length + NODE_OVERHEAD_BYTES;
  }

  get(key: Uint8Array): MemEntry | undefined {
    const n = this.findGreaterOrEqual(key, false);
    return n && compareKeys(n.key, key) === 0 ? n : undefined;
  }

  /** Entries with start <= key < end, in key order. */
  *iterate(start?: Uint8Array, end?: Uint8Array): IterableIterator<MemEntry> {
    let n = start ? this.findGreaterOrEqual(start, false) : this.head.next[0];
    while (n) {
      if (end && compareKeys(n.key, end) >= 0) return;
      yield n;
      n = n.next[0];
    }
  }

  private findGreaterOrEqual(key: Uint8Array, recordPrev: boolean): Node | null {
    let x = this.head;
    for (let level = this.height - 1; level >= 0; level--) {
      for (;;) {
        const next = x.next[level];
        if (next && compareKeys(next.key, key) < 0) x = next;
        else break;
      }
      if (recordPrev) this.prev[level] = x;
    }
    return x.next[0];
  }
}

const EMPTY = Buffer.alloc(0);

function randomHeight(): number {
  let h = 1;
  while (h < MAX_HEIGHT && Math.random() * BRANCHING < 1) h++;
  return h;
}

/** The result of applying `kind/value` on top of `older` for one key. */
export function fold(reconcile: ReconcileFn, older: MemEntry, kind: EntryKind, value: Buffer): { kind: EntryKind; value: Buffer } {
  if (kind !== EntryKind.Merge) return { kind, value: kind === EntryKind.Delete ? EMPTY : value };
  switch (older.kind) {
    case EntryKind.Put:
      return { kind: EntryKind.Put, value: reconcile(older.key, older.value, value) };
    case EntryKind.Delete:
      return { kind: EntryKind.Put, value: reconcile(older.key, undefined, value) };
    case EntryKind.Merge:
      return { kind: EntryKind.Merge, value: reconcile(older.key, older.value, value) };
  }
}
