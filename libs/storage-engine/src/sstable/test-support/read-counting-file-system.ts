/**
 * A FileSystem decorator for SSTable tests that records every positional read, so a test can
 * assert which byte ranges an operation touched (for example: a bloom-filtered get reads none).
 */
import type { FileSystem, ReadableFile, WritableFile } from '../../fs/file-system';

export interface RecordedRead {
  path: string;
  offset: number;
  length: number;
}

export class ReadCountingFileSystem implements FileSystem {
  readonly reads: RecordedRead[] = [];

  constructor(private readonly inner: FileSystem) {}

  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
  readdir(dir: string): Promise<string[]> {
    return this.inner.readdir(dir);
  }
  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  openAppend(path: string): Promise<WritableFile> {
    return this.inner.openAppend(path);
  }
  async openRead(path: string): Promise<ReadableFile> {
    const file = await this.inner.openRead(path);
    const reads = this.reads;
    return {
      path: file.path,
      size: () => file.size(),
      read: (offset: number, length: number) => {
        reads.push({ path, offset, length });
        return file.read(offset, length);
      },
      close: () => file.close(),
    };
  }
  readFile(path: string): Promise<Buffer> {
    return this.inner.readFile(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  unlink(path: string): Promise<void> {
    return this.inner.unlink(path);
  }
  removeTree(dir: string): Promise<void> {
    return this.inner.removeTree(dir);
  }
  syncDir(dir: string): Promise<void> {
    return this.inner.syncDir(dir);
  }
  freeBytes(path: string): Promise<bigint> {
    return this.inner.freeBytes(path);
  }
}
