import { EngineError } from '../errors';
import { EntryKind } from '../format/entry-kind';
import { FaultInjectingFileSystem } from '../fs/fault-injecting-file-system';
import { ForwardingFileSystem } from '../fs/forwarding-file-system';
import type { WritableFile } from '../fs/file-system';
import { MemoryFileSystem } from '../fs/memory-file-system';
import { BlockCache } from './block-cache';
import { BLOCK_TRAILER_SIZE, FOOTER_SIZE, FORMAT_VERSION } from './sstable-format';
import { SSTableReader } from './sstable-reader';
import { SSTableWriter } from './sstable-writer';
import { ReadCountingFileSystem } from './test-support/read-counting-file-system';
import { SeededRandom } from './test-support/seeded-random';
import { TABLE_DIR, memoryFileSystem, randomEntries, writeTable } from './test-support/table-fixture';

const PATH = `${TABLE_DIR}/000001.sst`;
const key = (text: string): Buffer => Buffer.from(text);

async function expectEngineError(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(EngineError);
  await expect(promise).rejects.toMatchObject({ code });
}

describe('SSTableWriter', () => {
  let fs: MemoryFileSystem;
  beforeEach(async () => {
    fs = await memoryFileSystem();
  });

  it('rejects keys that are not strictly increasing and stays usable', async () => {
    const writer = await SSTableWriter.create(fs, PATH);
    await writer.add(key('b'), EntryKind.Put, key('1'));
    await expectEngineError(writer.add(key('b'), EntryKind.Put, key('2')), 'INVALID_ARGUMENT');
    await expectEngineError(writer.add(key('a'), EntryKind.Put, key('2')), 'INVALID_ARGUMENT');
    // A prefix sorts before its extensions.
    await expectEngineError(writer.add(key(''), EntryKind.Put, key('2')), 'INVALID_ARGUMENT');
    await writer.add(key('ba'), EntryKind.Put, key('3'));
    const properties = await writer.finish();
    expect(properties.entryCount).toBe(2);
  });

  it('rejects an unknown entry kind', async () => {
    const writer = await SSTableWriter.create(fs, PATH);
    await expectEngineError(writer.add(key('a'), 7 as EntryKind, key('x')), 'INVALID_ARGUMENT');
    await writer.abort();
  });

  it('reports properties of what it wrote', async () => {
    const entries = randomEntries(new SeededRandom(1), 2000);
    const properties = await writeTable(fs, PATH, entries);
    const tombstones = entries.filter((e) => e.kind === EntryKind.Delete).length;
    expect(tombstones).toBeGreaterThan(0);
    expect(properties).toEqual({
      formatVersion: FORMAT_VERSION,
      entryCount: 2000,
      tombstoneCount: tombstones,
      minKey: entries[0].key,
      maxKey: entries[1999].key,
      fileSize: fs.fileLength(PATH),
      dataBytes: expect.any(Number),
    });
    expect(properties.dataBytes).toBeGreaterThan(0);
    expect(properties.dataBytes).toBeLessThan(properties.fileSize - FOOTER_SIZE);
    const reader = await SSTableReader.open(fs, PATH, { cache: new BlockCache(0), fileId: 1 });
    expect(reader.properties).toEqual(properties);
    await reader.close();
  });

  it('copies keys and values, so callers may reuse their buffers', async () => {
    const writer = await SSTableWriter.create(fs, PATH);
    const scratchKey = Buffer.from('k1');
    const scratchValue = Buffer.from('v1');
    await writer.add(scratchKey, EntryKind.Put, scratchValue);
    scratchKey.write('k2');
    scratchValue.write('v2');
    await writer.add(scratchKey, EntryKind.Put, scratchValue);
    await writer.finish();
    const reader = await SSTableReader.open(fs, PATH, { cache: new BlockCache(0), fileId: 1 });
    expect((await reader.get(key('k1')))?.value).toEqual(key('v1'));
    expect((await reader.get(key('k2')))?.value).toEqual(key('v2'));
    await reader.close();
  });

  it('cuts data blocks at the block size unless one entry is larger', async () => {
    const counting = new ReadCountingFileSystem(fs);
    const entries = randomEntries(new SeededRandom(2), 3000, 40);
    entries.splice(1500, 1, { ...entries[1500], value: Buffer.alloc(20_000, 7) });
    await writeTable(fs, PATH, entries, { blockSize: 4096 });
    const reader = await SSTableReader.open(counting, PATH, { cache: new BlockCache(1 << 20), fileId: 1 });
    counting.reads.length = 0;
    for await (const _entry of reader.iterate()) void _entry;
    const blockSizes = counting.reads.map((read) => read.length - BLOCK_TRAILER_SIZE);
    const oversized = blockSizes.filter((size) => size > 4096);
    expect(oversized).toHaveLength(1);
    expect(oversized[0]).toBeGreaterThan(20_000);
    // Blocks are filled close to the target, except the last one and the one cut early because
    // the large entry did not fit after it.
    const filled = blockSizes.filter((size, i) => size <= 4096 && i < blockSizes.length - 1 && blockSizes[i + 1] <= 4096);
    expect(filled.length).toBeGreaterThan(10);
    expect(Math.min(...filled)).toBeGreaterThan(3000);
    await reader.close();
  });

  it('appends whole batches of blocks, not entries', async () => {
    const appends: number[] = [];
    const openAppend = fs.openAppend.bind(fs);
    fs.openAppend = async (path) => {
      const file = await openAppend(path);
      const append = file.append.bind(file);
      file.append = async (data) => {
        appends.push(data.length);
        return append(data);
      };
      return file;
    };
    const entries = randomEntries(new SeededRandom(3), 5000);
    const properties = await writeTable(fs, PATH, entries, { writeBufferSize: 64 * 1024 });
    expect(appends.reduce((a, b) => a + b, 0)).toBe(properties.fileSize);
    expect(appends.length).toBeLessThan(properties.fileSize / (32 * 1024) + 2);
  });

  it('writes a valid empty table', async () => {
    const properties = await writeTable(fs, PATH, []);
    expect(properties).toMatchObject({ entryCount: 0, tombstoneCount: 0, dataBytes: 0, minKey: Buffer.alloc(0), maxKey: Buffer.alloc(0) });
    const reader = await SSTableReader.open(fs, PATH, { cache: new BlockCache(0), fileId: 1 });
    expect(await reader.get(Buffer.alloc(0))).toBeUndefined();
    const all = [];
    for await (const entry of reader.iterate()) all.push(entry);
    expect(all).toEqual([]);
    await reader.close();
  });

  it('refuses to overwrite an existing file', async () => {
    await writeTable(fs, PATH, randomEntries(new SeededRandom(4), 10));
    const before = fs.fileLength(PATH);
    await expectEngineError(SSTableWriter.create(fs, PATH), 'INVALID_ARGUMENT');
    expect(fs.fileLength(PATH)).toBe(before);
  });

  it('rejects calls after finish', async () => {
    const writer = await SSTableWriter.create(fs, PATH);
    await writer.add(key('a'), EntryKind.Put, key('1'));
    await writer.finish();
    await expectEngineError(writer.add(key('b'), EntryKind.Put, key('1')), 'CLOSED');
    await expectEngineError(writer.finish(), 'CLOSED');
    await expectEngineError(writer.abort(), 'CLOSED');
    expect(await fs.exists(PATH)).toBe(true);
  });

  it('abort closes and unlinks the partial file', async () => {
    const writer = await SSTableWriter.create(fs, PATH);
    for (const entry of randomEntries(new SeededRandom(5), 3000)) await writer.add(entry.key, entry.kind, entry.value);
    expect(fs.fileLength(PATH)).toBeGreaterThan(0);
    await writer.abort();
    expect(await fs.exists(PATH)).toBe(false);
    await writer.abort();
    await expectEngineError(writer.add(key('z'), EntryKind.Put, key('1')), 'CLOSED');
  });

  it('fails on a write error and can then be aborted', async () => {
    const faulty = new FaultInjectingFileSystem(fs);
    faulty.inject({ op: 'append', after: 1, tornBytes: 100, code: 'ENOSPC' });
    const writer = await SSTableWriter.create(faulty, PATH, { writeBufferSize: 4096 });
    const entries = randomEntries(new SeededRandom(6), 3000);
    let failure: unknown;
    try {
      for (const entry of entries) await writer.add(entry.key, entry.kind, entry.value);
      await writer.finish();
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'ENOSPC' });
    await expectEngineError(writer.add(key('\xff'), EntryKind.Put, key('1')), 'IO_ERROR');
    await writer.abort();
    expect(await fs.exists(PATH)).toBe(false);
  });

  it('fails when the final fsync fails, leaving nothing after abort', async () => {
    const faulty = new FaultInjectingFileSystem(fs);
    faulty.inject({ op: 'sync' });
    const writer = await SSTableWriter.create(faulty, PATH);
    await writer.add(key('a'), EntryKind.Put, key('1'));
    await expect(writer.finish()).rejects.toMatchObject({ code: 'EIO' });
    await writer.abort();
    expect(await fs.exists(PATH)).toBe(false);
  });

  it('validates its options', async () => {
    await expectEngineError(SSTableWriter.create(fs, PATH, { blockSize: 0 }), 'INVALID_ARGUMENT');
    await expectEngineError(SSTableWriter.create(fs, PATH, { restartInterval: 1.5 }), 'INVALID_ARGUMENT');
    expect(await fs.exists(PATH)).toBe(false);
  });

  it('with bytesPerSync, fsyncs while writing so little dirty data piles up', async () => {
    const syncs: number[] = [];
    class SyncCounting extends ForwardingFileSystem {
      override async openAppend(path: string): Promise<WritableFile> {
        const f = await this.inner.openAppend(path);
        return { path: f.path, size: () => f.size(), append: (d) => f.append(d), close: () => f.close(), sync: () => (syncs.push(f.size()), f.sync()) };
      }
    }
    const counting = new SyncCounting(fs);
    const writer = await SSTableWriter.create(counting, PATH, { bytesPerSync: 128 * 1024, writeBufferSize: 16 * 1024 });
    for (let i = 0; i < 4000; i++) await writer.add(key(`k${String(i).padStart(6, '0')}`), EntryKind.Put, Buffer.alloc(200, i));
    const props = await writer.finish();
    expect(syncs.length).toBeGreaterThanOrEqual(Math.floor(props.fileSize / (128 * 1024)));
    for (let i = 1; i < syncs.length; i++) expect(syncs[i] - syncs[i - 1]).toBeLessThanOrEqual(128 * 1024 + 16 * 1024 + 4096);
    expect(syncs[syncs.length - 1]).toBe(props.fileSize);
  });
});
