/**
 * Writes a sorted entry stream into a new SSTable and opens it, for flush, recovery and
 * compaction alike.
 *
 * Contract: entries arrive in strictly increasing key order. On success the file is fsynced,
 * its directory entry is fsynced, and an open handle (one reference, held by the caller) is
 * returned; it is NOT yet in the manifest. An empty stream produces no file (undefined). On
 * failure the partial file is removed and the error is rethrown as an EngineError.
 */
import { toEngineError } from '../errors';
import { tablePath } from '../file-names';
import type { EntryKind } from '../format/entry-kind';
import type { FileSystem } from '../fs/file-system';
import type { TableMeta } from '../manifest/manifest';
import { SSTableReader, SSTableWriter, type BlockCache, type SSTableProperties } from '../sstable';
import { TableHandle } from './table-handle';

export interface BuildEntry {
  key: Buffer;
  kind: EntryKind;
  value: Buffer;
}

export interface TableBuildContext {
  fs: FileSystem;
  dir: string;
  cache: BlockCache;
  onFree: (handle: TableHandle) => void;
  /** Entries written between yields to the event loop. */
  yieldEvery: number;
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

export async function buildTable(
  ctx: TableBuildContext,
  fileNumber: bigint,
  tier: number,
  entries: Iterable<BuildEntry> | AsyncIterable<BuildEntry>,
): Promise<TableHandle | undefined> {
  const path = tablePath(ctx.dir, fileNumber);
  let writer: SSTableWriter | undefined;
  let props: SSTableProperties;
  try {
    let sinceYield = 0;
    for await (const e of entries) {
      writer ??= await SSTableWriter.create(ctx.fs, path);
      await writer.add(e.key, e.kind, e.value);
      if (++sinceYield === ctx.yieldEvery) {
        // Background work shares the event loop with foreground requests: give pending I/O
        // callbacks (commit-log fsyncs, reads) a turn so they do not wait behind a whole table.
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (!writer) return undefined;
    props = await writer.finish();
  } catch (err) {
    await writer?.abort().catch(() => undefined);
    throw toEngineError(err, `writing table ${path}`);
  }
  try {
    await ctx.fs.syncDir(ctx.dir);
    return await openTable(ctx, metaFromProperties(fileNumber, tier, props));
  } catch (err) {
    await ctx.fs.unlink(path).catch(() => undefined);
    throw toEngineError(err, `opening new table ${path}`);
  }
}
