import { EntryKind } from '../format/entry-kind';
import { MergingIterator, type SourceEntry } from './merging-iterator';

const e = (k: string, v: string): SourceEntry => ({ key: Buffer.from(k), kind: EntryKind.Put, value: Buffer.from(v) });

async function* asyncOf(items: SourceEntry[]): AsyncGenerator<SourceEntry> {
  for (const i of items) yield i;
}

describe('MergingIterator', () => {
  it('groups equal keys newest source first, across sync and async sources', async () => {
    const newest = [e('b', 'n'), e('d', 'n')][Symbol.iterator]();
    const middle = asyncOf([e('a', 'm'), e('b', 'm'), e('e', 'm')]);
    const oldest = asyncOf([e('b', 'o'), e('c', 'o'), e('e', 'o')]);
    const out: string[] = [];
    for await (const g of new MergingIterator([newest, middle, oldest])) {
      out.push(`${g.key}:${g.entries.map((x) => x.value.toString()).join('')}`);
    }
    expect(out).toEqual(['a:m', 'b:nmo', 'c:o', 'd:n', 'e:mo']);
  });

  it('returns its sources when closed early', async () => {
    let returned = 0;
    async function* tracked(): AsyncGenerator<SourceEntry> {
      try {
        yield e('a', '1');
        yield e('b', '1');
      } finally {
        returned++;
      }
    }
    const it = new MergingIterator([tracked(), tracked()]);
    for await (const g of it) {
      expect(g.key.toString()).toBe('a');
      break;
    }
    expect(returned).toBe(2);
  });
});
