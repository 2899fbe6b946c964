import type { TableHandle } from '../db/table-handle';
import { EntryKind } from '../format/entry-kind';
import type { CompactionFilterFn, ReconcileFn } from '../options';
import { compactEntries, type CompactionCounters } from './compaction-job';

type E = { key: string; kind: EntryKind; value: string };
const put = (key: string, value: string): E => ({ key, kind: EntryKind.Put, value });
const del = (key: string): E => ({ key, kind: EntryKind.Delete, value: '' });
const merge = (key: string, value: string): E => ({ key, kind: EntryKind.Merge, value });

function table(entries: E[]): TableHandle {
  return {
    reader: {
      async *iterate() {
        for (const e of entries) yield { key: Buffer.from(e.key), kind: e.kind, value: Buffer.from(e.value) };
      },
    },
  } as unknown as TableHandle;
}

const concat: ReconcileFn = (_k, existing, incoming) => Buffer.from(`${existing ? existing.toString() : '_'}+${incoming}`);

async function run(inputs: E[][], bottommost: boolean, filter?: CompactionFilterFn) {
  const counters: CompactionCounters = { keysIn: 0, keysOut: 0, dropped: 0, rewritten: 0 };
  const out: string[] = [];
  for await (const e of compactEntries(
    { inputs: inputs.map(table), bottommost, reconcile: concat, filter, now: 0, shouldStop: () => false },
    counters,
  )) {
    out.push(`${e.key}:${EntryKind[e.kind]}:${e.value}`);
  }
  return { out, counters };
}

describe('compactEntries', () => {
  const newer = [put('a', 'a2'), del('b'), merge('c', 'c2'), merge('d', 'd1')];
  const older = [put('a', 'a1'), put('b', 'b1'), put('c', 'c1'), put('e', 'e1')];

  it('resolves versions; keeps tombstones and operands when older tables remain', async () => {
    const { out } = await run([newer, older], false);
    expect(out).toEqual(['a:Put:a2', 'b:Delete:', 'c:Put:c1+c2', 'd:Merge:d1', 'e:Put:e1']);
  });

  it('drops tombstones and folds lone operands at the bottom', async () => {
    const { out, counters } = await run([newer, older], true);
    expect(out).toEqual(['a:Put:a2', 'c:Put:c1+c2', 'd:Put:_+d1', 'e:Put:e1']);
    expect(counters.dropped).toBe(1);
  });

  it('applies the filter to resolved values only; a drop above older data leaves a tombstone', async () => {
    const seen: string[] = [];
    const filter: CompactionFilterFn = (key, value) => {
      seen.push(key.toString());
      if (key.toString() === 'a') return { action: 'drop' };
      if (key.toString() === 'e') return { action: 'rewrite', value: Buffer.from(`${value}!`) };
      return { action: 'keep' };
    };
    const above = await run([newer, older], false, filter);
    expect(above.out).toEqual(['a:Delete:', 'b:Delete:', 'c:Put:c1+c2', 'd:Merge:d1', 'e:Put:e1!']);
    expect(seen).toEqual(['a', 'c', 'e']);
    const bottom = await run([newer, older], true, filter);
    expect(bottom.out).toEqual(['c:Put:c1+c2', 'd:Put:_+d1', 'e:Put:e1!']);
  });
});
