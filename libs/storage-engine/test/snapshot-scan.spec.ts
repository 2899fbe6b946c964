/**
 * Scans are point-in-time snapshots: what a scan yields is fixed at its first `next()`, whatever
 * writes, flushes and compactions happen while it is being consumed, and the files it reads
 * stay on disk until it is done. Run on both table-building paths.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MemoryFileSystem, NodeFileSystem, StorageEngine, WriteBatch, type FileSystem } from '../src';
import { collect, unionReconcile } from './support';

const key = (i: number) => `k${String(i).padStart(3, '0')}`;

describe.each([
  ['memory file system', () => ({ fs: new MemoryFileSystem() as FileSystem, dir: '/snap', cleanup: () => undefined })],
  [
    'local disk (table worker)',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'ringkv-snap-'));
      return { fs: new NodeFileSystem() as FileSystem, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
])('snapshot scans (%s)', (_name, setup) => {
  it('yields the data as of its start while writes, flushes and compactions go on', async () => {
    const { fs, dir, cleanup } = setup();
    const engine = await StorageEngine.open(dir, { fs, reconcile: unionReconcile, memtableBytes: 4096, compactionMinMergeWidth: 2 });
    const expected: [string, string][] = [];
    for (let i = 0; i < 300; i += 2) {
      await engine.put(key(i), `v${i}`);
      expected.push([key(i), `v${i}`]);
    }
    await engine.flush();
    // Some of the snapshot lives only in the active memtable.
    await engine.write(new WriteBatch().put(key(301), 'mem').merge(key(303), 'm1'));
    expected.push([key(301), 'mem'], [key(303), 'm1']);

    const scan = engine.scan();
    const first = await scan.next();
    expect(first.value?.key.toString()).toBe(key(0));

    // Overwrite, delete, merge onto and insert around every key, with switches, flushes and a
    // full compaction in between.
    for (let i = 0; i < 310; i++) {
      const b = new WriteBatch();
      if (i % 3 === 0) b.delete(key(i));
      else if (i % 3 === 1) b.put(key(i), `new${i}`);
      else b.merge(key(i), `m${i}`);
      await engine.write(b);
      if (i % 100 === 50) await engine.flush();
    }
    await engine.compactRange();
    expect(engine.stats().tables.length).toBe(1);

    const rest = await collect({ [Symbol.asyncIterator]: () => scan });
    const got = [first.value, ...rest].map((kv) => [kv.key.toString(), kv.value.toString()]);
    expect(got).toEqual(expected);

    // A new scan sees the new state.
    const now = await collect(engine.scan({ start: Buffer.from(key(300)) }));
    expect(now.map((kv) => [kv.key.toString(), kv.value.toString()])).toEqual([
      [key(301), 'new301'],
      [key(302), 'm302'],
      [key(304), 'new304'],
      [key(305), 'm305'],
      [key(307), 'new307'],
      [key(308), 'm308'],
    ]);
    await engine.close();
    cleanup();
  });

  it('keeps the files it reads until it finishes, then they are deleted', async () => {
    const { fs, dir, cleanup } = setup();
    const engine = await StorageEngine.open(dir, { fs, reconcile: unionReconcile });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) await engine.put(key(i), `r${round}`);
      await engine.flush();
    }
    const before = engine.stats().tables.map((t) => t.fileNumber);
    expect(before.length).toBe(3);
    const scan = engine.scan();
    await scan.next();
    await engine.compactRange();
    const tableFiles = async () => (await fs.readdir(dir)).filter((n) => n.endsWith('.sst')).length;
    expect(await tableFiles()).toBe(4); // three inputs still read by the scan + the output
    const rest = await collect({ [Symbol.asyncIterator]: () => scan });
    expect(rest.every((kv) => kv.value.toString() === 'r2')).toBe(true);
    for (let i = 0; i < 100 && (await tableFiles()) > 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await tableFiles()).toBe(1);
    await engine.close();
    if (fs instanceof NodeFileSystem) expect(readdirSync(dir)).not.toContain('LOCK');
    cleanup();
  });
});
