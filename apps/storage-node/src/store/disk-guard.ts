/**
 * Disk pressure (SYSTEM.md §10 operations): below `minFreeBytes` of free space, or once the
 * engine reported ENOSPC, writes are refused with DISK_FULL while reads keep working. Free space
 * is checked every `intervalMs` (statfs through the engine's file system); when it is back above
 * the floor the guard clears and `onRecovered` runs (the store reopens a read-only engine).
 *
 * Single-threaded: state changes on the event loop only; `check` calls never overlap.
 */
import { StoreError } from './store-error';

export interface DiskGuardOptions {
  dir: string;
  minFreeBytes: bigint;
  intervalMs: number;
  freeBytes: (dir: string) => Promise<bigint>;
  /** Called after a check found space again (or found it fine while the engine needs reopening). */
  onCheck?: (state: { full: boolean }) => Promise<void> | void;
  onChange?: (state: { full: boolean; freeBytes: bigint | undefined; reason: string }) => void;
}

export class DiskGuard {
  private fullReason: string | undefined;
  private lastFree: bigint | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly options: DiskGuardOptions) {}

  get full(): boolean {
    return this.fullReason !== undefined;
  }

  /** Free bytes at the last check (undefined before the first). */
  get freeBytes(): bigint | undefined {
    return this.lastFree;
  }

  get minFreeBytes(): bigint {
    return this.options.minFreeBytes;
  }

  /** Throws DISK_FULL while writes are refused. The hot path: no I/O. */
  assertWritable(): void {
    if (this.fullReason !== undefined) throw new StoreError('DISK_FULL', this.fullReason);
  }

  /** The engine hit ENOSPC: refuse writes until a check finds space above the floor. */
  markFull(detail: string): void {
    this.setFull(`disk full: ${detail}`);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check().catch(() => undefined), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads free space now and updates the state. Concurrent callers share one check. */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    const free = await this.options.freeBytes(this.options.dir);
    this.lastFree = free;
    if (free < this.options.minFreeBytes) {
      this.setFull(`free disk space ${free} bytes is below the floor of ${this.options.minFreeBytes} bytes (RINGKV_MIN_FREE_DISK_BYTES)`);
    } else if (this.fullReason !== undefined) {
      this.fullReason = undefined;
      this.options.onChange?.({ full: false, freeBytes: free, reason: `free disk space ${free} bytes is above the floor again` });
    }
    await this.options.onCheck?.({ full: this.full });
  }

  private setFull(reason: string): void {
    const changed = this.fullReason === undefined;
    this.fullReason = reason;
    if (changed) this.options.onChange?.({ full: true, freeBytes: this.lastFree, reason });
  }
}
