/**
 * A FileSystem decorator that injects the failures real disks produce, for fault tests:
 * a failed or torn append (a prefix of the bytes lands, then EIO), a failed fsync, a failed
 * open/rename/unlink, and a full disk (ENOSPC once a byte budget is spent).
 *
 * Contract: faults are armed with `inject()` and fire on matching operations in call order;
 * each fault fires `times` times (default once) after skipping `after` matches (default 0).
 * Everything else passes through to the wrapped FileSystem unchanged. Single-threaded.
 */
import type { FileSystem, ReadableFile, WritableFile } from './file-system';
import { ForwardingFileSystem } from './forwarding-file-system';

export type FaultOp =
  'append' | 'sync' | 'openAppend' | 'openRead' | 'read' | 'rename' | 'unlink' | 'syncDir';

export interface Fault {
  op: FaultOp;
  /** Only operations on paths for which this returns true (default: all). */
  match?: (path: string) => boolean;
  /** Skip this many matching operations before firing. */
  after?: number;
  /** How many times to fire (default 1; Infinity for a persistent fault). */
  times?: number;
  /** Error code to raise (default EIO). */
  code?: string;
  /** For appends: write this many leading bytes (clamped to the data) before failing. */
  tornBytes?: number;
}

interface ArmedFault extends Fault {
  skipped: number;
  fired: number;
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  const err = new Error(`${code}: ${message}`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

export class FaultInjectingFileSystem extends ForwardingFileSystem {
  private faults: ArmedFault[] = [];
  private spaceLeft = Number.POSITIVE_INFINITY;
  /** Count of faults that fired, for tests to assert the fault was actually exercised. */
  firedCount = 0;

  constructor(override readonly inner: FileSystem) {
    super(inner);
  }

  /** Table files must go through the faults too, so the table worker never bypasses them. */
  override get localDisk(): boolean {
    return false;
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, skipped: 0, fired: 0 });
  }

  clearFaults(): void {
    this.faults = [];
    this.spaceLeft = Number.POSITIVE_INFINITY;
  }

  /** After `bytes` more appended bytes, appends write what fits and fail with ENOSPC. */
  setSpaceBudget(bytes: number): void {
    this.spaceLeft = bytes;
  }

  /** Returns the fault to fire for this operation, if any. */
  private take(op: FaultOp, path: string): ArmedFault | undefined {
    for (const f of this.faults) {
      if (f.op !== op || (f.match && !f.match(path))) continue;
      if (f.fired >= (f.times ?? 1)) continue;
      if (f.skipped < (f.after ?? 0)) {
        f.skipped++;
        continue;
      }
      f.fired++;
      this.firedCount++;
      return f;
    }
    return undefined;
  }

  private maybeFail(op: FaultOp, path: string): void {
    const f = this.take(op, path);
    if (f) throw fsError(f.code ?? 'EIO', `injected ${op} failure on ${path}`);
  }

  /** @internal used by handles */
  async appendThrough(file: WritableFile, data: Uint8Array): Promise<void> {
    const f = this.take('append', file.path);
    if (f) {
      const torn = Math.min(f.tornBytes ?? 0, data.length);
      if (torn > 0) await file.append(data.subarray(0, torn));
      throw fsError(f.code ?? 'EIO', `injected append failure on ${file.path} after ${torn} bytes`);
    }
    if (data.length > this.spaceLeft) {
      const fits = Math.max(0, Math.floor(this.spaceLeft));
      if (fits > 0) await file.append(data.subarray(0, fits));
      this.spaceLeft = 0;
      this.firedCount++;
      throw fsError('ENOSPC', `no space left on device writing ${file.path}`);
    }
    this.spaceLeft -= data.length;
    await file.append(data);
  }

  /** @internal used by handles */
  async syncThrough(file: WritableFile): Promise<void> {
    this.maybeFail('sync', file.path);
    await file.sync();
  }

  /** @internal used by handles */
  async readThrough(file: ReadableFile, offset: number, length: number): Promise<Buffer> {
    this.maybeFail('read', file.path);
    return file.read(offset, length);
  }

  override async openAppend(path: string): Promise<WritableFile> {
    this.maybeFail('openAppend', path);
    return new FaultyWritableFile(this, await this.inner.openAppend(path));
  }

  override async createExclusive(path: string, data: Uint8Array): Promise<void> {
    this.maybeFail('openAppend', path);
    await this.inner.createExclusive(path, data);
  }

  override async openRead(path: string): Promise<ReadableFile> {
    this.maybeFail('openRead', path);
    return new FaultyReadableFile(this, await this.inner.openRead(path));
  }

  override async rename(from: string, to: string): Promise<void> {
    this.maybeFail('rename', from);
    await this.inner.rename(from, to);
  }

  override async unlink(path: string): Promise<void> {
    this.maybeFail('unlink', path);
    await this.inner.unlink(path);
  }

  override async syncDir(dir: string): Promise<void> {
    this.maybeFail('syncDir', dir);
    await this.inner.syncDir(dir);
  }
}

class FaultyWritableFile implements WritableFile {
  constructor(
    private readonly owner: FaultInjectingFileSystem,
    private readonly file: WritableFile,
  ) {}

  get path(): string {
    return this.file.path;
  }

  size(): number {
    return this.file.size();
  }

  append(data: Uint8Array): Promise<void> {
    return this.owner.appendThrough(this.file, data);
  }

  sync(): Promise<void> {
    return this.owner.syncThrough(this.file);
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

class FaultyReadableFile implements ReadableFile {
  constructor(
    private readonly owner: FaultInjectingFileSystem,
    private readonly file: ReadableFile,
  ) {}

  get path(): string {
    return this.file.path;
  }

  size(): number {
    return this.file.size();
  }

  read(offset: number, length: number): Promise<Buffer> {
    return this.owner.readThrough(this.file, offset, length);
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
