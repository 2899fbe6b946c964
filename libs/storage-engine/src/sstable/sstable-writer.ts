/**
 * Writes one immutable SSTable from entries supplied in strictly increasing key order (a memtable
 * flush or a compaction output). Layout in sstable-format.ts and docs/formats/sstable.md.
 *
 * Contract:
 * - `create` refuses a path that already holds bytes; the writer owns the file until `finish` or
 *   `abort` returns.
 * - `add` takes keys in strictly increasing Buffer.compare order and copies key and value, so the
 *   caller may reuse its buffers. A bad key order or kind is EngineError('INVALID_ARGUMENT') and
 *   leaves the writer usable.
 * - Entries are buffered and appended a batch of whole blocks at a time; nothing is durable
 *   until `finish` resolves, which writes the metadata blocks and footer, fsyncs and closes.
 *   Making the new file's directory entry durable (syncDir) is the caller's job, before it
 *   records the table in the manifest.
 * - Filesystem errors propagate unchanged (with their Node-style `code`) and leave the writer
 *   failed: the only useful call afterwards is `abort`, which closes and unlinks the partial file.
 * - Calls may be issued without awaiting the previous one; appends are serialised internally.
 */
import { EngineError } from '../errors';
import { EntryKind, isEntryKind } from '../format/entry-kind';
import { FileSystem, WritableFile } from '../fs/file-system';
import { BlockBuilder } from './block-builder';
import { BlockHandle, encodeBlockHandle } from './block-handle';
import { encodeBlockTrailer } from './block-trailer';
import { BloomFilterBuilder } from './bloom-filter';
import { encodeFooter } from './sstable-footer';
import { BlockType, FORMAT_VERSION } from './sstable-format';
import { SSTableWriterOptions, resolveSSTableWriterOptions } from './sstable-options';
import { SSTableProperties, encodeProperties } from './sstable-properties';

type WriterState = 'open' | 'failed' | 'finished' | 'aborted';

export class SSTableWriter {
  private state: WriterState = 'open';
  private failure: unknown;
  private readonly dataBlock: BlockBuilder;
  private readonly indexBlock: BlockBuilder;
  private readonly filter: BloomFilterBuilder;
  /** Bytes handed to `emit`, appended or not: the offset of the next block. */
  private offset = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private appends: Promise<void> = Promise.resolve();
  private unsyncedBytes = 0;
  private fileClosed = false;
  private entryCount = 0;
  private tombstoneCount = 0;
  private dataBlockCount = 0;
  private minKey: Buffer = Buffer.alloc(0);
  private lastKey: Buffer = Buffer.alloc(0);

  private constructor(
    private readonly fs: FileSystem,
    readonly path: string,
    private readonly file: WritableFile,
    private readonly options: SSTableWriterOptions,
  ) {
    this.dataBlock = new BlockBuilder(options.restartInterval);
    this.indexBlock = new BlockBuilder(options.restartInterval);
    this.filter = new BloomFilterBuilder(options.bloomBitsPerKey);
  }

  static async create(fs: FileSystem, path: string, options?: Partial<SSTableWriterOptions>): Promise<SSTableWriter> {
    const resolved = resolveSSTableWriterOptions(options);
    const file = await fs.openAppend(path);
    const existing = file.size();
    if (existing !== 0) {
      await file.close();
      throw new EngineError('INVALID_ARGUMENT', `cannot write SSTable ${path}: file already exists with ${existing} bytes`);
    }
    return new SSTableWriter(fs, path, file, resolved);
  }

  async add(key: Uint8Array, kind: EntryKind, value: Uint8Array): Promise<void> {
    this.assertOpen();
    if (!isEntryKind(kind)) {
      throw new EngineError('INVALID_ARGUMENT', `${this.path}: unknown entry kind ${kind}`);
    }
    if (this.entryCount > 0 && Buffer.compare(key, this.lastKey) <= 0) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${this.path}: key ${Buffer.from(key).toString('hex')} does not follow ${this.lastKey.toString('hex')}`,
      );
    }
    const cost = BlockBuilder.entryCost(key.length, value.length + 1);
    if (!this.dataBlock.isEmpty && this.dataBlock.sizeEstimate() + cost > this.options.blockSize) {
      this.finishDataBlock();
    }
    const stored = Buffer.allocUnsafe(value.length + 1);
    stored[0] = kind;
    stored.set(value, 1);
    this.dataBlock.add(key, stored);
    this.filter.addKey(key);
    this.lastKey = this.dataBlock.lastKey;
    if (this.entryCount === 0) this.minKey = this.lastKey;
    this.entryCount++;
    if (kind === EntryKind.Delete) this.tombstoneCount++;
    if (this.pendingBytes >= this.options.writeBufferSize) await this.flush();
  }

  async finish(): Promise<SSTableProperties> {
    this.assertOpen();
    try {
      if (!this.dataBlock.isEmpty) this.finishDataBlock();
      const dataBytes = this.offset;
      const filter = this.emitBlock(this.filter.finish());
      const properties = this.emitBlock(
        encodeProperties(
          {
            entryCount: this.entryCount,
            tombstoneCount: this.tombstoneCount,
            minKey: this.minKey,
            maxKey: this.lastKey,
            dataBytes,
            dataBlockCount: this.dataBlockCount,
          },
          this.options.restartInterval,
        ),
      );
      const index = this.emitBlock(this.indexBlock.finish());
      this.emit(encodeFooter({ index, filter, properties }));
      // Stop further calls before the first await: a finish in progress is not open any more.
      this.state = 'finished';
      await this.flush();
      await this.file.sync();
      this.fileClosed = true;
      await this.file.close();
      return {
        formatVersion: FORMAT_VERSION,
        entryCount: this.entryCount,
        tombstoneCount: this.tombstoneCount,
        minKey: Buffer.from(this.minKey),
        maxKey: Buffer.from(this.lastKey),
        fileSize: this.offset,
        dataBytes,
      };
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  /** Discards the table: closes the file and unlinks it. Safe to call after a failure. */
  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    if (this.state === 'finished') {
      throw new EngineError('CLOSED', `${this.path}: cannot abort a finished SSTable`);
    }
    this.state = 'aborted';
    this.pending = [];
    this.pendingBytes = 0;
    await this.appends.catch(() => undefined);
    if (!this.fileClosed) {
      this.fileClosed = true;
      // The file is being thrown away; a failing close must not keep it on disk.
      await this.file.close().catch(() => undefined);
    }
    try {
      await this.fs.unlink(this.path);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    }
  }

  private finishDataBlock(): void {
    const handle = this.emitBlock(this.dataBlock.finish());
    this.indexBlock.add(this.lastKey, encodeBlockHandle(handle));
    this.dataBlockCount++;
  }

  private emitBlock(contents: Buffer): BlockHandle {
    const handle = { offset: this.offset, size: contents.length };
    this.emit(contents);
    this.emit(encodeBlockTrailer(contents, BlockType.Uncompressed));
    return handle;
  }

  private emit(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offset += bytes.length;
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return this.appends;
    const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.appends = this.appends.then(async () => {
      await this.file.append(batch);
      this.unsyncedBytes += batch.length;
      if (this.options.bytesPerSync > 0 && this.unsyncedBytes >= this.options.bytesPerSync && this.state === 'open') {
        this.unsyncedBytes = 0;
        await this.file.sync();
      }
    });
    try {
      await this.appends;
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  private fail(error: unknown): void {
    if (this.state === 'aborted') return;
    this.state = 'failed';
    this.failure = error;
  }

  private assertOpen(): void {
    if (this.state === 'open') return;
    if (this.state === 'failed') {
      throw new EngineError('IO_ERROR', `${this.path}: SSTable writer failed earlier; abort it`, { cause: this.failure });
    }
    throw new EngineError('CLOSED', `${this.path}: SSTable writer is ${this.state}`);
  }
}
