/**
 * Messages between the engine's thread (the host) and the table worker, and how errors cross.
 *
 * A job is one table file. Flush ("build"): the host streams packed entries, at most
 * `MAX_CHUNKS_IN_FLIGHT` unacknowledged, then "finish". Compaction ("compact"): the worker
 * reads and merges the input tables itself; keys it cannot decide alone (merge operands, or
 * every value when a compaction filter is set, unless the engine's rules come as a module the
 * worker loads too) go back to the host in "resolve" batches and
 * the host answers each with "resolved". Every job ends with exactly one "done" or "failed";
 * on failure the worker has already removed its partial file.
 */
import { CorruptionError, EngineError, toEngineError, type EngineErrorCode } from '../errors';
import type { SSTableProperties } from '../sstable';
import type { RulesModule } from '../rules-module';
import type { Packed } from './packed-bytes';

/** Flow control of a flush stream: bounds the bytes queued between the threads. */
export const MAX_CHUNKS_IN_FLIGHT = 4;
/** Size of one packed entry chunk of a flush stream. */
export const ENTRY_CHUNK_BYTES = 256 * 1024;
/** Key groups gathered before one round trip to the host during a compaction. */
export const RESOLVE_BATCH_GROUPS = 2048;
/** ... or bytes, whichever comes first. */
export const RESOLVE_BATCH_BYTES = 1024 * 1024;

export interface CompactRequest {
  /** Input table paths, newest first. */
  inputs: string[];
  bottommost: boolean;
  /** True when the engine has a compaction filter: every resolved value goes to the host. */
  filterAll: boolean;
  /** The compaction's wall clock (the filter's `now`). */
  now: number;
  /** The engine's rules as a module: the worker loads it and decides every key itself. */
  rulesModule?: RulesModule;
}

export type HostMessage =
  | { type: 'build'; job: number; path: string }
  | ({ type: 'entries'; job: number } & Packed)
  | { type: 'finish'; job: number }
  | ({ type: 'compact'; job: number; path: string } & CompactRequest)
  | ({ type: 'resolved'; job: number } & Packed)
  | { type: 'abort'; job: number };

export interface WorkerCounters {
  keysIn: number;
  keysOut: number;
  dropped: number;
  rewritten: number;
}

export interface SerializedError {
  name: string;
  message: string;
  /** EngineError code, when it was one. */
  engineCode?: EngineErrorCode;
  /** Node-style fs code (ENOSPC, EIO...), when it was one. */
  fsCode?: string;
  corruption?: { file: string; offset: number; detail: string; bytesDropped: number };
}

export type WorkerMessage =
  | { type: 'ack'; job: number }
  | ({ type: 'resolve'; job: number; count: number } & Packed)
  | { type: 'done'; job: number; props: SSTableProperties | null; counters: WorkerCounters }
  | { type: 'failed'; job: number; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  const e = err as { name?: string; message?: string; code?: unknown };
  const out: SerializedError = { name: e?.name ?? 'Error', message: e?.message ?? String(err) };
  if (err instanceof CorruptionError) {
    out.corruption = {
      file: err.file,
      offset: err.offset,
      detail: err.detail,
      bytesDropped: err.bytesDropped,
    };
  } else if (err instanceof EngineError) {
    out.engineCode = err.code;
  } else if (typeof e?.code === 'string') {
    out.fsCode = e.code;
  }
  return out;
}

/** Rebuilds a worker-side error as the EngineError the inline path would have thrown. */
export function deserializeError(s: SerializedError, what: string): EngineError {
  if (s.corruption)
    return new CorruptionError(
      s.corruption.file,
      s.corruption.offset,
      s.corruption.detail,
      s.corruption.bytesDropped,
    );
  if (s.engineCode) return new EngineError(s.engineCode, s.message);
  const raw = Object.assign(new Error(s.message), { code: s.fsCode });
  return toEngineError(raw, what);
}

/** Structured clone turns Buffers into Uint8Arrays; give the keys their Buffer type back. */
export function reviveProperties(p: SSTableProperties): SSTableProperties {
  const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return { ...p, minKey: buf(p.minKey), maxKey: buf(p.maxKey) };
}
