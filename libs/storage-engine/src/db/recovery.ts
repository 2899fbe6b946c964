/**
 * Opening an engine directory: load the manifest, open exactly its live tables, replay the
 * commit-log segments not yet in tables, persist the replayed data as tables, start a fresh
 * checkpoint, and delete files nothing references.
 *
 * Contract / why:
 * - Replayed data is flushed to tables during open and the old segments are deleted, so the
 *   engine never appends after a torn tail: a torn region can only ever be at the end of the
 *   last segment, and the next recovery cannot mistake it for mid-log corruption.
 * - Orphans (tables from a crash between table write and manifest install, segments below the
 *   checkpoint) are deleted only AFTER the new manifest is durable; writing that manifest
 *   replaces any stale MANIFEST.tmp.
 * - File numbers resume above every numbered file present, so an orphan's number is never
 *   reused while its file might still exist.
 */
import * as nodePath from 'node:path';
import { replaySegments, type DroppedRegion } from '../commit-log/commit-log-reader';
import { SEGMENT_SUFFIX } from '../commit-log/commit-log-format';
import { TABLE_SUFFIX, parseNumberedFile, segmentPath } from '../file-names';
import { readManifest, writeManifest, type ManifestState } from '../manifest/manifest';
import { Memtable, arenaChunkBytesFor } from '../memtable/memtable';
import type { EngineOptions } from '../options';
import { buildTable, openTable, type TableBuildContext } from './table-builder';
import type { TableHandle } from './table-handle';

export interface RecoveryReport {
  /** True when the directory held no engine yet. */
  fresh: boolean;
  tablesOpened: number;
  segmentsReplayed: number;
  recordsReplayed: number;
  /** Tables written from replayed commit-log data. */
  tablesFromReplay: number;
  /** The torn tail replay stopped at (a crash mid-append), if any. */
  tornTail?: DroppedRegion;
  /** Corrupt mid-log regions skipped under `skipCorruptRecords`. */
  skippedCorruptRecords: DroppedRegion[];
  orphansDeleted: string[];
}

export interface RecoveredState {
  manifest: ManifestState;
  /** Newest first, each with the list's reference. */
  tables: TableHandle[];
  report: RecoveryReport;
}

export async function recover(opts: EngineOptions, dir: string, ctx: TableBuildContext): Promise<RecoveredState> {
  const fs = opts.fs;
  await fs.mkdir(dir);
  const existing = await readManifest(fs, dir);
  const state: ManifestState = existing ?? { nextFileNumber: 1n, logNumber: 0n, lastSequence: 0n, tables: [] };
  const names = await fs.readdir(dir);
  for (const name of names) {
    const n = parseNumberedFile(name, SEGMENT_SUFFIX) ?? parseNumberedFile(name, TABLE_SUFFIX);
    if (n !== undefined && n >= state.nextFileNumber) state.nextFileNumber = n + 1n;
  }
  const allocate = (): bigint => state.nextFileNumber++;

  const tables: TableHandle[] = [];
  const fromReplay: TableHandle[] = [];
  try {
    for (const meta of state.tables) tables.push(await openTable(ctx, meta));

    const segments = names
      .map((name) => parseNumberedFile(name, SEGMENT_SUFFIX))
      .filter((n): n is bigint => n !== undefined && n >= state.logNumber)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    let lastSequence = state.lastSequence;
    const newMemtable = () => new Memtable(0n, opts.reconcile, { arenaChunkBytes: arenaChunkBytesFor(opts.memtableBytes) });
    let mem = newMemtable();
    const flushMem = async (): Promise<void> => {
      if (mem.count === 0) return;
      const t = await buildTable(ctx, allocate(), 0, mem);
      if (t) fromReplay.unshift(t);
      mem = newMemtable();
    };
    const replay = await replaySegments(
      fs,
      segments.map((n) => segmentPath(dir, n)),
      { skipCorruptRecords: opts.skipCorruptRecords },
      async (batch) => {
        let seq = batch.sequence;
        for (const op of batch.ops) {
          mem.apply(op.kind, op.key, op.value, Number(seq));
          if (seq > lastSequence) lastSequence = seq;
          seq++;
        }
        if (mem.approximateBytes >= opts.memtableBytes) await flushMem();
      },
    );
    await flushMem();

    const next: ManifestState = {
      nextFileNumber: 0n,
      logNumber: allocate(),
      lastSequence,
      tables: [...fromReplay.map((t) => t.meta), ...state.tables],
    };
    next.nextFileNumber = state.nextFileNumber;
    await writeManifest(fs, dir, next);
    const tablesFromReplay = fromReplay.length;
    tables.unshift(...fromReplay.splice(0));

    const live = new Set(next.tables.map((t) => t.fileNumber));
    const orphansDeleted: string[] = [];
    for (const name of names) {
      const seg = parseNumberedFile(name, SEGMENT_SUFFIX);
      const tab = parseNumberedFile(name, TABLE_SUFFIX);
      // A stale MANIFEST.tmp from a crash was already replaced by writeManifest above.
      const orphan = (seg !== undefined && seg < next.logNumber) || (tab !== undefined && !live.has(tab));
      if (!orphan) continue;
      try {
        await fs.unlink(nodePath.join(dir, name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      orphansDeleted.push(name);
    }
    if (orphansDeleted.length > 0) await fs.syncDir(dir);

    return {
      manifest: next,
      tables,
      report: {
        fresh: existing === undefined,
        tablesOpened: state.tables.length,
        segmentsReplayed: replay.segments,
        recordsReplayed: replay.records,
        tablesFromReplay,
        tornTail: replay.tornTail,
        skippedCorruptRecords: replay.skipped,
        orphansDeleted,
      },
    };
  } catch (err) {
    for (const t of [...fromReplay, ...tables]) await t.reader.close().catch(() => undefined);
    throw err;
  }
}
