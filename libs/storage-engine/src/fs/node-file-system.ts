/**
 * The production FileSystem over `node:fs/promises`.
 *
 * Contract: as `file-system.ts`. A WritableFile tracks its size itself (appends are serialized
 * by the caller, so no fstat per append). `sync()` is fsync, not fdatasync: a new segment's size
 * is metadata the next boot needs. `syncDir` fsyncs the directory so creates, renames and
 * unlinks survive power loss; platforms that cannot open a directory for fsync skip it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FileSystem, ReadableFile, WritableFile } from './file-system';

class NodeWritableFile implements WritableFile {
  private length: number;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    initialSize: number,
  ) {
    this.length = initialSize;
  }

  size(): number {
    return this.length;
  }

  async append(data: Uint8Array): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(data, written, data.length - written, null);
      written += bytesWritten;
      this.length += bytesWritten;
    }
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export interface NodeFileSystemOptions {
  /** Serve positional reads with synchronous pread (see the file comment for the trade-off). */
  syncReads: boolean;
}

const DEFAULT_NODE_FS_OPTIONS: NodeFileSystemOptions = {
  syncReads: true,
};

class NodeReadableFile implements ReadableFile {
  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly length: number,
    private readonly syncReads: boolean,
  ) {}

  size(): number {
    return this.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const end = Math.min(offset + length, this.length);
    if (end <= offset) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(end - offset);
    let done = 0;
    while (done < buf.length) {
      const bytesRead = this.syncReads
        ? readSync(this.handle.fd, buf, done, buf.length - done, offset + done)
        : (await this.handle.read(buf, done, buf.length - done, offset + done)).bytesRead;
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === buf.length ? buf : buf.subarray(0, done);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export class NodeFileSystem implements FileSystem {
  readonly localDisk = true;
  private readonly options: NodeFileSystemOptions;

  constructor(options: Partial<NodeFileSystemOptions> = {}) {
    this.options = { ...DEFAULT_NODE_FS_OPTIONS, ...options };
  }

  async mkdir(dir: string): Promise<void> {
    await fsp.mkdir(dir, { recursive: true });
  }

  readdir(dir: string): Promise<string[]> {
    return fsp.readdir(dir);
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fsp.stat(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async openAppend(path: string): Promise<WritableFile> {
    const handle = await fsp.open(path, 'a');
    try {
      const { size } = await handle.stat();
      return new NodeWritableFile(path, handle, size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async touch(path: string): Promise<void> {
    const now = new Date();
    await fsp.utimes(path, now, now);
  }

  async modifiedAt(path: string): Promise<number> {
    return (await fsp.stat(path)).mtimeMs;
  }

  async createExclusive(path: string, data: Uint8Array): Promise<void> {
    // Written under a private name, then linked into place: link(2) fails with EEXIST when the
    // name is taken, and the file appears with its content (open(O_EXCL) + write would show an
    // empty file to a reader in between). File systems without hard links get O_EXCL.
    const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fsp.writeFile(temp, data, { flag: 'wx' });
      await fsp.link(temp, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
      await fsp.writeFile(path, data, { flag: 'wx' });
    } finally {
      await fsp.unlink(temp).catch(() => undefined);
    }
  }

  async openRead(path: string): Promise<ReadableFile> {
    const handle = await fsp.open(path, 'r');
    try {
      const { size } = await handle.stat();
      return new NodeReadableFile(path, handle, size, this.options.syncReads);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  readFile(path: string): Promise<Buffer> {
    return fsp.readFile(path);
  }

  rename(from: string, to: string): Promise<void> {
    return fsp.rename(from, to);
  }

  unlink(path: string): Promise<void> {
    return fsp.unlink(path);
  }

  removeTree(dir: string): Promise<void> {
    return fsp.rm(dir, { recursive: true, force: true });
  }

  async syncDir(dir: string): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      handle = await fsp.open(dir, 'r');
      await handle.sync();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Some platforms refuse fsync on directories; there is nothing more durable we can do.
      if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
    } finally {
      await handle?.close();
    }
  }

  async freeBytes(path: string): Promise<bigint> {
    const st = await fsp.statfs(path, { bigint: true });
    return st.bavail * st.bsize;
  }
}
