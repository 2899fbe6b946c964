/**
 * Corruption through the engine: bytes flipped in an SSTable, the manifest or the commit log
 * must surface as a CorruptionError naming the file, never as wrong data.
 */
import { CorruptionError, MemoryFileSystem, StorageEngine, type EngineOptions } from '../src';
import { collect, seededRandom, unionReconcile } from './support';

const dir = '/corrupt';
const N = 600;
const key = (i: number) => `key-${String(i).padStart(5, '0')}`;
const value = (i: number) => `value-${i}-${'v'.repeat(i % 50)}`;

async function build(extra: Partial<EngineOptions> = {}) {
  const fs = new MemoryFileSystem();
  const engine = await StorageEngine.open(dir, { fs, reconcile: unionReconcile, ...extra });
  for (let i = 0; i < N; i += 50) {
    const batch = Array.from({ length: 50 }, (_, j) => engine.put(key(i + j), value(i + j)));
    await Promise.all(batch);
  }
  await engine.flush();
  const table = (await fs.readdir(dir)).find((n) => n.endsWith('.sst'))!;
  const dataBytes = engine.stats().tables[0].fileSize;
  await engine.close();
  return { fs, table: `${dir}/${table}`, dataBytes };
}

describe('corruption', () => {
  it.each([1, 2, 3, 4, 5])('a flipped SSTable byte yields CorruptionError naming the table, never wrong data (seed %i)', async (seed) => {
    const rnd = seededRandom(seed);
    const { fs, table } = await build();
    const open = await StorageEngine.open(dir, { fs, reconcile: unionReconcile });
    const st = open.stats();
    await open.close();
    // Flip bytes inside the data blocks (the region that opening does not read).
    const dataEnd = Math.floor(st.tables[0].fileSize * 0.6);
    for (let k = 0; k < 3; k++) {
      const at = Math.floor(rnd() * dataEnd);
      fs.patch(table, at, Buffer.from([(await fs.readFile(table))[at] ^ (1 + Math.floor(rnd() * 255))]));
    }
    const engine = await StorageEngine.open(dir, { fs, reconcile: unionReconcile });
    let corrupt = 0;
    for (let i = 0; i < N; i++) {
      try {
        const got = (await engine.get(key(i)))?.toString();
        expect({ i, got }).toEqual({ i, got: value(i) });
      } catch (err) {
        if (!(err instanceof CorruptionError)) throw err;
        expect(err.file).toBe(table);
        expect(err.code).toBe('CORRUPTION');
        corrupt++;
      }
    }
    expect(corrupt).toBeGreaterThan(0);
    await expect(collect(engine.scan())).rejects.toBeInstanceOf(CorruptionError);
    await engine.close();
  });

  it('a damaged table footer fails open with a CorruptionError naming the table', async () => {
    const { fs, table } = await build();
    const len = fs.fileLength(table);
    fs.patch(table, len - 3, Buffer.from([0xde, 0xad, 0xbe]));
    await expect(StorageEngine.open(dir, { fs, reconcile: unionReconcile })).rejects.toMatchObject({ code: 'CORRUPTION', file: table });
  });

  it('a damaged manifest fails open with a CorruptionError', async () => {
    const { fs } = await build();
    fs.patch(`${dir}/MANIFEST`, 20, Buffer.from([0xff]));
    await expect(StorageEngine.open(dir, { fs, reconcile: unionReconcile })).rejects.toMatchObject({
      code: 'CORRUPTION',
      file: `${dir}/MANIFEST`,
    });
  });

  it('a corrupt commit-log record followed by valid ones refuses to open unless skipCorruptRecords', async () => {
    const fs = new MemoryFileSystem();
    const engine = await StorageEngine.open(dir, { fs, reconcile: unionReconcile });
    for (let i = 0; i < 3; i++) await engine.put(key(i), value(i));
    const log = (await fs.readdir(dir)).find((n) => n.endsWith('.log'))!;
    const after = fs.crash();
    const path = `${dir}/${log}`;
    after.patch(path, 16 + 30, Buffer.from([0x00, 0x01]));
    await expect(StorageEngine.open(dir, { fs: after, reconcile: unionReconcile })).rejects.toMatchObject({ code: 'CORRUPTION', file: path });
    const skipped = await StorageEngine.open(dir, { fs: after, reconcile: unionReconcile, skipCorruptRecords: true });
    expect(skipped.recovery.skippedCorruptRecords).toEqual([expect.objectContaining({ file: path, offset: 16 })]);
    expect(await skipped.get(key(0))).toBeUndefined();
    expect((await skipped.get(key(1)))?.toString()).toBe(value(1));
    expect((await skipped.get(key(2)))?.toString()).toBe(value(2));
    await skipped.close();
  });

  it('a torn commit-log tail is dropped and reported, and the engine opens', async () => {
    const fs = new MemoryFileSystem();
    const engine = await StorageEngine.open(dir, { fs, reconcile: unionReconcile });
    for (let i = 0; i < 3; i++) await engine.put(key(i), value(i));
    const log = (await fs.readdir(dir)).find((n) => n.endsWith('.log'))!;
    const path = `${dir}/${log}`;
    const size = fs.fileLength(path);
    const after = fs.crash();
    // Simulate a torn last record: the bytes past its middle never reached the disk.
    const torn = new MemoryFileSystem();
    await torn.mkdir(dir);
    for (const name of await after.readdir(dir)) {
      const data = await after.readFile(`${dir}/${name}`);
      const f = await torn.openAppend(`${dir}/${name}`);
      await f.append(name === log ? data.subarray(0, size - 10) : data);
      await f.sync();
      await f.close();
    }
    await torn.syncDir(dir);
    const reopened = await StorageEngine.open(dir, { fs: torn, reconcile: unionReconcile });
    expect(reopened.recovery.tornTail).toMatchObject({ file: path });
    expect(reopened.recovery.tornTail!.bytesDropped).toBeGreaterThan(0);
    expect(reopened.stats().recovery.tornTail).toBeDefined();
    expect((await reopened.get(key(1)))?.toString()).toBe(value(1));
    expect(await reopened.get(key(2))).toBeUndefined();
    await reopened.close();
  });
});
