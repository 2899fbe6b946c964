/**
 * One engine per directory: a `LOCK` file naming its holder, created with O_EXCL.
 *
 * Contract:
 * - `acquireDirectoryLock` fails with EngineError('LOCKED') while another engine holds the
 *   directory: in this process (checked synchronously, before any I/O, so two concurrent opens
 *   cannot both pass) or in another live process. `release()` removes the file.
 * - A lock left behind by a process that died (SIGKILL, power cut) does not block: the file
 *   names the holder's pid and, on Linux, its start time, so a dead holder or a pid reused by an
 *   unrelated process is recognised and the stale file replaced. A lock naming this process's
 *   own pid that this process does not hold (a restarted container reusing the pid, or a
 *   simulated power cut in tests) is stale too.
 * - Limits: two processes that find the same stale lock at the same instant may both take it
 *   over (the replace is unlink + O_EXCL create, not one atomic step); and a lock file on a
 *   directory shared between machines cannot be checked for liveness.
 */
import { readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { EngineError, toEngineError } from '../errors';
import { LOCK_FILE } from '../file-names';
import type { FileSystem } from '../fs/file-system';

export interface DirectoryLock {
  release(): Promise<void>;
}

/** Directories held in this process: by path for the real disk, per instance otherwise. */
const heldOnDisk = new Set<string>();
const heldInMemory = new WeakMap<FileSystem, Set<string>>();

function heldSet(fs: FileSystem): Set<string> {
  if (fs.localDisk === true) return heldOnDisk;
  let set = heldInMemory.get(fs);
  if (!set) heldInMemory.set(fs, (set = new Set()));
  return set;
}

export interface LockHolder {
  pid: number;
  /** Process start time in clock ticks since boot (Linux /proc), or undefined elsewhere. */
  startTime?: string;
}

export function encodeLockHolder(h: LockHolder): string {
  return `pid ${h.pid}${h.startTime ? ` start ${h.startTime}` : ''}\n`;
}

/** Undefined unless the whole line is there: a crash may leave any prefix of the file. */
export function decodeLockHolder(text: string): LockHolder | undefined {
  const m = /^pid (\d+)(?: start (\d+))?\n$/.exec(text);
  return m ? { pid: Number(m[1]), startTime: m[2] } : undefined;
}

/** Field 22 of /proc/<pid>/stat, or undefined where there is no /proc. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields follow the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `h` may still be running (unknown counts as alive). */
export function holderAlive(h: LockHolder): boolean {
  if (h.pid === process.pid) return false; // this process does not hold it (checked before)
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else, which is still a live process.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (h.startTime === undefined) return true;
  const now = processStartTime(h.pid);
  return now === undefined || now === h.startTime;
}

export async function acquireDirectoryLock(fs: FileSystem, dir: string): Promise<DirectoryLock> {
  const key = nodePath.resolve(dir);
  const held = heldSet(fs);
  if (held.has(key)) throw new EngineError('LOCKED', `${dir} is already open in this process`);
  held.add(key);
  const path = nodePath.join(dir, LOCK_FILE);
  try {
    const me = encodeLockHolder({ pid: process.pid, startTime: processStartTime(process.pid) });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.createExclusive(path, Buffer.from(me));
        return {
          release: async () => {
            try {
              await fs.unlink(path);
            } catch {
              // A leftover file naming this (soon dead) process is stale for the next opener.
            } finally {
              held.delete(key);
            }
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw toEngineError(err, `creating ${path}`);
      }
      let text: string;
      try {
        text = (await fs.readFile(path)).toString('utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
        throw toEngineError(err, `reading ${path}`);
      }
      const holder = decodeLockHolder(text);
      if (!holder && attempt === 0) {
        // Possibly another opener between its create and its write: look again shortly.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (holder && holderAlive(holder)) {
        throw new EngineError('LOCKED', `${dir} is in use by process ${holder.pid} (${path})`);
      }
      // Stale (dead holder, or unreadable content from a crash mid-create): replace it.
      await fs.unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw toEngineError(err, `removing stale ${path}`);
      });
    }
    throw new EngineError('LOCKED', `${dir}: could not take over the lock file ${path}`);
  } catch (err) {
    held.delete(key);
    throw err;
  }
}
