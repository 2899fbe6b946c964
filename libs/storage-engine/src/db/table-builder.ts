/**
 * Writes a sorted entry stream into a new SSTable and opens it, for flush, recovery and
 * compaction alike.
 *
 * Contract: entries arrive in strictly increasing key order. On success the file is fsynced,
 * its directory entry is fsynced, and an open handle (one reference, held by the caller) is
 * returned; it is NOT yet in the manifest. An empty stream produces no file (undefined). On
 * failure the partial file is removed and the error is rethrown as an EngineError.
 *
 * Where the bytes are encoded is the context's `writeTable`: `writeTableInline` on this thread
 * (yielding to the event loop every `yieldEvery` entries), or the table worker's thread. Either
 * way `openBuiltTable` then makes the file durable in its directory and opens it here.
 */
import { toEngineError } from '../errors';
import { tablePath } from '../file-names';
import type { EntryKind } from '../format/entry-kind';
import type { FileSystem } from '../fs/file-system';
import type { TableMeta } from '../manifest/manifest';
import { Memtable } from '../memtable/memtable';
import { SSTableReader, SSTableWriter, TABLE_BYTES_PER_SYNC, type BlockCache, type SSTableProperties } from '../sstable';
import { TableHandle } from './table-handle';

export interface BuildEntry {
  key: Buffer;
  kind: EntryKind;
  value: Buffer;
}

/** A sorted entry stream, or a whole (frozen) memtable, which the worker path packs directly. */
export type BuildEntries = Iterable<BuildEntry> | AsyncIterable<BuildEntry> | Memtable;

/** Writes, fsyncs and closes one table file; undefined (and no file) for an empty stream. */
export type TableWriteFn = (path: string, entries: BuildEntries) => Promise<SSTableProperties | undefined>;

export interface TableBuildContext {
  fs: FileSystem;
  dir: string;
  cache: BlockCache;
  onFree: (handle: TableHandle) => void;
  writeTable: TableWriteFn;
}

export function metaFromProperties(fileNumber: bigint, tier: number, p: SSTableProperties): TableMeta {
  return {
    fileNumber,
    tier,
    entryCount: p.entryCount,
    tombstoneCount: p.tombstoneCount,
    fileSize: p.fileSize,
    dataBytes: p.dataBytes,
    formatVersion: p.formatVersion,
    minKey: Buffer.from(p.minKey),
    maxKey: Buffer.from(p.maxKey),
  };
}

export async function openTable(ctx: TableBuildContext, meta: TableMeta): Promise<TableHandle> {
  const reader = await SSTableReader.open(ctx.fs, tablePath(ctx.dir, meta.fileNumber), {
    cache: ctx.cache,
    fileId: Number(meta.fileNumber),
  });
  return new TableHandle(meta, reader, ctx.onFree);
}

/** The on-thread writer: encodes on the event loop, yielding every `yieldEvery` entries. */
export function writeTableInline(fs: FileSystem, yieldEvery: number): TableWriteFn {
  return async (path, entries) => {
    let writer: SSTableWriter | undefined;
    try {
      let sinceYield = 0;
      for await (const e of entries instanceof Memtable ? entries.iterate() : entries) {
        writer ??= await SSTableWriter.create(fs, path, { bytesPerSync: TABLE_BYTES_PER_SYNC });
        await writer.add(e.key, e.kind, e.value);
        if (++sinceYield === yieldEvery) {
          // Background work shares the event loop with foreground requests: give pending I/O
          // callbacks (commit-log fsyncs, reads) a turn so they do not wait behind a whole table.
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      if (!writer) return undefined;
      return await writer.finish();
    } catch (err) {
      await writer?.abort().catch(() => undefined);
      throw toEngineError(err, `writing table ${path}`);
    }
  };
}

/** Makes a just-written table's directory entry durable and opens it (unlinking it on failure). */
export async function openBuiltTable(ctx: TableBuildContext, fileNumber: bigint, tier: number, props: SSTableProperties): Promise<TableHandle> {
  const path = tablePath(ctx.dir, fileNumber);
  try {
    await ctx.fs.syncDir(ctx.dir);
    return await openTable(ctx, metaFromProperties(fileNumber, tier, props));
  } catch (err) {
    await ctx.fs.unlink(path).catch(() => undefined);
    throw toEngineError(err, `opening new table ${path}`);
  }
}

export async function buildTable(ctx: TableBuildContext, fileNumber: bigint, tier: number, entries: BuildEntries): Promise<TableHandle | undefined> {
  const props = await ctx.writeTable(tablePath(ctx.dir, fileNumber), entries);
  return props ? openBuiltTable(ctx, fileNumber, tier, props) : undefined;
}
