import { EngineError } from '../errors';
import { EntryKind } from '../format/entry-kind';
import { MemoryFileSystem } from '../fs/memory-file-system';
import { BlockCache } from './block-cache';
import { SSTableEntry, SSTableRange, SSTableReader } from './sstable-reader';
import { ReadCountingFileSystem } from './test-support/read-counting-file-system';
import { SeededRandom } from './test-support/seeded-random';
import { TABLE_DIR, memoryFileSystem, randomEntries, ringKey, show, writeTable } from './test-support/table-fixture';

const PATH = `${TABLE_DIR}/000007.sst`;

async function collect(iterator: AsyncIterable<SSTableEntry>): Promise<SSTableEntry[]> {
  const out: SSTableEntry[] = [];
  for await (const entry of iterator) out.push(entry);
  return out;
}

/** What iterate(range) must return, computed on the sorted model. */
function modelRange(entries: readonly SSTableEntry[], { start, end }: SSTableRange): SSTableEntry[] {
  return entries.filter(
    (e) => (start === undefined || Buffer.compare(e.key, start) >= 0) && (end === undefined || Buffer.compare(e.key, end) < 0),
  );
}

/** A key strictly between neighbours a < b when one exists (a followed by a zero byte). */
function justAfter(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0])]);
}

describe('SSTableReader', () => {
  const layouts = [
    { name: 'default options', options: {} },
    { name: 'small blocks, no prefix compression', options: { blockSize: 256, restartInterval: 1 } },
  ];

  for (const { name, options } of layouts) {
    describe(`against a sorted model (${name})`, () => {
      const random = new SeededRandom(42);
      const entries = randomEntries(random, 4000);
      let fs: MemoryFileSystem;
      let reader: SSTableReader;

      beforeAll(async () => {
        fs = await memoryFileSystem();
        await writeTable(fs, PATH, entries, options);
        reader = await SSTableReader.open(fs, PATH, { cache: new BlockCache(64 * 1024), fileId: 7 });
      });
      afterAll(() => reader.close());

      it('gets every present key with its kind and value', async () => {
        const got = [];
        for (const entry of entries) got.push(await reader.get(entry.key));
        expect(show(got)).toEqual(show(entries));
      });

      it('gets nothing for absent keys between, before and after the entries', async () => {
        for (let i = 0; i < entries.length; i += 3) {
          const between = justAfter(entries[i].key);
          if (i + 1 < entries.length && between.equals(entries[i + 1].key)) continue;
          expect(await reader.get(between)).toBeUndefined();
        }
        expect(await reader.get(Buffer.alloc(0))).toBeUndefined();
        expect(await reader.get(Buffer.alloc(20, 0xff))).toBeUndefined();
      });

      it('iterates everything in key order', async () => {
        expect(show(await collect(reader.iterate()))).toEqual(show(entries));
      });

      it('iterates random ranges exactly like the model', async () => {
        const pick = (): Buffer | undefined => {
          const roll = random.int(10);
          if (roll === 0) return undefined;
          const at = entries[random.int(entries.length)].key;
          return roll < 5 ? at : roll < 8 ? justAfter(at) : random.bytes(random.int(10));
        };
        for (let round = 0; round < 60; round++) {
          const range = { start: pick(), end: pick() };
          expect(show(await collect(reader.iterate(range)))).toEqual(show(modelRange(entries, range)));
        }
      });

      it('returns nothing for empty and inverted ranges', async () => {
        const middle = entries[2000].key;
        expect(await collect(reader.iterate({ start: middle, end: middle }))).toEqual([]);
        expect(await collect(reader.iterate({ start: middle, end: entries[10].key }))).toEqual([]);
        expect(await collect(reader.iterate({ start: justAfter(entries[3999].key) }))).toEqual([]);
        expect(await collect(reader.iterate({ end: entries[0].key }))).toEqual([]);
      });

      it('treats start as inclusive and end as exclusive', async () => {
        const got = await collect(reader.iterate({ start: entries[100].key, end: entries[200].key }));
        expect(got).toHaveLength(100);
        expect(got[0].key).toEqual(entries[100].key);
        expect(got[99].key).toEqual(entries[199].key);
      });
    });
  }

  describe('reads and the cache', () => {
    let fs: MemoryFileSystem;
    let counting: ReadCountingFileSystem;
    let entries: SSTableEntry[];

    beforeEach(async () => {
      fs = await memoryFileSystem();
      counting = new ReadCountingFileSystem(fs);
      entries = randomEntries(new SeededRandom(9), 3000);
      await writeTable(fs, PATH, entries);
    });

    it('round-trips all three entry kinds and large values', async () => {
      const big = new SeededRandom(1).bytes(50_000);
      const kinds: SSTableEntry[] = [
        { key: ringKey(1n, 't', 'a'), kind: EntryKind.Put, value: Buffer.from('v') },
        { key: ringKey(1n, 't', 'b'), kind: EntryKind.Delete, value: Buffer.alloc(0) },
        { key: ringKey(1n, 't', 'c'), kind: EntryKind.Merge, value: Buffer.from('+1') },
        { key: ringKey(1n, 't', 'd'), kind: EntryKind.Put, value: big },
        { key: ringKey(1n, 't', 'e'), kind: EntryKind.Put, value: Buffer.alloc(0) },
      ];
      const path = `${TABLE_DIR}/kinds.sst`;
      await writeTable(fs, path, kinds);
      const reader = await SSTableReader.open(fs, path, { cache: new BlockCache(1 << 20), fileId: 1 });
      const got = [];
      for (const entry of kinds) got.push(await reader.get(entry.key));
      expect(show(got)).toEqual(show(kinds));
      expect(show(await collect(reader.iterate()))).toEqual(show(kinds));
      await reader.close();
    });

    it('keeps metadata in memory: a cached get performs no read', async () => {
      const cache = new BlockCache(1 << 20);
      const reader = await SSTableReader.open(counting, PATH, { cache, fileId: 1 });
      expect(counting.reads.length).toBe(4); // footer, properties, index, filter
      await reader.get(entries[5].key);
      expect(counting.reads.length).toBe(5);
      await reader.get(entries[6].key);
      expect(counting.reads.length).toBe(5);
      expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
      await reader.close();
    });

    it('touches no data block for keys outside [minKey, maxKey] or rejected by the filter', async () => {
      const cache = new BlockCache(1 << 20);
      const reader = await SSTableReader.open(counting, PATH, { cache, fileId: 1 });
      const afterOpen = counting.reads.length;
      expect(await reader.get(Buffer.alloc(0))).toBeUndefined();
      expect(await reader.get(Buffer.alloc(30, 0xff))).toBeUndefined();
      let rejected = 0;
      for (let i = 0; i < entries.length - 1; i++) {
        const absent = justAfter(entries[i].key);
        if (reader.mayContain(absent)) continue;
        rejected++;
        expect(await reader.get(absent)).toBeUndefined();
      }
      expect(rejected).toBeGreaterThan(entries.length * 0.9);
      expect(counting.reads.length).toBe(afterOpen);
      expect(cache.stats()).toMatchObject({ hits: 0, misses: 0 });
      await reader.close();
    });

    it('shares one read among concurrent misses on a block', async () => {
      const reader = await SSTableReader.open(counting, PATH, { cache: new BlockCache(1 << 20), fileId: 1 });
      const afterOpen = counting.reads.length;
      const got = await Promise.all(entries.slice(0, 20).map((e) => reader.get(e.key)));
      expect(show(got)).toEqual(show(entries.slice(0, 20)));
      expect(counting.reads.length).toBe(afterOpen + 1);
      await reader.close();
    });

    it('reads every block again through a cache too small to hold them, still correctly', async () => {
      const cache = new BlockCache(8 * 1024);
      const reader = await SSTableReader.open(fs, PATH, { cache, fileId: 1 });
      expect(show(await collect(reader.iterate()))).toEqual(show(entries));
      expect(show(await collect(reader.iterate()))).toEqual(show(entries));
      expect(cache.stats().bytes).toBeLessThanOrEqual(8 * 1024);
      expect(cache.stats().hits).toBe(0);
      await reader.close();
    });

    it('hands out copies: changing a result does not change the table', async () => {
      const reader = await SSTableReader.open(fs, PATH, { cache: new BlockCache(1 << 20), fileId: 1 });
      const first = (await reader.get(entries[0].key))!;
      first.key.fill(0);
      first.value.fill(0);
      expect(await reader.get(entries[0].key)).toEqual(entries[0]);
      await reader.close();
    });

    it('stops reading blocks when iteration stops early', async () => {
      const reader = await SSTableReader.open(counting, PATH, { cache: new BlockCache(0), fileId: 1 });
      const afterOpen = counting.reads.length;
      let seen = 0;
      for await (const _entry of reader.iterate()) if (++seen === 3) break;
      expect(counting.reads.length).toBe(afterOpen + 1);
      await reader.close();
    });

    it('rejects reads after close and evicts its cached blocks', async () => {
      const cache = new BlockCache(1 << 20);
      const reader = await SSTableReader.open(fs, PATH, { cache, fileId: 3 });
      await collect(reader.iterate());
      expect(cache.stats().bytes).toBeGreaterThan(0);
      await reader.close();
      expect(cache.stats().bytes).toBe(0);
      await expect(reader.get(entries[0].key)).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(collect(reader.iterate())).rejects.toBeInstanceOf(EngineError);
      await reader.close();
    });

    it('serves two tables through one cache without mixing their blocks', async () => {
      const otherPath = `${TABLE_DIR}/000008.sst`;
      const other = randomEntries(new SeededRandom(10), 3000);
      await writeTable(fs, otherPath, other);
      const cache = new BlockCache(1 << 20);
      const a = await SSTableReader.open(fs, PATH, { cache, fileId: 1 });
      const b = await SSTableReader.open(fs, otherPath, { cache, fileId: 2 });
      for (let round = 0; round < 2; round++) {
        expect(show(await collect(a.iterate()))).toEqual(show(entries));
        expect(show(await collect(b.iterate()))).toEqual(show(other));
      }
      await a.close();
      await b.close();
    });

    it('fails to open a missing file with the filesystem error', async () => {
      await expect(SSTableReader.open(fs, `${TABLE_DIR}/missing.sst`, { cache: new BlockCache(0), fileId: 1 })).rejects.toMatchObject({
        code: 'ENOENT',
      });
    });
  });
});
