/**
 * The engine's only window onto storage. Every byte the engine reads or writes goes through a
 * `FileSystem`, so tests can swap in an in-memory one or a fault-injecting one (failed fsync,
 * torn write, full disk) and simulate crashes without killing a process.
 *
 * Contract:
 * - Paths are absolute or relative to the process cwd; the engine joins them with `node:path`.
 * - `FileHandle.append` writes at the current end of the file; bytes are durable only after
 *   `sync()` resolves. A crash may keep any prefix of unsynced appends (never reordered bytes).
 * - `rename` is atomic and replaces the target; `syncDir` makes renames/creates/deletes in a
 *   directory durable.
 * - Errors are rejected promises carrying a Node-style `code` (`ENOENT`, `ENOSPC`, `EIO`, ...).
 */
export interface FileSystem {
  /**
   * True when paths name files on this machine's disk that another thread may open with
   * `node:fs` directly (the table worker does). Decorators that must see table-file I/O
   * report false; absent means false.
   */
  readonly localDisk?: boolean;
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  /** Opens for appending, creating the file if missing. */
  openAppend(path: string): Promise<WritableFile>;
  /**
   * Creates `path` holding `data`, atomically failing with EEXIST when it already exists (the
   * directory lock's primitive). Readers never see the file without its data. Not synced.
   */
  createExclusive(path: string, data: Uint8Array): Promise<void>;
  /** Opens an existing file for positional reads. */
  openRead(path: string): Promise<ReadableFile>;
  /** Reads a whole file (small files: manifests, ids). */
  readFile(path: string): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Removes a directory tree; missing is not an error. */
  removeTree(dir: string): Promise<void>;
  syncDir(dir: string): Promise<void>;
  /** Bytes free on the device holding `path` (for disk-pressure checks). */
  freeBytes(path: string): Promise<bigint>;
  /** Sets the file's modification time to now (the directory lock's lease heartbeat). */
  touch(path: string): Promise<void>;
  /** The file's modification time, ms since the epoch; ENOENT when it does not exist. */
  modifiedAt(path: string): Promise<number>;
}

export interface WritableFile {
  readonly path: string;
  /** Current size in bytes, including unsynced appends. */
  size(): number;
  append(data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface ReadableFile {
  readonly path: string;
  size(): number;
  /** Reads exactly `length` bytes at `offset`, or fewer only at end of file. */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}
