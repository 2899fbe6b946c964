/**
 * Reads one SSTable written by SSTableWriter. `open` reads and verifies the footer, the index,
 * the bloom filter and the properties once and keeps them in memory; data blocks are read on
 * demand through the DB's shared BlockCache.
 *
 * Contract:
 * - Every block is checksum-verified before use and every decoded offset is bounds-checked; a
 *   mismatch, a bad magic, a truncated file or an out-of-range handle is a CorruptionError naming
 *   the file and the offset. A read never returns data that failed a check.
 * - `get` of a key outside [minKey, maxKey], or one the bloom filter rejects, touches no data
 *   block; otherwise it reads at most one (none when the block is cached).
 * - `iterate` yields entries in strictly increasing key order within [start, end), loading blocks
 *   lazily; stopping early (break / return) costs nothing further.
 * - Returned keys and values are copies the caller owns; cached blocks cannot be changed through
 *   them.
 * - Reads may run concurrently; concurrent misses on one block share a single read. After
 *   `close` every read rejects with EngineError('CLOSED') and the table's cached blocks are
 *   evicted. Filesystem errors (EIO, ...) propagate unchanged.
 */
import { CorruptionError, EngineError } from '../errors';
import { EntryKind, isEntryKind } from '../format/entry-kind';
import { FileSystem, ReadableFile } from '../fs/file-system';
import { BlockCache } from './block-cache';
import { BlockHandle } from './block-handle';
import { BlockIterator, BlockReader } from './block-reader';
import { checkBlock } from './block-trailer';
import { BloomFilter } from './bloom-filter';
import { IndexBlock } from './index-block';
import { decodeFooter } from './sstable-footer';
import { BLOCK_TRAILER_SIZE, FOOTER_SIZE } from './sstable-format';
import { SSTableProperties, decodeProperties } from './sstable-properties';

export interface SSTableEntry {
  key: Buffer;
  kind: EntryKind;
  value: Buffer;
}

export interface SSTableReaderOptions {
  /** The DB-wide cache of data blocks. */
  cache: BlockCache;
  /** Unique among the DB's tables: it keys this table's blocks in the cache. */
  fileId: number;
}

export interface SSTableRange {
  /** Inclusive lower bound; absent means from the first key. */
  start?: Uint8Array;
  /** Exclusive upper bound; absent means to the last key. */
  end?: Uint8Array;
}

export class SSTableReader {
  private closed = false;
  /** Data block reads in flight, by block offset, so concurrent misses share one read. */
  private readonly loading = new Map<number, Promise<BlockReader>>();

  private constructor(
    private readonly file: ReadableFile,
    readonly path: string,
    readonly fileId: number,
    readonly properties: SSTableProperties,
    private readonly index: IndexBlock,
    private readonly filter: BloomFilter,
    private readonly cache: BlockCache,
  ) {}

  static async open(fs: FileSystem, path: string, options: SSTableReaderOptions): Promise<SSTableReader> {
    const file = await fs.openRead(path);
    try {
      return await SSTableReader.load(file, path, options);
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
  }

  private static async load(file: ReadableFile, path: string, options: SSTableReaderOptions): Promise<SSTableReader> {
    const fileSize = file.size();
    if (fileSize < FOOTER_SIZE) {
      throw new CorruptionError(path, 0, `file of ${fileSize} bytes is shorter than the ${FOOTER_SIZE}-byte footer`);
    }
    const footer = decodeFooter(await file.read(fileSize - FOOTER_SIZE, FOOTER_SIZE), path, fileSize);
    const propertiesHandle = footer.properties;
    const stored = decodeProperties(
      new BlockReader(await readVerified(file, path, propertiesHandle), path, propertiesHandle.offset),
    );
    const metadataStart = Math.min(footer.index.offset, footer.filter.offset, footer.properties.offset);
    if (stored.dataBytes > metadataStart) {
      throw new CorruptionError(path, propertiesHandle.offset, `data region of ${stored.dataBytes} bytes overlaps metadata at ${metadataStart}`);
    }
    const index = IndexBlock.decode(
      new BlockReader(await readVerified(file, path, footer.index), path, footer.index.offset),
      stored.dataBytes,
    );
    const filter = BloomFilter.decode(await readVerified(file, path, footer.filter));
    if (filter === undefined) {
      throw new CorruptionError(path, footer.filter.offset, 'bloom filter block is malformed');
    }
    checkConsistency(path, propertiesHandle.offset, stored, index);
    const properties: SSTableProperties = {
      formatVersion: footer.formatVersion,
      entryCount: stored.entryCount,
      tombstoneCount: stored.tombstoneCount,
      minKey: stored.minKey,
      maxKey: stored.maxKey,
      fileSize,
      dataBytes: stored.dataBytes,
    };
    return new SSTableReader(file, path, options.fileId, properties, index, filter, options.cache);
  }

  /** Bloom filter check only: false means the key is certainly not in this table. */
  mayContain(key: Uint8Array): boolean {
    return this.filter.mayContain(key);
  }

  async get(key: Uint8Array): Promise<SSTableEntry | undefined> {
    this.assertOpen();
    if (!this.inKeyRange(key) || !this.filter.mayContain(key)) return undefined;
    const block = this.dataBlock(this.index.findBlock(key));
    const cursor = (block instanceof BlockReader ? block : await block).iterator();
    cursor.seek(key);
    if (!cursor.valid() || !cursor.key().equals(key)) return undefined;
    return this.entryAt(cursor);
  }

  async *iterate(range: SSTableRange = {}): AsyncIterableIterator<SSTableEntry> {
    this.assertOpen();
    const { start, end } = range;
    if (start !== undefined && end !== undefined && Buffer.compare(start, end) >= 0) return;
    const first = start === undefined ? 0 : this.index.findBlock(start);
    let previous: Buffer | undefined;
    for (let blockNumber = first; blockNumber < this.index.count; blockNumber++) {
      const block = this.dataBlock(blockNumber);
      const cursor = (block instanceof BlockReader ? block : await block).iterator();
      if (start !== undefined && blockNumber === first) cursor.seek(start);
      else cursor.seekToFirst();
      // The index promised a key at or above the seek target in this block.
      if (!cursor.valid()) {
        throw new CorruptionError(this.path, this.index.handle(blockNumber).offset, 'data block lacks the keys its index entry promises');
      }
      for (; cursor.valid(); cursor.next()) {
        const key = cursor.key();
        if (end !== undefined && Buffer.compare(key, end) >= 0) return;
        if (previous !== undefined && Buffer.compare(key, previous) <= 0) {
          throw new CorruptionError(this.path, this.index.handle(blockNumber).offset, 'keys out of order');
        }
        const entry = this.entryAt(cursor);
        previous = entry.key;
        yield entry;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.evictFile(this.fileId);
    await this.file.close();
  }

  private inKeyRange(key: Uint8Array): boolean {
    const { entryCount, minKey, maxKey } = this.properties;
    return entryCount > 0 && Buffer.compare(key, minKey) >= 0 && Buffer.compare(key, maxKey) <= 0;
  }

  private entryAt(cursor: BlockIterator): SSTableEntry {
    const stored = cursor.value();
    const kind = stored.length > 0 ? stored[0] : 0;
    if (!isEntryKind(kind)) {
      throw new CorruptionError(this.path, cursor.valueFileOffset(), `entry has unknown kind ${kind}`);
    }
    return { key: Buffer.from(cursor.key()), kind, value: Buffer.from(stored.subarray(1)) };
  }

  /** The block from the cache without waiting, or a promise of it read from the file. */
  private dataBlock(blockNumber: number): BlockReader | Promise<BlockReader> {
    this.assertOpen();
    const handle = this.index.handle(blockNumber);
    const cached = this.cache.get(this.fileId, handle.offset);
    if (cached !== undefined) return cached;
    let pending = this.loading.get(handle.offset);
    if (pending === undefined) {
      pending = this.readDataBlock(handle).finally(() => this.loading.delete(handle.offset));
      this.loading.set(handle.offset, pending);
    }
    return pending;
  }

  private async readDataBlock(handle: BlockHandle): Promise<BlockReader> {
    const block = new BlockReader(await readVerified(this.file, this.path, handle), this.path, handle.offset);
    // A block read that finishes after close must not repopulate the cache for a dead table.
    if (!this.closed) this.cache.set(this.fileId, handle.offset, block);
    return block;
  }

  private assertOpen(): void {
    if (this.closed) throw new EngineError('CLOSED', `SSTable ${this.path} is closed`);
  }
}

async function readVerified(file: ReadableFile, path: string, handle: BlockHandle): Promise<Buffer> {
  return checkBlock(await file.read(handle.offset, handle.size + BLOCK_TRAILER_SIZE), handle, path);
}

/** Cross-checks the properties against the index; both passed their checksums separately. */
function checkConsistency(
  path: string,
  propertiesOffset: number,
  stored: ReturnType<typeof decodeProperties>,
  index: IndexBlock,
): void {
  const problem = (() => {
    if (stored.dataBlockCount !== index.count) {
      return `properties count ${stored.dataBlockCount} data blocks, the index ${index.count}`;
    }
    if ((stored.entryCount === 0) !== (index.count === 0)) {
      return `${stored.entryCount} entries in ${index.count} data blocks`;
    }
    if (stored.tombstoneCount > stored.entryCount) {
      return `${stored.tombstoneCount} tombstones among ${stored.entryCount} entries`;
    }
    if (index.count > 0 && !index.lastKey(index.count - 1).equals(stored.maxKey)) {
      return 'max key differs from the last index key';
    }
    if (Buffer.compare(stored.minKey, stored.maxKey) > 0) return 'min key above max key';
    return undefined;
  })();
  if (problem !== undefined) throw new CorruptionError(path, propertiesOffset, problem);
}
