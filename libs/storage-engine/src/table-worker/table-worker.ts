/**
 * The table worker thread: encodes flushed memtables into SSTables, and runs compactions
 * (read, merge, encode), off the engine's event loop so the second core does that work instead
 * of the write path. Started by TableWorkerClient; the protocol is in table-worker-protocol.ts.
 *
 * Contract:
 * - Jobs are independent and may interleave (a flush during a long compaction). Each writes one
 *   file through the same SSTableWriter as the inline path, so the bytes are identical.
 * - A compaction decides alone only the keys that need neither `reconcile` nor the compaction
 *   filter (those are engine-thread functions): plain Puts and Deletes, via the same
 *   `compactGroup` rule. Every other key is sent to the host, in key order, in batches; output
 *   order is kept by holding the keys decided meanwhile until the batch's answer arrives.
 * - On any failure the writer is aborted (partial file removed) before "failed" is posted.
 * The worker keeps no state between jobs except its open jobs; it is safe to terminate at any
 * time (an unfinished file is not in the manifest and is deleted by the host or the next open).
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { EngineError } from '../errors';
import { EntryKind } from '../format/entry-kind';
import { NodeFileSystem } from '../fs/node-file-system';
import { MergingIterator } from '../iterator/merging-iterator';
import { compactGroup, type CompactionRules } from '../compaction/compaction-job';
import type { BuildEntry } from '../db/table-builder';
import { lastWriteWins } from '../options';
import { loadRulesModule } from '../rules-module';
import {
  BlockCache,
  SSTableReader,
  SSTableWriter,
  TABLE_BYTES_PER_SYNC,
  type SSTableProperties,
} from '../sstable';
import { PackReader, PackWriter, type Packed } from './packed-bytes';
import {
  RESOLVE_BATCH_BYTES,
  RESOLVE_BATCH_GROUPS,
  serializeError,
  type CompactRequest,
  type HostMessage,
  type WorkerCounters,
  type WorkerMessage,
} from './table-worker-protocol';

/** Compaction inputs are read once, sequentially: a small cache per job is enough. */
const COMPACTION_CACHE_BYTES = 1024 * 1024;

interface BuildJob {
  kind: 'build';
  path: string;
  writer?: SSTableWriter;
  /** Chunks are processed strictly in arrival order. */
  queue: Promise<void>;
  failed: boolean;
}

interface CompactJob {
  kind: 'compact';
  aborted: boolean;
  answer?: { resolve: (p: Packed) => void; reject: (err: Error) => void };
}

const fs = new NodeFileSystem({ syncReads: true });
const jobs = new Map<number, BuildJob | CompactJob>();
const noCounters = (): WorkerCounters => ({ keysIn: 0, keysOut: 0, dropped: 0, rewritten: 0 });

function start(port: MessagePort): void {
  const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);

  const failBuild = async (id: number, job: BuildJob, err: unknown) => {
    if (job.failed) return;
    job.failed = true;
    jobs.delete(id);
    await job.writer?.abort().catch(() => undefined);
    post({ type: 'failed', job: id, error: serializeError(err) });
  };

  port.on('message', (m: HostMessage) => {
    const job = jobs.get(m.job);
    switch (m.type) {
      case 'build':
        jobs.set(m.job, { kind: 'build', path: m.path, queue: Promise.resolve(), failed: false });
        return;
      case 'entries': {
        if (job?.kind !== 'build') return post({ type: 'ack', job: m.job });
        job.queue = job.queue.then(async () => {
          try {
            if (!job.failed) {
              job.writer ??= await SSTableWriter.create(fs, job.path, { bytesPerSync: TABLE_BYTES_PER_SYNC });
              const r = new PackReader(m);
              while (!r.done && !job.failed) {
                const e = r.entry();
                await job.writer.add(e.key, e.kind, e.value);
              }
              // Aborted while the file was being created: failBuild found no writer to abort.
              if (job.failed) await job.writer.abort().catch(() => undefined);
            }
          } catch (err) {
            await failBuild(m.job, job, err);
          }
          post({ type: 'ack', job: m.job });
        });
        return;
      }
      case 'finish':
        if (job?.kind !== 'build') return;
        job.queue = job.queue.then(async () => {
          if (job.failed) return;
          try {
            const props = job.writer ? await job.writer.finish() : null;
            jobs.delete(m.job);
            post({ type: 'done', job: m.job, props, counters: noCounters() });
          } catch (err) {
            await failBuild(m.job, job, err);
          }
        });
        return;
      case 'compact': {
        const cj: CompactJob = { kind: 'compact', aborted: false };
        jobs.set(m.job, cj);
        compact(m.job, cj, m.path, m, post)
          .then(
            ({ props, counters }) => post({ type: 'done', job: m.job, props, counters }),
            (err) => post({ type: 'failed', job: m.job, error: serializeError(err) }),
          )
          .finally(() => jobs.delete(m.job));
        return;
      }
      case 'resolved':
        if (job?.kind === 'compact') job.answer?.resolve(m);
        return;
      case 'abort':
        if (job?.kind === 'compact') {
          job.aborted = true;
          job.answer?.reject(new EngineError('CLOSED', 'compaction stopped: engine closing'));
        } else if (job?.kind === 'build') {
          void failBuild(m.job, job, new EngineError('CLOSED', 'table build stopped: engine closing'));
        }
        return;
    }
  });
}

const hostOnly = (): Buffer => {
  throw new Error('reconcile runs on the engine thread only');
};

async function compact(
  id: number,
  job: CompactJob,
  path: string,
  req: CompactRequest,
  post: (m: WorkerMessage, transfer?: ArrayBuffer[]) => void,
): Promise<{ props: SSTableProperties | null; counters: WorkerCounters }> {
  const counters = noCounters();
  const own = req.rulesModule ? loadRulesModule(req.rulesModule) : undefined;
  const rules: CompactionRules = own
    ? {
        bottommost: req.bottommost,
        reconcile: own.reconcile ?? lastWriteWins,
        filter: own.compactionFilter,
        now: req.now,
      }
    : { bottommost: req.bottommost, reconcile: hostOnly, now: req.now };
  const cache = new BlockCache(COMPACTION_CACHE_BYTES);
  const readers: SSTableReader[] = [];
  let writer: SSTableWriter | undefined;
  /**
   * Output held back behind host-resolved keys that are not answered yet (numbers are their
   * slots). What the worker decided itself counts toward the batch bounds too, so a rare merge
   * operand early in a long compaction cannot hold the whole output in memory.
   */
  const held: (BuildEntry | number)[] = [];
  const heldKeys: Buffer[] = [];
  const groups = new PackWriter(64 * 1024);
  let slots = 0;
  let heldBytes = 0;

  const write = async (e: BuildEntry) => {
    writer ??= await SSTableWriter.create(fs, path, { bytesPerSync: TABLE_BYTES_PER_SYNC });
    await writer.add(e.key, e.kind, e.value);
  };
  const drain = async () => {
    if (slots > 0) {
      const answer = new Promise<Packed>((resolve, reject) => (job.answer = { resolve, reject }));
      const packed = groups.take();
      post({ type: 'resolve', job: id, count: slots, ...packed }, [packed.buffer]);
      const r = new PackReader(await answer);
      job.answer = undefined;
      const resolved: (BuildEntry | undefined)[] = [];
      for (let i = 0; i < slots; i++) {
        const kind = r.u8();
        const value = r.raw(r.u32());
        resolved.push(kind === 0 ? undefined : { key: heldKeys[i], kind: kind as EntryKind, value });
      }
      for (const h of held) {
        const e = typeof h === 'number' ? resolved[h] : h;
        if (e) await write(e);
      }
      held.length = 0;
      heldKeys.length = 0;
      slots = 0;
      heldBytes = 0;
    }
  };

  try {
    for (let i = 0; i < req.inputs.length; i++)
      readers.push(await SSTableReader.open(fs, req.inputs[i], { cache, fileId: i }));
    const merge = new MergingIterator(readers.map((r) => r.iterate()));
    try {
      for await (const group of merge) {
        if (job.aborted) throw new EngineError('CLOSED', 'compaction stopped: engine closing');
        const needsHost = !own && (req.filterAll || group.entries.some((e) => e.kind === EntryKind.Merge));
        if (!needsHost) {
          const out = compactGroup(rules, group.key, group.entries, counters);
          if (!out) continue;
          if (slots === 0) {
            await write(out);
          } else {
            held.push(out);
            heldBytes += out.key.length + out.value.length;
            if (held.length >= RESOLVE_BATCH_GROUPS * 4 || heldBytes >= RESOLVE_BATCH_BYTES) await drain();
          }
          continue;
        }
        groups.u32(group.key.length);
        groups.raw(group.key);
        groups.u32(group.entries.length);
        for (const e of group.entries) {
          groups.u8(e.kind);
          groups.u32(e.value.length);
          groups.raw(e.value);
        }
        held.push(slots++);
        heldKeys.push(group.key);
        if (slots >= RESOLVE_BATCH_GROUPS || groups.length >= RESOLVE_BATCH_BYTES) await drain();
      }
    } finally {
      await merge.close();
    }
    await drain();
    return { props: writer ? await writer.finish() : null, counters };
  } catch (err) {
    await writer?.abort().catch(() => undefined);
    throw err;
  } finally {
    for (const r of readers) await r.close().catch(() => undefined);
  }
}

if (parentPort) start(parentPort);
