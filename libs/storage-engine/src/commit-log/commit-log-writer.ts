/**
 * Appends records to commit-log segments with group commit.
 *
 * Contract:
 * - `append` enqueues synchronously, so records reach the log in call order. Its promise
 *   resolves once the record is on disk: after fsync in `batch` mode, after write(2) in
 *   `periodic` mode (a timer fsyncs every `syncPeriodMs`).
 * - Group commit: one write + one fsync is in flight at a time; everything appended meanwhile
 *   waits and shares the next one, so N concurrent writers cost ~1 fsync, not N.
 * - `rotate(n)` makes later appends go to segment `n` (earlier queued ones still land in the
 *   old segment, which is fsynced and closed before `n` is created).
 * - Any I/O failure is sticky: the pending and all later appends reject with the same
 *   EngineError. After a failed fsync the page cache state is unknowable, so the only safe
 *   continuation is reopening (and replaying what is really on disk).
 */
import * as nodePath from 'node:path';
import { EngineError, toEngineError } from '../errors';
import type { FileSystem, WritableFile } from '../fs/file-system';
import type { SyncMode } from '../options';
import { SEGMENT_HEADER_BYTES } from './commit-log-format';
import { encodeSegmentHeader } from './commit-log-record';
import { segmentFileName } from '../file-names';

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Group {
  segment: bigint;
  bufs: Buffer[];
  bytes: number;
  waiters: Waiter[];
  forceSync: boolean;
}

export interface CommitLogWriterOptions {
  syncMode: SyncMode;
  syncPeriodMs: number;
  segmentBytes: number;
  /** Supplies the number for a size-triggered new segment (shared file-number space). */
  allocateSegmentNumber: () => bigint;
}

export interface CommitLogStats {
  appends: number;
  groupCommits: number;
  fsyncs: number;
  bytesWritten: number;
  currentSegment: bigint;
}

export class CommitLogWriter {
  private readonly queue: Group[] = [];
  private file: WritableFile | undefined;
  private openSegment: bigint | undefined;
  private pumping = false;
  private failure: EngineError | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private segment: bigint;
  private segmentBytes = SEGMENT_HEADER_BYTES;
  private readonly counters = { appends: 0, groupCommits: 0, fsyncs: 0, bytesWritten: 0 };

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    firstSegment: bigint,
    private readonly options: CommitLogWriterOptions,
  ) {
    this.segment = firstSegment;
    if (options.syncMode === 'periodic') {
      this.timer = setInterval(() => {
        this.sync().catch(() => undefined); // failure is sticky and surfaces on the next append
      }, options.syncPeriodMs);
      this.timer.unref();
    }
  }

  get currentSegment(): bigint {
    return this.segment;
  }

  get failed(): EngineError | undefined {
    return this.failure;
  }

  stats(): CommitLogStats {
    return { ...this.counters, currentSegment: this.segment };
  }

  append(record: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new EngineError('CLOSED', 'commit log is closed'));
    if (this.segmentBytes > SEGMENT_HEADER_BYTES && this.segmentBytes + record.length > this.options.segmentBytes) {
      this.rotate(this.options.allocateSegmentNumber());
    }
    this.segmentBytes += record.length;
    this.counters.appends++;
    return new Promise<void>((resolve, reject) => {
      const g = this.groupFor(false);
      g.bufs.push(record);
      g.bytes += record.length;
      g.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  /** Resolves when everything appended so far is fsynced. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      const g = this.groupFor(true);
      g.forceSync = true;
      g.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  rotate(segment: bigint): void {
    this.segment = segment;
    this.segmentBytes = SEGMENT_HEADER_BYTES;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    try {
      if (!this.failure) await this.sync();
    } finally {
      this.closed = true;
      const f = this.file;
      this.file = undefined;
      await f?.close().catch(() => undefined);
    }
  }

  private groupFor(forceSync: boolean): Group {
    const last = this.queue[this.queue.length - 1];
    if (last && last.segment === this.segment) return last;
    const g: Group = { segment: this.segment, bufs: [], bytes: 0, waiters: [], forceSync };
    this.queue.push(g);
    return g;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.failure) {
        const g = this.queue.shift();
        if (!g) break;
        try {
          await this.writeGroup(g);
        } catch (err) {
          this.failure = toEngineError(err, 'commit log write');
          for (const w of g.waiters) w.reject(this.failure);
        }
      }
      if (this.failure) {
        for (const g of this.queue.splice(0)) for (const w of g.waiters) w.reject(this.failure);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async writeGroup(g: Group): Promise<void> {
    if (this.openSegment !== g.segment || !this.file) await this.switchTo(g.segment);
    const file = this.file;
    if (!file) throw new Error('commit-log segment not open');
    if (g.bytes > 0) {
      await file.append(g.bufs.length === 1 ? g.bufs[0] : Buffer.concat(g.bufs, g.bytes));
      this.counters.bytesWritten += g.bytes;
    }
    if (this.options.syncMode === 'batch' || g.forceSync) {
      await file.sync();
      this.counters.fsyncs++;
    }
    this.counters.groupCommits++;
    for (const w of g.waiters) w.resolve();
  }

  private async switchTo(segment: bigint): Promise<void> {
    if (this.file) {
      await this.file.sync();
      this.counters.fsyncs++;
      await this.file.close();
      this.file = undefined;
    }
    const path = nodePath.join(this.dir, segmentFileName(segment));
    const file = await this.fs.openAppend(path);
    this.file = file;
    this.openSegment = segment;
    await file.append(encodeSegmentHeader(segment));
    await file.sync();
    // The segment's name must be durable before any record in it is acknowledged.
    await this.fs.syncDir(this.dir);
  }
}
