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
 * - Replacing a stale lock is serialised by a second file, `LOCK.takeover` (O_EXCL): only its
 *   holder removes LOCK, and only if LOCK still holds the very text that was judged stale. Any
 *   other opener then finds either no LOCK (and races for it with O_EXCL, which one wins) or the
 *   winner's live lock. So two processes that find the same stale lock together never both
 *   hold the directory.
 * - A holder in another PID namespace (another container on the same volume) cannot be looked
 *   up by pid. Every holder therefore also keeps a lease: it touches LOCK every `refreshMs`, and
 *   a holder from another namespace counts as alive while LOCK's modification time keeps
 *   moving. An opener waits up to `leaseMs` to see that; a lock that stayed untouched that long
 *   is stale (a container restarted after a crash gets its directory back within `leaseMs`).
 * - Limits: a takeover file left by a process that died in the middle of a takeover is itself
 *   replaced the simple way (unlink), so two processes that both find *that* at the same instant
 *   could still both get in; a holder whose event loop stalls for longer than `leaseMs` looks
 *   dead to another namespace; and a lock file on a directory shared between machines is
 *   judged by its lease only if the holder's line names another namespace.
 */
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as nodePath from 'node:path';
import { EngineError, toEngineError } from '../errors';
import { LOCK_FILE, LOCK_TAKEOVER_FILE } from '../file-names';
import type { FileSystem } from '../fs/file-system';

export interface DirectoryLock {
  /** Stops the lease and removes LOCK, if it still names this holder. */
  release(): Promise<void>;
  /** Why this holder can no longer count on the directory (LOCK replaced or not renewable). */
  lost(): Error | undefined;
}

/**
 * The directory's identity in this process: on the real disk its device and inode, so another
 * spelling of a directory already open (a symlink, a `..` detour, a bind mount, another letter
 * case) is recognised; the LOCK file inside names this very process, which would otherwise
 * look stale.
 */
function directoryKey(fs: FileSystem, dir: string): string {
  if (fs.localDisk !== true) return nodePath.resolve(dir);
  try {
    const st = statSync(dir, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return nodePath.resolve(dir);
  }
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

/** A holder touches LOCK this often; see the lease in the contract above. */
export const LOCK_REFRESH_MS = 1_000;
/** A holder in another PID namespace whose LOCK stayed untouched this long is gone. */
export const LOCK_LEASE_MS = 10_000;

/** Who is asking, and how to tell whether a holder is alive (tests model other processes). */
export interface LockIdentity {
  self: LockHolder;
  /** Alive or not; undefined when this process cannot tell (another PID namespace). */
  isAlive(holder: LockHolder): boolean | undefined;
  leaseMs?: number;
  refreshMs?: number;
}

export function thisProcess(): LockIdentity {
  const self: LockHolder = { pid: process.pid, startTime: processStartTime(process.pid), ns: pidNamespace() };
  return {
    self,
    isAlive: (h) =>
      h.ns !== undefined && self.ns !== undefined && h.ns !== self.ns ? undefined : holderAlive(h),
  };
}

export interface LockHolder {
  pid: number;
  /** Process start time in clock ticks since boot (Linux /proc), or undefined elsewhere. */
  startTime?: string;
  /** The PID namespace the pid belongs to (Linux: inode of /proc/self/ns/pid), or undefined. */
  ns?: string;
}

export function encodeLockHolder(h: LockHolder): string {
  return `pid ${h.pid}${h.startTime ? ` start ${h.startTime}` : ''}${h.ns ? ` ns ${h.ns}` : ''}\n`;
}

/** Undefined unless the whole line is there: a crash may leave any prefix of the file. */
export function decodeLockHolder(text: string): LockHolder | undefined {
  const m = /^pid (\d+)(?: start (\d+))?(?: ns (\d+))?\n$/.exec(text);
  return m ? { pid: Number(m[1]), startTime: m[2], ns: m[3] } : undefined;
}

/** This process's PID namespace (`pid:[4026531836]` → `4026531836`), or undefined without /proc. */
export function pidNamespace(): string | undefined {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
  } catch {
    return undefined;
  }
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

/** How long to wait for a lock file whose creator may not have written its line yet. */
const TORN_GRACE_MS = 50;
/** Attempts before giving up on a lock that keeps changing under us. */
const MAX_ATTEMPTS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The file's text, or undefined when it does not exist. */
async function readIfExists(fs: FileSystem, path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw toEngineError(err, `reading ${path}`);
  }
}

async function unlinkIfExists(fs: FileSystem, path: string): Promise<void> {
  await fs.unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw toEngineError(err, `removing ${path}`);
  });
}

async function createIfAbsent(fs: FileSystem, path: string, text: string): Promise<boolean> {
  try {
    await fs.createExclusive(path, Buffer.from(text));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw toEngineError(err, `creating ${path}`);
  }
}

type Verdict =
  | { verdict: 'live'; holder: LockHolder }
  | { verdict: 'stale'; text: string }
  | { verdict: 'gone' | 'unsure' };

/**
 * Judges a lock-style file: `live` (a running holder), `stale` (dead holder, or a torn line
 * that stayed torn past the grace period), `gone`, or `unsure` (changed while we looked).
 */
async function judge(fs: FileSystem, path: string, identity: LockIdentity): Promise<Verdict> {
  const text = await readIfExists(fs, path);
  if (text === undefined) return { verdict: 'gone' };
  const holder = decodeLockHolder(text);
  if (holder) {
    const alive = identity.isAlive(holder);
    if (alive === undefined) return judgeByLease(fs, path, text, holder, identity);
    return alive ? { verdict: 'live', holder } : { verdict: 'stale', text };
  }
  // Possibly a creator between its create and its write: look again shortly.
  await sleep(TORN_GRACE_MS);
  const again = await readIfExists(fs, path);
  if (again === text) return { verdict: 'stale', text };
  return { verdict: again === undefined ? 'gone' : 'unsure' };
}

async function modifiedAtIfExists(fs: FileSystem, path: string): Promise<number | undefined> {
  try {
    return await fs.modifiedAt(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw toEngineError(err, `reading the modification time of ${path}`);
  }
}

/**
 * A holder this process cannot look up: alive if LOCK's modification time moves while we
 * watch. Watching lasts `leaseMs` on this process's monotonic clock; the mtime is only
 * compared with itself, so clock skew between the two sides or a wall-clock step cannot make a
 * live holder look stale or keep a dead one alive.
 */
async function judgeByLease(
  fs: FileSystem,
  path: string,
  text: string,
  holder: LockHolder,
  identity: LockIdentity,
): Promise<Verdict> {
  const leaseMs = identity.leaseMs ?? LOCK_LEASE_MS;
  const pollMs = identity.refreshMs ?? LOCK_REFRESH_MS;
  const first = await modifiedAtIfExists(fs, path);
  if (first === undefined) return { verdict: 'gone' };
  const started = performance.now();
  for (;;) {
    const left = leaseMs - (performance.now() - started);
    if (left <= 0) break;
    await sleep(Math.min(pollMs, left));
    const now = await modifiedAtIfExists(fs, path);
    if (now === undefined) return { verdict: 'gone' };
    if (now !== first)
      return (await readIfExists(fs, path)) === text ? { verdict: 'live', holder } : { verdict: 'unsure' };
  }
  return (await readIfExists(fs, path)) === text ? { verdict: 'stale', text } : { verdict: 'unsure' };
}

/**
 * Removes LOCK if it still holds `staleText`, under the takeover file. Returns without removing
 * anything when another process is taking over (the caller looks again).
 */
async function replaceStaleLock(
  fs: FileSystem,
  dir: string,
  staleText: string,
  identity: LockIdentity,
): Promise<void> {
  const lockPath = nodePath.join(dir, LOCK_FILE);
  const guardPath = nodePath.join(dir, LOCK_TAKEOVER_FILE);
  if (!(await createIfAbsent(fs, guardPath, encodeLockHolder(identity.self)))) {
    const guard = await judge(fs, guardPath, identity);
    if (guard.verdict === 'stale')
      await unlinkIfExists(fs, guardPath); // its taker died mid-takeover
    else await sleep(10); // another process is taking over: let it finish
    return;
  }
  try {
    if ((await readIfExists(fs, lockPath)) === staleText) await unlinkIfExists(fs, lockPath);
  } finally {
    await unlinkIfExists(fs, guardPath);
  }
}

export async function acquireDirectoryLock(
  fs: FileSystem,
  dir: string,
  identity: LockIdentity = thisProcess(),
): Promise<DirectoryLock> {
  const key = directoryKey(fs, dir);
  const held = heldSet(fs);
  if (held.has(key)) throw new EngineError('LOCKED', `${dir} is already open in this process`);
  held.add(key);
  const path = nodePath.join(dir, LOCK_FILE);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const mine = encodeLockHolder(identity.self);
      if (await createIfAbsent(fs, path, mine))
        return holdLock(fs, path, mine, identity, () => held.delete(key));
      const lock = await judge(fs, path, identity);
      if (lock.verdict === 'live') {
        throw new EngineError('LOCKED', `${dir} is in use by process ${lock.holder.pid} (${path})`);
      }
      if (lock.verdict === 'stale') await replaceStaleLock(fs, dir, lock.text, identity);
    }
    throw new EngineError('LOCKED', `${dir}: could not take over the lock file ${path}`);
  } catch (err) {
    held.delete(key);
    throw err;
  }
}

/**
 * The held side: renews the lease every `refreshMs` and checks LOCK still names this holder.
 * LOCK replaced or removed, or not renewed for half a lease, makes `lost()` say why (the engine
 * then refuses writes: another process may already be using the directory).
 */
function holdLock(
  fs: FileSystem,
  path: string,
  mine: string,
  identity: LockIdentity,
  forget: () => void,
): DirectoryLock {
  const refreshMs = identity.refreshMs ?? LOCK_REFRESH_MS;
  const leaseMs = identity.leaseMs ?? LOCK_LEASE_MS;
  let lost: Error | undefined;
  let renewed = performance.now();
  let busy = false;
  const renew = async () => {
    if (busy || lost) return;
    busy = true;
    try {
      const text = await readIfExists(fs, path);
      if (text !== mine) {
        lost = new Error(text === undefined ? `${path} was removed` : `${path} now names another holder`);
        return;
      }
      await fs.touch(path);
      renewed = performance.now();
    } catch (err) {
      if (performance.now() - renewed > leaseMs / 2)
        lost = new Error(`cannot renew ${path}: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void renew(), refreshMs);
  timer.unref();
  return {
    lost: () => lost,
    release: async () => {
      clearInterval(timer);
      try {
        if ((await readIfExists(fs, path)) === mine) await fs.unlink(path);
      } catch {
        // A leftover file naming this (soon dead) process is stale for the next opener.
      } finally {
        forget();
      }
    },
  };
}
