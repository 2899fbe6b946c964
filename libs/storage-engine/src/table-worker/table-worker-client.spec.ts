import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compactEntries, type CompactionCounters, type CompactionRules } from '../compaction/compaction-job';
import { writeTableInline, type BuildEntry } from '../db/table-builder';
import { EngineError } from '../errors';
import { EntryKind } from '../format/entry-kind';
import { NodeFileSystem } from '../fs/node-file-system';
import { Memtable } from '../memtable/memtable';
import type { ReconcileFn } from '../options';
import { BlockCache, SSTableReader } from '../sstable';
import { CONCAT_RULES_PATH, concat, numberedFilter } from '../../test/fixtures/concat-rules';
import { TableWorkerClient } from './table-worker-client';

const fs = new NodeFileSystem();
const inline = writeTableInline(fs, 64);
const filter = numberedFilter(false);

/** `count` sorted entries; `salt` varies the values, `kinds` which kinds appear. */
function entries(count: number, salt: string, kinds: EntryKind[], step = 1): BuildEntry[] {
  const out: BuildEntry[] = [];
  for (let i = 0; i < count; i++) {
    const key = Buffer.alloc(8);
    key.writeUInt32BE(i * step, 0);
    key.writeUInt32BE(0xabcdef, 4);
    const kind = kinds[i % kinds.length];
    out.push({
      key,
      kind,
      value: kind === EntryKind.Delete ? Buffer.alloc(0) : Buffer.from(`${salt}-${i}-${'x'.repeat(i % 120)}`),
    });
  }
  return out;
}

const noCounters = (): CompactionCounters => ({ keysIn: 0, keysOut: 0, dropped: 0, rewritten: 0 });

/** The reference: the same compaction on this thread, written by the inline writer. */
async function compactInline(
  paths: string[],
  out: string,
  rules: CompactionRules,
  counters: CompactionCounters,
) {
  const cache = new BlockCache(1 << 20);
  const readers = await Promise.all(paths.map((p, i) => SSTableReader.open(fs, p, { cache, fileId: i })));
  try {
    const stream = compactEntries(
      { ...rules, inputs: readers.map((reader) => ({ reader })), shouldStop: () => false },
      counters,
    );
    return await inline(out, stream);
  } finally {
    for (const r of readers) await r.close();
  }
}

async function* slowly(items: BuildEntry[], onHalf?: () => Promise<void>): AsyncGenerator<BuildEntry> {
  for (let i = 0; i < items.length; i++) {
    if (i === items.length >> 1 && onHalf) await onHalf();
    yield items[i];
  }
}

describe('TableWorkerClient', () => {
  let dir: string;
  let client: TableWorkerClient;
  const at = (name: string) => path.join(dir, name);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ringkv-worker-'));
    client = new TableWorkerClient();
  });
  afterEach(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same bytes as the inline writer, across many flow-controlled chunks', async () => {
    const data = entries(40_000, 'v', [EntryKind.Put, EntryKind.Put, EntryKind.Delete, EntryKind.Merge]);
    const viaWorker = await client.writeTable(at('w.sst'), data);
    const viaInline = await inline(at('i.sst'), data);
    expect(viaWorker).toEqual(viaInline);
    expect(Buffer.isBuffer(viaWorker?.minKey)).toBe(true);
    expect(readFileSync(at('w.sst')).equals(readFileSync(at('i.sst')))).toBe(true);
    expect(await client.writeTable(at('empty.sst'), [])).toBeUndefined();
    expect(existsSync(at('empty.sst'))).toBe(false);
    expect(client.stats()).toMatchObject({ started: 1, jobs: 2, failedJobs: 0 });
  });

  it('packs a memtable straight from its arena into the same table as the inline path', async () => {
    const m = new Memtable(1n, concat, { arenaChunkBytes: 64 * 1024 });
    const data = entries(30_000, 'm', [EntryKind.Put, EntryKind.Merge, EntryKind.Delete]);
    for (let i = data.length - 1; i >= 0; i--)
      m.apply(data[i].kind, data[i].key, data[i].value, data.length - i);
    m.apply(EntryKind.Merge, data[1].key, Buffer.from('again'), data.length + 1);
    m.freeze();
    const viaWorker = await client.writeTable(at('w.sst'), m);
    const viaInline = await inline(at('i.sst'), m);
    expect(viaWorker).toEqual(viaInline);
    expect(viaWorker?.entryCount).toBe(30_000);
    expect(readFileSync(at('w.sst')).equals(readFileSync(at('i.sst')))).toBe(true);
  });

  it.each([
    ['bottommost, with a filter', true, filter],
    ['above older tables, with a filter', false, filter],
    ['above older tables, no filter', false, undefined],
  ])('compacts exactly like the inline compaction (%s)', async (_name, bottommost, f) => {
    const inputs = [
      entries(3000, 'new', [EntryKind.Put, EntryKind.Merge, EntryKind.Delete], 2),
      entries(4000, 'mid', [EntryKind.Merge, EntryKind.Put], 3),
      entries(5000, 'old', [EntryKind.Put, EntryKind.Delete, EntryKind.Merge, EntryKind.Put], 1),
    ];
    const paths = inputs.map((_, i) => at(`in-${i}.sst`));
    for (let i = 0; i < inputs.length; i++) await inline(paths[i], inputs[i]);
    const rules: CompactionRules = { bottommost, reconcile: concat, filter: f, now: 1 };

    const workerCounters = noCounters();
    const viaWorker = await client.compact(at('w.sst'), paths, rules, workerCounters);

    const inlineCounters = noCounters();
    const viaInline = await compactInline(paths, at('i.sst'), rules, inlineCounters);

    expect(viaWorker).toEqual(viaInline);
    expect(workerCounters).toEqual(inlineCounters);
    expect(readFileSync(at('w.sst')).equals(readFileSync(at('i.sst')))).toBe(true);
  });

  it('with a rules module, decides every key on the worker, exactly like the inline compaction', async () => {
    const inputs = [
      entries(3000, 'new', [EntryKind.Put, EntryKind.Merge, EntryKind.Delete], 2),
      entries(5000, 'old', [EntryKind.Merge, EntryKind.Put, EntryKind.Delete], 1),
    ];
    const paths = inputs.map((_, i) => at(`in-${i}.sst`));
    for (let i = 0; i < inputs.length; i++) await inline(paths[i], inputs[i]);
    // The host's own functions refuse to run: every key must be decided on the worker.
    const notHere = (): never => {
      throw new Error('called on the event loop');
    };
    const hostRules: CompactionRules = { bottommost: false, reconcile: notHere, filter: notHere, now: 1 };
    const counters = noCounters();
    const viaWorker = await client.compact(at('w.sst'), paths, hostRules, counters, {
      rulesModule: { path: CONCAT_RULES_PATH },
    });

    const inlineCounters = noCounters();
    const rules: CompactionRules = { bottommost: false, reconcile: concat, filter, now: 1 };
    const viaInline = await compactInline(paths, at('i.sst'), rules, inlineCounters);

    expect(viaWorker).toEqual(viaInline);
    expect(counters).toEqual(inlineCounters);
    expect(counters.rewritten).toBeGreaterThan(0);
    expect(readFileSync(at('w.sst')).equals(readFileSync(at('i.sst')))).toBe(true);
  });

  it('keeps writing output while a host-resolved key is outstanding, instead of holding it all', async () => {
    // A merge operand first and last, and ~12 MiB of plain puts between them.
    const middle = entries(12_000, 'p', [EntryKind.Put], 1).map((e) => ({
      ...e,
      value: Buffer.alloc(1024, 7),
    }));
    const data: BuildEntry[] = [
      { key: Buffer.alloc(8, 0), kind: EntryKind.Merge, value: Buffer.from('first') },
      ...middle.map((e) => ({ ...e, key: Buffer.concat([Buffer.from([1]), e.key]) })),
      { key: Buffer.from([2]), kind: EntryKind.Merge, value: Buffer.from('last') },
    ];
    await inline(at('in.sst'), data);
    const outputSizeAtResolve: number[] = [];
    const watching: ReconcileFn = (k, existing, incoming) => {
      outputSizeAtResolve.push(existsSync(at('out.sst')) ? statSync(at('out.sst')).size : 0);
      return concat(k, existing, incoming);
    };
    const props = await client.compact(
      at('out.sst'),
      [at('in.sst')],
      { bottommost: true, reconcile: watching, now: 0 },
      noCounters(),
    );
    expect(props?.entryCount).toBe(data.length);
    expect(outputSizeAtResolve).toHaveLength(2);
    // The last operand was resolved after most of the puts had reached the file.
    expect(outputSizeAtResolve[1]).toBeGreaterThan(8 * 1024 * 1024);
  });

  it('fails a compaction whose rules module cannot be loaded, removing its output', async () => {
    await inline(at('a.sst'), entries(100, 'a', [EntryKind.Put]));
    const rules: CompactionRules = { bottommost: true, reconcile: concat, now: 0 };
    const counters = noCounters();
    const err = await client
      .compact(at('out.sst'), [at('a.sst')], rules, counters, {
        rulesModule: { path: at('missing-rules.js') },
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('missing-rules.js'),
    });
    expect(existsSync(at('out.sst'))).toBe(false);
  });

  it('surfaces worker-side failures as EngineErrors with their codes and leaves no file', async () => {
    writeFileSync(at('taken.sst'), 'x');
    await expect(client.writeTable(at('taken.sst'), entries(10, 'v', [EntryKind.Put]))).rejects.toMatchObject(
      { code: 'INVALID_ARGUMENT' },
    );
    const missing = path.join(dir, 'no-such-dir', 'x.sst');
    const err = await client.writeTable(missing, entries(10, 'v', [EntryKind.Put])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'IO_ERROR' });
    await expect(
      client.compact(
        at('c.sst'),
        [at('nope.sst')],
        { bottommost: true, reconcile: concat, now: 0 },
        { keysIn: 0, keysOut: 0, dropped: 0, rewritten: 0 },
      ),
    ).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(existsSync(at('c.sst'))).toBe(false);
  });

  it('fails a compaction whose reconcile throws, removing its output', async () => {
    await inline(at('a.sst'), entries(2000, 'a', [EntryKind.Merge]));
    await inline(at('b.sst'), entries(2000, 'b', [EntryKind.Put]));
    const boom: ReconcileFn = () => {
      throw new Error('reconcile exploded');
    };
    const err = await client
      .compact(
        at('out.sst'),
        [at('a.sst'), at('b.sst')],
        { bottommost: true, reconcile: boom, now: 0 },
        { keysIn: 0, keysOut: 0, dropped: 0, rewritten: 0 },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toMatch(/reconcile exploded/);
    expect(existsSync(at('out.sst'))).toBe(false);
    // The thread itself is fine.
    expect(await client.writeTable(at('after.sst'), entries(5, 'v', [EntryKind.Put]))).toBeDefined();
  });

  it('fails the running job when the thread dies, removes its file, and starts a new thread for the next job', async () => {
    const data = entries(60_000, 'v', [EntryKind.Put]);
    const err = await client
      .writeTable(
        at('dies.sst'),
        slowly(data, () => client.kill()),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(/table worker stopped/) });
    for (let i = 0; i < 100 && existsSync(at('dies.sst')); i++) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(at('dies.sst'))).toBe(false);
    expect(await client.writeTable(at('next.sst'), data)).toMatchObject({ entryCount: data.length });
    expect(client.stats()).toMatchObject({ started: 2, failedJobs: 1 });
  });

  it('refuses jobs after close', async () => {
    await client.close();
    await expect(client.writeTable(at('late.sst'), [])).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
