/**
 * A FileSystem decorator that times the commit log's fsyncs (SYSTEM.md §10 asks for commit-log
 * fsync latency, and the engine does not time them itself). It wraps the engine's file system
 * and observes `sync()` on commit-log segment files only; every call passes through unchanged,
 * errors included, so it changes nothing about durability or fault handling.
 */
import { ForwardingFileSystem, type FileSystem, type WritableFile } from '@ringkv/storage-engine';

/** Commit-log segment files end in this (libs/storage-engine file names). */
const SEGMENT_SUFFIX = '.log';

export type SyncObserver = (seconds: number, ok: boolean) => void;

class TimedWritableFile implements WritableFile {
  constructor(
    private readonly file: WritableFile,
    private readonly observe: SyncObserver,
  ) {}

  get path(): string {
    return this.file.path;
  }

  size(): number {
    return this.file.size();
  }

  append(data: Uint8Array): Promise<void> {
    return this.file.append(data);
  }

  async sync(): Promise<void> {
    const start = process.hrtime.bigint();
    try {
      await this.file.sync();
      this.observe(Number(process.hrtime.bigint() - start) / 1e9, true);
    } catch (error) {
      this.observe(Number(process.hrtime.bigint() - start) / 1e9, false);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

export class TimedFileSystem extends ForwardingFileSystem {
  constructor(
    inner: FileSystem,
    private readonly observe: SyncObserver,
  ) {
    super(inner);
  }

  override async openAppend(path: string): Promise<WritableFile> {
    const file = await this.inner.openAppend(path);
    return path.endsWith(SEGMENT_SUFFIX) ? new TimedWritableFile(file, this.observe) : file;
  }
}
