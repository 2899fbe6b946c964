/**
 * An in-memory FileSystem that models what survives a power cut, for crash tests.
 *
 * Durability model (the pessimistic reading of POSIX that ext4/xfs may exhibit):
 * - File contents: bytes up to the last `sync()` are durable; later appends are not.
 * - Names: a create, rename or unlink is durable only after `syncDir` of its directory.
 * `crash()` returns a NEW file system holding only durable state (optionally keeping a random
 * prefix of each file's unsynced bytes, as a real disk may) and kills this one: every later call
 * on it or on its open handles rejects with EIO, so a still-running engine cannot scribble on the
 * "rebooted" disk. Single-threaded: no locking needed.
 */
import * as nodePath from 'node:path';
import type { FileSystem, ReadableFile, WritableFile } from './file-system';

interface Inode {
  data: Buffer;
  length: number;
  synced: number;
  /** Set by createExclusive and touch (the directory lock's lease); 0 otherwise. */
  modifiedAt?: number;
}

export interface MemoryFileSystemOptions {
  /** Appends past this many bytes in total fail with ENOSPC. */
  capacityBytes?: number;
  /**
   * Complete every operation on a later macrotask (setImmediate) instead of at once, so I/O
   * interleaves with other work as on a real disk and a crash can land mid-operation.
   */
  asyncIo?: boolean;
}

export interface CrashOptions {
  /** Keep a random prefix of each file's unsynced bytes instead of dropping them all. */
  keepRandomUnsyncedPrefix?: boolean;
  /** Random source in [0, 1); tests pass a seeded one so failures reproduce. */
  random?: () => number;
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  const err = new Error(`${code}: ${message}`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, Inode>();
  /** Per directory: the name → inode binding a crash would leave. */
  private readonly durableNames = new Map<string, Map<string, Inode>>();
  private readonly dirs = new Set<string>();
  private dead = false;
  private readonly capacityBytes: number;
  private readonly asyncIo: boolean;

  constructor(options: MemoryFileSystemOptions = {}) {
    this.capacityBytes = options.capacityBytes ?? Number.MAX_SAFE_INTEGER;
    this.asyncIo = options.asyncIo ?? false;
  }

  /** Checks liveness; with `asyncIo`, first waits a macrotask (and checks again after). */
  private check(): void | Promise<void> {
    if (this.dead) throw fsError('EIO', 'file system crashed');
    if (!this.asyncIo) return;
    return new Promise<void>((resolve, reject) =>
      setImmediate(() => (this.dead ? reject(fsError('EIO', 'file system crashed')) : resolve())),
    );
  }

  private norm(path: string): string {
    return nodePath.resolve(path);
  }

  /** The file at a normalised path, or ENOENT. */
  private existing(p: string): Inode {
    const inode = this.files.get(p);
    if (!inode) throw fsError('ENOENT', `no such file ${p}`);
    return inode;
  }

  private parentOf(path: string): string {
    return nodePath.dirname(path);
  }

  private usedBytes(): number {
    let total = 0;
    for (const inode of new Set(this.files.values())) total += inode.length;
    return total;
  }

  async mkdir(dir: string): Promise<void> {
    await this.check();
    let d = this.norm(dir);
    // Directories are durable at once: the engine never depends on mkdir ordering.
    while (!this.dirs.has(d)) {
      this.dirs.add(d);
      const parent = this.parentOf(d);
      if (parent === d) break;
      d = parent;
    }
  }

  async readdir(dir: string): Promise<string[]> {
    await this.check();
    const d = this.norm(dir);
    if (!this.dirs.has(d)) throw fsError('ENOENT', `no such directory ${d}`);
    const names: string[] = [];
    for (const path of this.files.keys()) if (this.parentOf(path) === d) names.push(nodePath.basename(path));
    return names.sort();
  }

  async exists(path: string): Promise<boolean> {
    await this.check();
    const p = this.norm(path);
    return this.files.has(p) || this.dirs.has(p);
  }

  async openAppend(path: string): Promise<WritableFile> {
    await this.check();
    const p = this.norm(path);
    if (!this.dirs.has(this.parentOf(p))) throw fsError('ENOENT', `no such directory for ${p}`);
    let inode = this.files.get(p);
    if (!inode) {
      inode = { data: Buffer.alloc(0), length: 0, synced: 0 };
      this.files.set(p, inode);
    }
    return new MemoryWritableFile(this, p, inode);
  }

  async createExclusive(path: string, data: Uint8Array): Promise<void> {
    await this.check();
    const p = this.norm(path);
    if (!this.dirs.has(this.parentOf(p))) throw fsError('ENOENT', `no such directory for ${p}`);
    if (this.files.has(p)) throw fsError('EEXIST', `file exists: ${p}`);
    this.files.set(p, { data: Buffer.from(data), length: data.length, synced: 0, modifiedAt: Date.now() });
  }

  async touch(path: string): Promise<void> {
    await this.check();
    const inode = this.existing(this.norm(path));
    inode.modifiedAt = Date.now();
  }

  async modifiedAt(path: string): Promise<number> {
    await this.check();
    const inode = this.existing(this.norm(path));
    return inode.modifiedAt ?? 0;
  }

  async openRead(path: string): Promise<ReadableFile> {
    await this.check();
    const p = this.norm(path);
    const inode = this.existing(p);
    return new MemoryReadableFile(this, p, inode);
  }

  async readFile(path: string): Promise<Buffer> {
    await this.check();
    const inode = this.existing(this.norm(path));
    return Buffer.from(inode.data.subarray(0, inode.length));
  }

  async rename(from: string, to: string): Promise<void> {
    await this.check();
    const f = this.norm(from);
    const inode = this.existing(f);
    this.files.delete(f);
    this.files.set(this.norm(to), inode);
  }

  async unlink(path: string): Promise<void> {
    await this.check();
    const p = this.norm(path);
    if (!this.files.delete(p)) throw fsError('ENOENT', `no such file ${p}`);
  }

  async removeTree(dir: string): Promise<void> {
    await this.check();
    const d = this.norm(dir);
    const under = (p: string) => p === d || p.startsWith(d + nodePath.sep);
    for (const p of [...this.files.keys()]) if (under(p)) this.files.delete(p);
    for (const p of [...this.dirs]) if (under(p)) this.dirs.delete(p);
    for (const p of [...this.durableNames.keys()]) if (under(p)) this.durableNames.delete(p);
  }

  async syncDir(dir: string): Promise<void> {
    await this.check();
    const d = this.norm(dir);
    const names = new Map<string, Inode>();
    for (const [path, inode] of this.files)
      if (this.parentOf(path) === d) names.set(nodePath.basename(path), inode);
    this.durableNames.set(d, names);
  }

  async freeBytes(): Promise<bigint> {
    await this.check();
    return BigInt(Math.max(0, this.capacityBytes - this.usedBytes()));
  }

  /** @internal used by handles */
  async appendTo(inode: Inode, data: Uint8Array): Promise<void> {
    await this.check();
    if (this.capacityBytes !== Number.MAX_SAFE_INTEGER && this.usedBytes() + data.length > this.capacityBytes)
      throw fsError('ENOSPC', 'no space left on device');
    const needed = inode.length + data.length;
    if (needed > inode.data.length) {
      const grown = Buffer.alloc(Math.max(needed, inode.data.length * 2, 4096));
      inode.data.copy(grown, 0, 0, inode.length);
      inode.data = grown;
    }
    inode.data.set(data, inode.length);
    inode.length = needed;
  }

  /** @internal used by handles */
  async assertAlive(): Promise<void> {
    await this.check();
  }

  /** Test helper: overwrite bytes in place (simulates bit rot; not a durability event). */
  patch(path: string, offset: number, bytes: Uint8Array): void {
    const inode = this.existing(this.norm(path));
    if (offset + bytes.length > inode.length) throw fsError('EINVAL', 'patch past end of file');
    inode.data.set(bytes, offset);
  }

  /** Test helper: the current length of a file (including unsynced bytes). */
  fileLength(path: string): number {
    const inode = this.existing(this.norm(path));
    return inode.length;
  }

  /** Simulates a power cut: returns the disk as it would be after reboot; kills this instance. */
  crash(options: CrashOptions = {}): MemoryFileSystem {
    const random = options.random ?? Math.random;
    const next = new MemoryFileSystem({ capacityBytes: this.capacityBytes, asyncIo: this.asyncIo });
    for (const d of this.dirs) next.dirs.add(d);
    const copies = new Map<Inode, Inode>();
    for (const [dir, names] of this.durableNames) {
      const durable = new Map<string, Inode>();
      for (const [name, inode] of names) {
        let copy = copies.get(inode);
        if (!copy) {
          let keep = inode.synced;
          if (options.keepRandomUnsyncedPrefix && inode.length > inode.synced) {
            keep += Math.floor(random() * (inode.length - inode.synced + 1));
          }
          copy = { data: Buffer.from(inode.data.subarray(0, keep)), length: keep, synced: keep };
          copies.set(inode, copy);
        }
        durable.set(name, copy);
        next.files.set(nodePath.join(dir, name), copy);
      }
      next.durableNames.set(dir, durable);
    }
    this.dead = true;
    return next;
  }
}

class MemoryWritableFile implements WritableFile {
  private closed = false;

  constructor(
    private readonly owner: MemoryFileSystem,
    readonly path: string,
    private readonly inode: Inode,
  ) {}

  size(): number {
    return this.inode.length;
  }

  async append(data: Uint8Array): Promise<void> {
    if (this.closed) throw fsError('EBADF', `${this.path} is closed`);
    await this.owner.appendTo(this.inode, data);
  }

  async sync(): Promise<void> {
    if (this.closed) throw fsError('EBADF', `${this.path} is closed`);
    // fsync covers what was written before the call, not what lands while it runs.
    const upTo = this.inode.length;
    await this.owner.assertAlive();
    this.inode.synced = Math.max(this.inode.synced, upTo);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

class MemoryReadableFile implements ReadableFile {
  private closed = false;

  constructor(
    private readonly owner: MemoryFileSystem,
    readonly path: string,
    private readonly inode: Inode,
  ) {}

  size(): number {
    return this.inode.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (this.closed) throw fsError('EBADF', `${this.path} is closed`);
    await this.owner.assertAlive();
    const end = Math.min(offset + length, this.inode.length);
    if (end <= offset) return Buffer.alloc(0);
    return Buffer.from(this.inode.data.subarray(offset, end));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
