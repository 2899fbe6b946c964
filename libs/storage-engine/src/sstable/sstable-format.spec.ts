/**
 * Golden file: the exact bytes of a small table. The format is a promise to every table already
 * on disk; if this test fails, either the change is a bug or it needs a new FORMAT_VERSION (and
 * docs/formats/sstable.md, which walks through these same bytes, must change with it).
 */
import { EntryKind } from '../format/entry-kind';
import { BlockCache } from './block-cache';
import { SSTableReader } from './sstable-reader';
import { memoryFileSystem, show, writeTable } from './test-support/table-fixture';

const ENTRIES = [
  { key: Buffer.from('apple'), kind: EntryKind.Put, value: Buffer.from('red') },
  { key: Buffer.from('apricot'), kind: EntryKind.Delete, value: Buffer.alloc(0) },
  { key: Buffer.from('banana'), kind: EntryKind.Merge, value: Buffer.from('+1') },
];

const GOLDEN = [
  // data block @0, 41 bytes: entries, restart array [0], restart count 1
  '00 05 04 61 70 70 6c 65 01 72 65 64', // shared 0, unshared 5, value 4: "apple", Put "red"
  '02 05 01 72 69 63 6f 74 02', // shared 2 ("ap"), unshared 5: "ricot", Delete
  '00 06 03 62 61 6e 61 6e 61 03 2b 31', // shared 0, unshared 6: "banana", Merge "+1"
  '00 00 00 00 01 00 00 00',
  '00 1d 30 21 01', // trailer: type 0, crc32c
  // filter block @46, 9 bytes: 64-bit array, 7 probes
  '08 1d 4a 28 11 0c 98 48 07',
  '00 a5 a7 7c 39',
  // properties block @60, 135 bytes, names sorted
  '00 17 08 72 69 6e 67 6b 76 2e 64 61 74 61 2d 62 6c 6f 63 6b 2d 63 6f 75 6e 74 01 00 00 00 00 00 00 00', // "ringkv.data-block-count" = 1
  '0d 04 08 79 74 65 73 2e 00 00 00 00 00 00 00', // "ringkv.data-b" shared + "ytes" = 46
  '07 0b 08 65 6e 74 72 79 2d 63 6f 75 6e 74 03 00 00 00 00 00 00 00', // "ringkv." + "entry-count" = 3
  '07 07 06 6d 61 78 2d 6b 65 79 62 61 6e 61 6e 61', // "ringkv." + "max-key" = "banana"
  '08 06 05 69 6e 2d 6b 65 79 61 70 70 6c 65', // "ringkv.m" + "in-key" = "apple"
  '07 0f 08 74 6f 6d 62 73 74 6f 6e 65 2d 63 6f 75 6e 74 01 00 00 00 00 00 00 00', // "ringkv." + "tombstone-count" = 1
  '00 00 00 00 01 00 00 00',
  '00 18 c1 a5 f8',
  // index block @200, 33 bytes: "banana" -> handle (offset 0, size 41)
  '00 06 10 62 61 6e 61 6e 61 00 00 00 00 00 00 00 00 29 00 00 00 00 00 00 00',
  '00 00 00 00 01 00 00 00',
  '00 e6 73 cf 91',
  // footer @238, 64 bytes
  'c8 00 00 00 00 00 00 00 21 00 00 00 00 00 00 00', // index handle (200, 33)
  '2e 00 00 00 00 00 00 00 09 00 00 00 00 00 00 00', // filter handle (46, 9)
  '3c 00 00 00 00 00 00 00 87 00 00 00 00 00 00 00', // properties handle (60, 135)
  '01 00 00 00 20 1b 45 00', // format version 1, footer crc32c
  '52 49 4e 47 4b 56 53 54', // magic "RINGKVST"
].join(' ');

describe('SSTable format', () => {
  it('writes the golden bytes', async () => {
    const fs = await memoryFileSystem();
    const properties = await writeTable(fs, '/tables/golden.sst', ENTRIES);
    const bytes = await fs.readFile('/tables/golden.sst');
    expect(bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ')).toBe(GOLDEN);
    expect(properties).toMatchObject({ fileSize: 302, dataBytes: 46, entryCount: 3, tombstoneCount: 1 });
  });

  it('reads the golden bytes', async () => {
    const fs = await memoryFileSystem();
    const file = await fs.openAppend('/tables/golden.sst');
    await file.append(Buffer.from(GOLDEN.replace(/ /g, ''), 'hex'));
    await file.close();
    const reader = await SSTableReader.open(fs, '/tables/golden.sst', { cache: new BlockCache(4096), fileId: 1 });
    const all = [];
    for await (const entry of reader.iterate()) all.push(entry);
    expect(show(all)).toEqual(show(ENTRIES));
    expect(reader.properties).toMatchObject({ minKey: Buffer.from('apple'), maxKey: Buffer.from('banana'), formatVersion: 1 });
    await reader.close();
  });
});
