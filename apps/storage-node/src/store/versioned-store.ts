/**
 * The versioned store: RingKV objects over the storage engine (docs/storage-node.md).
 *
 * - Engine key = `encodeStorageKey(tenant, key)` (token first, so token ranges are contiguous);
 *   engine value = object codec bytes. The engine's merge operator is the cluster's
 *   `reconcileObjects`, so every write is a blind merge and a stale object can never overwrite
 *   a newer one, whatever the arrival order. Compaction runs `purgeFilter` (TTL expiry and
 *   tombstones past gc grace).
 * - Coordinate is a read-modify-write: per-key serialised (KeyLock) so two concurrent writes of
 *   one key on this node never get the same counter; it resolves once the new object is durable.
 * - Apply and Ingest validate (decode) every object first, then merge; nothing invalid is written.
 * - Apply and Coordinate merges issued in one tick share one engine batch (WriteCoalescer): one
 *   commit-log record and one durability wait for a whole Session message.
 * - Writes go through the DiskGuard: below the free-space floor, or after ENOSPC, they fail with
 *   DISK_FULL and reads keep working. A disk-full commit-log failure leaves the engine read-only;
 *   once space is back the engine is closed and reopened (replay keeps every acknowledged write),
 *   and calls arriving meanwhile wait for it.
 * Single-threaded (event loop); all methods may run concurrently.
 */
import {
  coordinateLwwWrite,
  coordinateWrite,
  decodeObject,
  encodeObject,
  isExpired,
  storageEngineRules,
  VersionedObject,
} from '@ringkv/cluster';
import { NodeFileSystem, StorageEngine, WriteBatch, type EngineOptions } from '@ringkv/storage-engine';
import { DiskGuard } from './disk-guard';
import { fromEngineError, isDiskFull } from './engine-errors';
import { KeyLock } from './key-lock';
import { WriteCoalescer } from './write-coalescer';
import {
  buildMerkleTree,
  deleteRange,
  scanRange,
  type MerkleParams,
  type RangeParams,
  type ScanParams,
  type ScannedEntry,
} from './range-operations';
import {
  checkObjectSize,
  decodeIncomingContext,
  decodeIncomingObject,
  storageKeyOf,
  ttlOf,
} from './request-validation';
import { StoreError } from './store-error';
import { collectStoreStats, type StoreStats } from './store-stats';

export interface VersionedStoreOptions {
  /** This node's id: the actor it increments in the clocks of the versions it coordinates. */
  nodeId: string;
  /** The engine's directory. */
  dir: string;
  gcGraceMs: number;
  /** Engine tunables (sync mode, memtable and cache sizes, file system for tests). */
  engine: Partial<Omit<EngineOptions, 'reconcile' | 'compactionFilter' | 'rulesModule'>>;
  disk: { minFreeBytes: bigint; checkIntervalMs: number; freeBytes?: (dir: string) => Promise<bigint> };
  /** Wall clock in ms (tests move it). */
  now?: () => number;
  /** Told when writes stop or resume because of disk pressure, and about reopen failures. */
  onEvent?: (event: { type: 'disk-full' | 'disk-ok' | 'reopened' | 'reopen-failed'; detail: string }) => void;
}

export interface CoordinateInput {
  tenantId: string;
  key: string;
  value: Uint8Array;
  tombstone: boolean;
  context: Uint8Array;
  ttlSeconds: number;
  supersedeExisting: boolean;
}

export interface IngestEntry {
  tenantId: string;
  key: string;
  object: Uint8Array;
}

export class VersionedStore {
  private engine: StorageEngine;
  private reopening: Promise<void> | undefined;
  private closed = false;
  private readonly locks = new KeyLock();
  /** Merges issued in one tick share one engine batch (see write-coalescer.ts). */
  private readonly writes = new WriteCoalescer(async (batch) => this.write(await this.current(), batch));
  private readonly now: () => number;
  readonly disk: DiskGuard;

  private constructor(
    private readonly options: VersionedStoreOptions,
    private readonly engineOptions: Partial<EngineOptions>,
    engine: StorageEngine,
  ) {
    this.engine = engine;
    this.now = options.now ?? Date.now;
    const fs = options.engine.fs ?? new NodeFileSystem();
    this.disk = new DiskGuard({
      dir: options.dir,
      minFreeBytes: options.disk.minFreeBytes,
      intervalMs: options.disk.checkIntervalMs,
      freeBytes: options.disk.freeBytes ?? ((dir) => fs.freeBytes(dir)),
      onChange: (state) =>
        options.onEvent?.({ type: state.full ? 'disk-full' : 'disk-ok', detail: state.reason }),
      onCheck: (state) => this.afterDiskCheck(state.full),
    });
  }

  /** Opens the engine (replaying its commit log) and takes a first free-space reading. */
  static async open(options: VersionedStoreOptions): Promise<VersionedStore> {
    // As a module, so the engine's table worker runs the merge and purge rules on its own thread.
    const engineOptions: Partial<EngineOptions> = {
      ...options.engine,
      rulesModule: storageEngineRules({ gcGraceMs: options.gcGraceMs }),
    };
    const engine = await StorageEngine.open(options.dir, engineOptions);
    const store = new VersionedStore(options, engineOptions, engine);
    try {
      await store.disk.check();
    } catch (error) {
      await engine.close();
      throw error;
    }
    store.disk.start();
    return store;
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  // ---- writes ------------------------------------------------------------------------------

  /** Coordinates a new version (SYSTEM.md §5 step 2) and returns the resulting object's bytes. */
  async coordinate(input: CoordinateInput): Promise<Buffer> {
    const storageKey = storageKeyOf(input.tenantId, input.key);
    const context = decodeIncomingContext(input.context);
    const ttlSeconds = input.tombstone ? undefined : ttlOf(input.ttlSeconds);
    this.disk.assertWritable();
    return this.locks.run(storageKey.toString('latin1'), async () => {
      const engine = await this.current();
      const existing = await this.readObject(engine, storageKey);
      const write = input.supersedeExisting ? coordinateLwwWrite : coordinateWrite;
      const { object } = write(existing, {
        actor: this.options.nodeId,
        value: input.tombstone ? null : input.value,
        context,
        now: this.now(),
        ttlSeconds,
      });
      const bytes = encodeObject(object);
      checkObjectSize(bytes.length, 'the resulting object');
      // A merge, not a put: an Apply that landed after our read must survive our write.
      await this.writes.merge(storageKey, bytes);
      return bytes;
    });
  }

  /** Reconciles an object coordinated elsewhere with what is stored (a blind merge). */
  async apply(tenantId: string, key: string, object: Uint8Array): Promise<void> {
    const storageKey = storageKeyOf(tenantId, key);
    decodeIncomingObject(object);
    this.disk.assertWritable();
    await this.writes.merge(storageKey, object);
  }

  /**
   * Applies many objects as one atomic engine batch (one commit-log record). Every entry is
   * validated before anything is written; an invalid one names its index.
   */
  async ingest(entries: readonly IngestEntry[]): Promise<{ entries: number; bytes: number }> {
    const batch = new WriteBatch();
    entries.forEach((entry, i) => {
      try {
        const storageKey = storageKeyOf(entry.tenantId, entry.key);
        decodeIncomingObject(entry.object);
        batch.merge(storageKey, entry.object);
      } catch (error) {
        throw error instanceof StoreError
          ? new StoreError(error.code, `entry ${i}: ${error.message}`)
          : error;
      }
    });
    if (batch.length === 0) return { entries: 0, bytes: 0 };
    this.disk.assertWritable();
    await this.write(await this.current(), batch);
    return { entries: batch.length, bytes: batch.byteSize };
  }

  // ---- reads -------------------------------------------------------------------------------

  /**
   * The stored object, with versions whose TTL has passed turned into tombstones (what
   * compaction would do), so an expired value reads as absent and never travels again.
   */
  async get(tenantId: string, key: string): Promise<Buffer | undefined> {
    const storageKey = storageKeyOf(tenantId, key);
    const bytes = await this.rawGet(await this.current(), storageKey);
    return bytes === undefined ? undefined : this.hideExpired(bytes);
  }

  async getMany(keys: ReadonlyArray<{ tenantId: string; key: string }>): Promise<Array<Buffer | undefined>> {
    for (const k of keys) storageKeyOf(k.tenantId, k.key);
    return Promise.all(keys.map((k) => this.get(k.tenantId, k.key)));
  }

  // ---- token ranges ------------------------------------------------------------------------

  async *scan(params: ScanParams): AsyncGenerator<ScannedEntry> {
    yield* scanRange(await this.current(), params);
  }

  async merkleTree(params: MerkleParams): Promise<{ leaves: Buffer[]; keys: number }> {
    return buildMerkleTree(await this.current(), params);
  }

  /** Deletes every object of the range (engine deletes: cleanup of data this node stopped owning). */
  async deleteRange(params: RangeParams): Promise<number> {
    const engine = await this.current();
    return deleteRange(engine, params, (batch) => this.write(engine, batch));
  }

  /** Flushes and merges every table into one: expired data and old tombstones go. */
  async compact(): Promise<number> {
    const engine = await this.current();
    try {
      await engine.compactRange();
    } catch (error) {
      throw fromEngineError(error);
    }
    return engine.stats().tables.length;
  }

  async stats(): Promise<StoreStats> {
    // A fresh free-space reading (statfs is cheap); the last one stands if it fails.
    await this.disk.check().catch(() => undefined);
    return collectStoreStats(this.engine, this.options.dir, this.disk);
  }

  /** Stops disk checks and closes the engine (it flushes what it can; the rest is in the commit log). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.disk.stop();
    await this.reopening?.catch(() => undefined);
    await this.engine.close();
  }

  // ---- internals ---------------------------------------------------------------------------

  private async current(): Promise<StorageEngine> {
    if (this.reopening) await this.reopening.catch(() => undefined);
    if (this.closed) throw new StoreError('NOT_SERVING', 'the storage node is shutting down');
    return this.engine;
  }

  private async rawGet(engine: StorageEngine, storageKey: Buffer): Promise<Buffer | undefined> {
    try {
      return await engine.get(storageKey);
    } catch (error) {
      throw fromEngineError(error);
    }
  }

  private async readObject(engine: StorageEngine, storageKey: Buffer): Promise<VersionedObject | undefined> {
    const bytes = await this.rawGet(engine, storageKey);
    if (bytes === undefined) return undefined;
    try {
      return decodeObject(bytes);
    } catch (error) {
      throw new StoreError('CORRUPTION', `stored object is corrupt: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private hideExpired(bytes: Buffer): Buffer {
    let object: VersionedObject;
    try {
      object = decodeObject(bytes);
    } catch (error) {
      throw new StoreError('CORRUPTION', `stored object is corrupt: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const now = this.now();
    if (!object.versions.some((v) => v.value !== null && isExpired(v, now))) return bytes;
    // Same clocks, same order: still canonical.
    return encodeObject({
      versions: object.versions.map((v) =>
        v.value !== null && isExpired(v, now) ? { ...v, value: null } : v,
      ),
    });
  }

  private async write(engine: StorageEngine, batch: WriteBatch): Promise<void> {
    try {
      await engine.write(batch);
    } catch (error) {
      if (isDiskFull(error)) this.disk.markFull((error as Error).message);
      throw fromEngineError(error);
    }
  }

  /** After each free-space check: an engine made read-only by a full disk reopens once space is back. */
  private async afterDiskCheck(full: boolean): Promise<void> {
    if (full || this.closed || this.reopening) return;
    if (this.engine.stats().readOnlyReason === undefined) return;
    this.reopening = this.reopen().finally(() => {
      this.reopening = undefined;
    });
    await this.reopening.catch(() => undefined);
  }

  private async reopen(): Promise<void> {
    const reason = this.engine.stats().readOnlyReason ?? 'read-only';
    await this.engine.close().catch(() => undefined);
    try {
      this.engine = await StorageEngine.open(this.options.dir, this.engineOptions);
      this.options.onEvent?.({ type: 'reopened', detail: `engine reopened after: ${reason}` });
    } catch (error) {
      // The closed engine stays in place (calls get NOT_SERVING); the next check retries.
      this.options.onEvent?.({ type: 'reopen-failed', detail: (error as Error).message });
      throw error;
    }
  }
}
