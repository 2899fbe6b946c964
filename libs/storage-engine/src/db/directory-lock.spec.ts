import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EngineError } from '../errors';
import { MemoryFileSystem } from '../fs/memory-file-system';
import { NodeFileSystem } from '../fs/node-file-system';
import type { FileSystem } from '../fs/file-system';
import {
  acquireDirectoryLock,
  decodeLockHolder,
  encodeLockHolder,
  holderAlive,
  processStartTime,
  type LockHolder,
  type LockIdentity,
} from './directory-lock';

/**
 * Another "process" on the same disk: its own file-system object (so the in-process guard does
 * not interfere), and a hook that runs after each readFile, before the caller sees the result.
 */
function processView(
  disk: MemoryFileSystem,
  afterRead: (path: string) => Promise<void> = async () => undefined,
): FileSystem {
  return new Proxy(disk, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'readFile') {
        return async (path: string) => {
          const data = await target.readFile(path);
          await afterRead(path);
          return data;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('directory lock', () => {
  it('encodes its holder and refuses any torn prefix of the file', () => {
    const text = encodeLockHolder({ pid: 4242, startTime: '987654' });
    expect(decodeLockHolder(text)).toEqual({ pid: 4242, startTime: '987654' });
    expect(decodeLockHolder(encodeLockHolder({ pid: 7 }))).toEqual({ pid: 7, startTime: undefined });
    for (let i = 0; i < text.length; i++) expect(decodeLockHolder(text.slice(0, i))).toBeUndefined();
    expect(decodeLockHolder('garbage\n')).toBeUndefined();
  });

  it('tells live holders from dead ones and from reused pids', () => {
    expect(holderAlive({ pid: process.ppid, startTime: processStartTime(process.ppid) })).toBe(true);
    expect(holderAlive({ pid: deadPid() })).toBe(false);
    // The lock of this very process is only ever stale here (the in-process set is checked first).
    expect(holderAlive({ pid: process.pid })).toBe(false);
    if (processStartTime(process.ppid) !== undefined) {
      expect(holderAlive({ pid: process.ppid, startTime: '1' })).toBe(false);
    }
  });

  it('lets one holder in at a time within a process, and again after release', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('/db');
    const lock = await acquireDirectoryLock(fs, '/db');
    const [a, b] = await Promise.allSettled([
      acquireDirectoryLock(fs, '/db'),
      acquireDirectoryLock(fs, '/db/'),
    ]);
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'LOCKED' } });
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'LOCKED' } });
    expect((await fs.readFile('/db/LOCK')).toString()).toMatch(new RegExp(`^pid ${process.pid}`));
    await lock.release();
    expect(await fs.exists('/db/LOCK')).toBe(false);
    await (await acquireDirectoryLock(fs, '/db')).release();
  });

  it('takes over a lock left by a dead process or torn by a crash', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('/db');
    await fs.createExclusive('/db/LOCK', Buffer.from(encodeLockHolder({ pid: deadPid() })));
    await (await acquireDirectoryLock(fs, '/db')).release();
    await fs.createExclusive('/db/LOCK', Buffer.from('pid 1'));
    await (await acquireDirectoryLock(fs, '/db')).release();
  });

  describe('when several processes find the same stale lock', () => {
    const dead: LockHolder = { pid: 999_001 };
    const identity = (pid: number): LockIdentity => ({ self: { pid }, isAlive: (h) => h.pid !== dead.pid });
    let disk: MemoryFileSystem;

    beforeEach(async () => {
      disk = new MemoryFileSystem();
      await disk.mkdir('/db');
      await disk.createExclusive('/db/LOCK', Buffer.from(encodeLockHolder(dead)));
    });

    it('lets only one in when the other took over between its look and its replace', async () => {
      let resumeA!: () => void;
      let aLooked!: () => void;
      const aHasLooked = new Promise<void>((r) => (aLooked = r));
      const aMayGoOn = new Promise<void>((r) => (resumeA = r));
      let stalled = false;
      const fsA = processView(disk, async (path) => {
        if (path === '/db/LOCK' && !stalled) {
          stalled = true;
          aLooked();
          await aMayGoOn;
        }
      });
      const a = acquireDirectoryLock(fsA, '/db', identity(1001));
      await aHasLooked; // A has read the stale LOCK and judged it
      const b = await acquireDirectoryLock(processView(disk), '/db', identity(1002));
      resumeA();
      await expect(a).rejects.toMatchObject({
        code: 'LOCKED',
        message: expect.stringContaining('process 1002'),
      });
      expect(decodeLockHolder((await disk.readFile('/db/LOCK')).toString())).toEqual({
        pid: 1002,
        startTime: undefined,
      });
      expect(await disk.exists('/db/LOCK.takeover')).toBe(false);
      await b.release();
    });

    it('waits while another live process is taking over, then finds its lock', async () => {
      await disk.createExclusive('/db/LOCK.takeover', Buffer.from(encodeLockHolder({ pid: 1002 })));
      setTimeout(() => {
        // 1002 finishes its takeover: replaces LOCK, then drops the takeover file.
        void (async () => {
          await disk.unlink('/db/LOCK');
          await disk.createExclusive('/db/LOCK', Buffer.from(encodeLockHolder({ pid: 1002 })));
          await disk.unlink('/db/LOCK.takeover');
        })();
      }, 60);
      await expect(acquireDirectoryLock(processView(disk), '/db', identity(1001))).rejects.toMatchObject({
        code: 'LOCKED',
        message: expect.stringContaining('process 1002'),
      });
    });

    it('clears a takeover file left by a process that died mid-takeover', async () => {
      await disk.createExclusive('/db/LOCK.takeover', Buffer.from(encodeLockHolder(dead)));
      const lock = await acquireDirectoryLock(processView(disk), '/db', identity(1001));
      expect(decodeLockHolder((await disk.readFile('/db/LOCK')).toString())).toEqual({
        pid: 1001,
        startTime: undefined,
      });
      expect(await disk.exists('/db/LOCK.takeover')).toBe(false);
      await lock.release();
    });
  });

  describe('holders in another PID namespace (another container on the volume)', () => {
    const lease = { leaseMs: 300, refreshMs: 40 };
    // Each side can look up only pids of its own namespace: the other's are "cannot tell".
    const inNamespace = (ns: string, pid: number): LockIdentity => ({
      self: { pid, ns },
      isAlive: (h) => (h.ns === ns ? h.pid === pid : undefined),
      ...lease,
    });
    let disk: MemoryFileSystem;
    beforeEach(async () => {
      disk = new MemoryFileSystem();
      await disk.mkdir('/db');
    });

    it('names its namespace in the lock line', () => {
      expect(decodeLockHolder(encodeLockHolder({ pid: 1, startTime: '77', ns: '4026531836' }))).toEqual({
        pid: 1,
        startTime: '77',
        ns: '4026531836',
      });
    });

    it('refuses while the other holder keeps its lease, which every holder refreshes', async () => {
      const other = await acquireDirectoryLock(processView(disk), '/db', inNamespace('4026532002', 1));
      try {
        const touched = await disk.modifiedAt('/db/LOCK');
        await expect(
          acquireDirectoryLock(processView(disk), '/db', inNamespace('4026532001', 1)),
        ).rejects.toMatchObject({ code: 'LOCKED' });
        expect(await disk.modifiedAt('/db/LOCK')).toBeGreaterThan(touched);
      } finally {
        await other.release();
      }
    });

    it('judges the lease by its own clock: a holder whose clock is behind is still alive', async () => {
      const other = await acquireDirectoryLock(processView(disk), '/db', inNamespace('4026532002', 1));
      try {
        // The opener sees modification times 5 s in the past, as with a holder's clock behind.
        const skewed = new Proxy(processView(disk), {
          get(target, prop) {
            if (prop === 'modifiedAt') return async (p: string) => (await target.modifiedAt(p)) - 5_000;
            return Reflect.get(target, prop, target) as unknown;
          },
        });
        await expect(acquireDirectoryLock(skewed, '/db', inNamespace('4026532001', 1))).rejects.toMatchObject(
          { code: 'LOCKED' },
        );
      } finally {
        await other.release();
      }
    });

    it('takes over a lock whose lease ran out (its container died)', async () => {
      await disk.createExclusive('/db/LOCK', Buffer.from(encodeLockHolder({ pid: 1, ns: '4026532002' })));
      const started = Date.now();
      const lock = await acquireDirectoryLock(processView(disk), '/db', inNamespace('4026532001', 1));
      expect(Date.now() - started).toBeGreaterThanOrEqual(lease.leaseMs - 20);
      expect(decodeLockHolder((await disk.readFile('/db/LOCK')).toString())).toMatchObject({
        pid: 1,
        ns: '4026532001',
      });
      await lock.release();
    });
  });

  it('notices when its LOCK is replaced, and then leaves the new one alone on release', async () => {
    const disk = new MemoryFileSystem();
    await disk.mkdir('/db');
    const lock = await acquireDirectoryLock(processView(disk), '/db', {
      self: { pid: 1001 },
      isAlive: () => true,
      refreshMs: 20,
    });
    expect(lock.lost()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 60));
    expect(lock.lost()).toBeUndefined(); // renewing its own lease is fine
    await disk.unlink('/db/LOCK');
    await disk.createExclusive('/db/LOCK', Buffer.from(encodeLockHolder({ pid: 1002 })));
    for (let i = 0; i < 50 && !lock.lost(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(lock.lost()?.message).toMatch(/names another holder/);
    await lock.release();
    expect(decodeLockHolder((await disk.readFile('/db/LOCK')).toString())).toMatchObject({ pid: 1002 });
  });

  describe('on the real disk', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ringkv-lock-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is per directory, not per file-system object or path spelling', async () => {
      const lock = await acquireDirectoryLock(new NodeFileSystem(), dir);
      await expect(acquireDirectoryLock(new NodeFileSystem(), dir)).rejects.toMatchObject({ code: 'LOCKED' });
      const link = `${dir}-link`;
      symlinkSync(dir, link);
      try {
        await expect(acquireDirectoryLock(new NodeFileSystem(), link)).rejects.toMatchObject({
          code: 'LOCKED',
        });
        await expect(
          acquireDirectoryLock(new NodeFileSystem(), path.join(dir, '..', path.basename(dir))),
        ).rejects.toMatchObject({
          code: 'LOCKED',
        });
      } finally {
        rmSync(link);
      }
      await lock.release();
    });

    it('never shows a lock file without its holder line, and leaves no temporary file', async () => {
      const fs = new NodeFileSystem();
      const lockPath = path.join(dir, 'LOCK');
      const contenders = Array.from({ length: 8 }, (_, i) =>
        fs.createExclusive(lockPath, Buffer.from(encodeLockHolder({ pid: 1000 + i }))),
      );
      const results = await Promise.allSettled(contenders);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results
          .filter((r) => r.status === 'rejected')
          .every((r) => (r.reason as NodeJS.ErrnoException).code === 'EEXIST'),
      ).toBe(true);
      expect(decodeLockHolder(readFileSync(lockPath, 'utf8'))).toBeDefined();
      expect(readdirSync(dir)).toEqual(['LOCK']);
    });

    it('refuses while another live process holds it, and takes over once it was killed', async () => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      try {
        const pid = child.pid ?? 0;
        writeFileSync(path.join(dir, 'LOCK'), encodeLockHolder({ pid, startTime: processStartTime(pid) }));
        const err = await acquireDirectoryLock(new NodeFileSystem(), dir).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EngineError);
        expect(err).toMatchObject({ code: 'LOCKED', message: expect.stringContaining(String(pid)) });
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        const lock = await acquireDirectoryLock(new NodeFileSystem(), dir);
        expect(readFileSync(path.join(dir, 'LOCK'), 'utf8')).toMatch(new RegExp(`^pid ${process.pid}`));
        await lock.release();
      } finally {
        child.kill('SIGKILL');
      }
    });
  });
});
