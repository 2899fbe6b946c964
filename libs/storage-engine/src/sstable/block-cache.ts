/**
 * A bounded least-recently-used cache of verified, decoded data blocks, shared by every
 * SSTableReader of one DB. Entries are keyed by (fileId, block offset); fileIds are unique
 * within a DB, so a table that is deleted and replaced never serves stale blocks as long as its
 * reader calls `evictFile` (SSTableReader.close does).
 *
 * Contract: `bytes` never exceeds `capacity` after any call returns; a block larger than the
 * whole capacity is simply not cached. Blocks are charged by their content size (the per-entry
 * bookkeeping is small next to a 4 KiB block and is not counted). Single-threaded like the rest
 * of the engine: no locking, and every method is synchronous.
 */
import { BlockReader } from './block-reader';

export interface BlockCacheStats {
  hits: number;
  misses: number;
  /** Bytes of block contents currently held. */
  bytes: number;
  capacity: number;
}

interface CacheEntry {
  readonly fileId: number;
  readonly block: BlockReader;
}

export class BlockCache {
  /** Map iteration order is insertion order: the first entry is the least recently used. */
  private readonly entries = new Map<string, CacheEntry>();
  private readonly keysByFile = new Map<number, Set<string>>();
  private usedBytes = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly capacityBytes: number) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes < 0) {
      throw new RangeError(`block cache capacity must be a non-negative integer, got ${capacityBytes}`);
    }
  }

  stats(): BlockCacheStats {
    return { hits: this.hitCount, misses: this.missCount, bytes: this.usedBytes, capacity: this.capacityBytes };
  }

  /** Looks a block up, counting a hit or a miss, and marks it most recently used. */
  get(fileId: number, offset: number): BlockReader | undefined {
    const key = cacheKey(fileId, offset);
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.block;
  }

  /** Inserts or replaces a block, evicting least recently used ones to stay within capacity. */
  set(fileId: number, offset: number, block: BlockReader): void {
    const key = cacheKey(fileId, offset);
    this.remove(key);
    if (block.byteLength > this.capacityBytes) return;
    this.entries.set(key, { fileId, block });
    let keys = this.keysByFile.get(fileId);
    if (keys === undefined) {
      keys = new Set();
      this.keysByFile.set(fileId, keys);
    }
    keys.add(key);
    this.usedBytes += block.byteLength;
    while (this.usedBytes > this.capacityBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
    }
  }

  /** Drops every block of one file (closed or deleted table). */
  evictFile(fileId: number): void {
    const keys = this.keysByFile.get(fileId);
    if (keys === undefined) return;
    for (const key of [...keys]) this.remove(key);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.usedBytes -= entry.block.byteLength;
    const keys = this.keysByFile.get(entry.fileId);
    keys?.delete(key);
    if (keys?.size === 0) this.keysByFile.delete(entry.fileId);
  }
}

function cacheKey(fileId: number, offset: number): string {
  return `${fileId}:${offset}`;
}
