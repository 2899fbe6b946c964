/**
 * A FileSystem that passes every call to another one. Decorators (timing, read counting, fault
 * injection in tests) extend it and override only the calls they observe or change.
 * `localDisk` is forwarded too, so the table worker writes tables directly, bypassing the
 * decorator: one that must see or change table-file I/O overrides it to return false.
 */
import type { FileSystem, ReadableFile, WritableFile } from './file-system';

export class ForwardingFileSystem implements FileSystem {
  constructor(protected readonly inner: FileSystem) {}

  get localDisk(): boolean {
    return this.inner.localDisk === true;
  }

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
  createExclusive(path: string, data: Uint8Array): Promise<void> {
    return this.inner.createExclusive(path, data);
  }
  openRead(path: string): Promise<ReadableFile> {
    return this.inner.openRead(path);
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
  touch(path: string): Promise<void> {
    return this.inner.touch(path);
  }
  modifiedAt(path: string): Promise<number> {
    return this.inner.modifiedAt(path);
  }
  freeBytes(path: string): Promise<bigint> {
    return this.inner.freeBytes(path);
  }
}
