/**
 * Helpers for the store's unit tests: an in-memory (optionally fault-injecting) engine
 * directory, a controllable wall clock and free-space reading, and object builders.
 */
import {
  decodeObject,
  encodeClock,
  encodeObject,
  makeClock,
  type Version,
  type VersionedObject,
} from '@ringkv/cluster';
import { FaultInjectingFileSystem, MemoryFileSystem, NodeFileSystem } from '@ringkv/storage-engine';
import { VersionedStore, type CoordinateInput } from '../src/store/versioned-store';

export interface TestStore {
  store: VersionedStore;
  fs: FaultInjectingFileSystem;
  clock: { now: number };
  disk: { free: bigint };
}

export async function openTestStore(
  options: { nodeId?: string; gcGraceMs?: number; minFreeBytes?: bigint } = {},
): Promise<TestStore> {
  const fs = new FaultInjectingFileSystem(new MemoryFileSystem());
  const clock = { now: Date.now() };
  const disk = { free: 1n << 40n };
  const store = await VersionedStore.open({
    nodeId: options.nodeId ?? 'node-a',
    dir: '/data/engine',
    gcGraceMs: options.gcGraceMs ?? 10 * 24 * 3600 * 1000,
    engine: { fs, memtableBytes: 1024 * 1024 },
    disk: {
      minFreeBytes: options.minFreeBytes ?? 1024n,
      checkIntervalMs: 3_600_000,
      freeBytes: async () => disk.free,
    },
    now: () => clock.now,
  });
  return { store, fs, clock, disk };
}

/** A store on the real disk at `dir`, so flushes and compactions run on the table worker. */
export async function openDiskStore(dir: string, options: { gcGraceMs: number }): Promise<VersionedStore> {
  return VersionedStore.open({
    nodeId: 'node-a',
    dir,
    gcGraceMs: options.gcGraceMs,
    engine: { fs: new NodeFileSystem(), tableWorker: 'on', memtableBytes: 1024 * 1024 },
    disk: { minFreeBytes: 1024n, checkIntervalMs: 3_600_000, freeBytes: async () => 1n << 40n },
  });
}

export function coordinateInput(
  overrides: Partial<Omit<CoordinateInput, 'value'>> & { value?: Uint8Array | string } = {},
): CoordinateInput {
  const { value, ...rest } = overrides;
  return {
    tenantId: 'acme',
    key: 'k',
    tombstone: false,
    context: Buffer.alloc(0),
    ttlSeconds: 0,
    supersedeExisting: false,
    ...rest,
    value: typeof value === 'string' ? Buffer.from(value) : (value ?? Buffer.from('"v"')),
  };
}

export function objectOf(bytes: Buffer | undefined): VersionedObject {
  if (bytes === undefined) throw new Error('no object');
  return decodeObject(bytes);
}

/** Values of the object's versions as strings (null for tombstones), in canonical order. */
export function valuesOf(bytes: Buffer | undefined): Array<string | null> {
  return objectOf(bytes).versions.map((v) => (v.value === null ? null : Buffer.from(v.value).toString()));
}

/** The merged clock of an object, as context bytes for the next write. */
export function contextOf(bytes: Buffer | undefined): Buffer {
  const merged: Record<string, number> = {};
  for (const v of objectOf(bytes).versions)
    for (const [a, c] of Object.entries(v.clock)) merged[a] = Math.max(merged[a] ?? 0, c);
  return encodeClock(makeClock(merged));
}

export function objectBytes(versions: Array<Partial<Version> & { clock: Record<string, number> }>): Buffer {
  return encodeObject({
    versions: versions.map((v) => ({
      value: Buffer.from('"x"'),
      writtenAt: Date.now(),
      actor: Object.keys(v.clock)[0] ?? 'node-b',
      ...v,
      clock: makeClock(v.clock),
    })),
  });
}
