/**
 * K-way merge of sorted entry streams into per-key groups.
 *
 * Contract: each source yields entries in strictly increasing key order. Sources are given
 * NEWEST FIRST; for every distinct key the merge yields one group whose entries are ordered
 * newest first (by source index), ready for `resolveEntries`. Sources may be synchronous
 * (memtables) or asynchronous (tables); synchronous ones are not awaited, which keeps memtable
 * scans cheap. `close()` returns every source (releasing table iterators early).
 */
import type { EntryKind } from '../format/entry-kind';
import { compareKeys } from '../format/key-order';

export interface SourceEntry {
  key: Buffer;
  kind: EntryKind;
  value: Buffer;
}

export type EntrySource = Iterator<SourceEntry> | AsyncIterator<SourceEntry>;

export interface KeyGroup {
  key: Buffer;
  entries: SourceEntry[];
}

interface HeapItem {
  entry: SourceEntry;
  source: number;
}

function less(a: HeapItem, b: HeapItem): boolean {
  const c = compareKeys(a.entry.key, b.entry.key);
  return c < 0 || (c === 0 && a.source < b.source);
}

export class MergingIterator implements AsyncIterableIterator<KeyGroup> {
  private readonly heap: HeapItem[] = [];
  private started = false;

  constructor(private readonly sources: readonly EntrySource[]) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<KeyGroup> {
    return this;
  }

  async next(): Promise<IteratorResult<KeyGroup>> {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.sources.length; i++) await this.advance(i);
    }
    if (this.heap.length === 0) {
      return { done: true, value: undefined };
    }
    const first = this.pop();
    const group: KeyGroup = { key: first.entry.key, entries: [first.entry] };
    await this.advance(first.source);
    while (this.heap.length > 0 && compareKeys(this.heap[0].entry.key, group.key) === 0) {
      const item = this.pop();
      group.entries.push(item.entry);
      await this.advance(item.source);
    }
    return { done: false, value: group };
  }

  async return(): Promise<IteratorResult<KeyGroup>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async close(): Promise<void> {
    this.heap.length = 0;
    for (const s of this.sources) {
      if (s.return) await s.return();
    }
  }

  private async advance(source: number): Promise<void> {
    const r = this.sources[source].next();
    const res = r instanceof Promise ? await r : (r as IteratorResult<SourceEntry>);
    if (!res.done) this.push({ entry: res.value, source });
  }

  private push(item: HeapItem): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): HeapItem {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (last && h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
