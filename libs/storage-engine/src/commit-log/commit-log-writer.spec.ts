import { CorruptionError } from '../errors';
import { segmentPath } from '../file-names';
import { FaultInjectingFileSystem } from '../fs/fault-injecting-file-system';
import { MemoryFileSystem } from '../fs/memory-file-system';
import { EntryKind } from '../format/entry-kind';
import { SEGMENT_HEADER_BYTES } from './commit-log-format';
import { replaySegments } from './commit-log-reader';
import { encodeBatchRecord } from './commit-log-record';
import { CommitLogWriter, type CommitLogWriterOptions } from './commit-log-writer';

const dir = '/log';

function rec(seq: number, key = `k${seq}`): Buffer {
  return encodeBatchRecord(BigInt(seq), [{ kind: EntryKind.Put, key: Buffer.from(key), value: Buffer.from(`v${seq}`) }]);
}

async function setup(opts: Partial<CommitLogWriterOptions> = {}) {
  const mem = new MemoryFileSystem();
  await mem.mkdir(dir);
  const fs = new FaultInjectingFileSystem(mem);
  let next = 100n;
  const writer = new CommitLogWriter(fs, dir, 1n, {
    syncMode: 'batch',
    syncPeriodMs: 1000,
    segmentBytes: 1 << 20,
    allocateSegmentNumber: () => next++,
    ...opts,
  });
  return { mem, fs, writer };
}

async function replayAll(fs: MemoryFileSystem, skipCorruptRecords = false) {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.log')).sort();
  const seqs: bigint[] = [];
  const report = await replaySegments(fs, names.map((n) => `${dir}/${n}`), { skipCorruptRecords }, (b) => {
    seqs.push(b.sequence);
  });
  return { seqs, report };
}

describe('CommitLogWriter + replaySegments', () => {
  it('replays every acknowledged record in order', async () => {
    const { mem, writer } = await setup();
    for (let i = 1; i <= 5; i++) await writer.append(rec(i));
    await writer.close();
    const { seqs, report } = await replayAll(mem);
    expect(seqs).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(report.tornTail).toBeUndefined();
  });

  it('group-commits concurrent appends into fewer fsyncs', async () => {
    const { writer } = await setup();
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.append(rec(i + 1))));
    const s = writer.stats();
    expect(s.appends).toBe(50);
    expect(s.fsyncs).toBeLessThan(10);
    await writer.close();
  });

  it('rotates by size and on demand, keeping order across segments', async () => {
    const { mem, writer } = await setup({ segmentBytes: SEGMENT_HEADER_BYTES + 80 });
    const pending: Promise<void>[] = [];
    for (let i = 1; i <= 6; i++) pending.push(writer.append(rec(i)));
    writer.rotate(500n);
    pending.push(writer.append(rec(7)));
    await Promise.all(pending);
    await writer.close();
    const names = (await mem.readdir(dir)).length;
    expect(names).toBeGreaterThan(2);
    expect((await replayAll(mem)).seqs).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
  });

  it('stops cleanly at a torn tail and reports what it dropped', async () => {
    const { mem, fs, writer } = await setup();
    await writer.append(rec(1));
    await writer.append(rec(2));
    fs.inject({ op: 'append', tornBytes: 7 });
    await expect(writer.append(rec(3))).rejects.toMatchObject({ code: 'IO_ERROR' });
    // Sticky: nothing more is accepted.
    await expect(writer.append(rec(4))).rejects.toMatchObject({ code: 'IO_ERROR' });
    const { seqs, report } = await replayAll(mem);
    expect(seqs).toEqual([1n, 2n]);
    expect(report.tornTail).toMatchObject({ file: segmentPath(dir, 1n), bytesDropped: 7 });
  });

  it('rejects a write whose fsync failed', async () => {
    const { fs, writer } = await setup();
    await writer.append(rec(1));
    fs.inject({ op: 'sync' });
    await expect(writer.append(rec(2))).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(writer.failed).toBeDefined();
  });

  it('reports ENOSPC as DISK_FULL', async () => {
    const { fs, writer } = await setup();
    await writer.append(rec(1));
    fs.setSpaceBudget(4);
    await expect(writer.append(rec(2))).rejects.toMatchObject({ code: 'DISK_FULL' });
  });

  it('treats corruption followed by valid records as CorruptionError, or skips it on request', async () => {
    const { mem, writer } = await setup();
    for (let i = 1; i <= 3; i++) await writer.append(rec(i));
    await writer.close();
    const path = segmentPath(dir, 1n);
    const second = SEGMENT_HEADER_BYTES + rec(1).length;
    mem.patch(path, second + 12, Buffer.from([0xff]));
    await expect(replayAll(mem)).rejects.toBeInstanceOf(CorruptionError);
    await expect(replayAll(mem)).rejects.toMatchObject({ file: path, offset: second, bytesDropped: rec(2).length });
    const { seqs, report } = await replayAll(mem, true);
    expect(seqs).toEqual([1n, 3n]);
    expect(report.skipped).toEqual([expect.objectContaining({ file: path, offset: second, bytesDropped: rec(2).length })]);
  });

  it('treats a damaged tail of a non-final segment as corruption', async () => {
    const { mem, writer } = await setup();
    await writer.append(rec(1));
    await writer.append(rec(2));
    writer.rotate(7n);
    await writer.append(rec(3));
    await writer.close();
    const path = segmentPath(dir, 1n);
    mem.patch(path, mem.fileLength(path) - 1, Buffer.from([0]));
    await expect(replayAll(mem)).rejects.toBeInstanceOf(CorruptionError);
  });

  it('periodic mode acknowledges before fsync and syncs on demand', async () => {
    const { mem, writer } = await setup({ syncMode: 'periodic', syncPeriodMs: 60_000 });
    await writer.append(rec(1));
    expect(writer.stats().fsyncs).toBe(0);
    await writer.sync();
    await mem.syncDir(dir);
    const after = mem.crash();
    expect((await replayAll(after)).seqs).toEqual([1n]);
    await writer.close().catch(() => undefined);
  });
});
