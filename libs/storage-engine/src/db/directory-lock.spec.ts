import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EngineError } from '../errors';
import { MemoryFileSystem } from '../fs/memory-file-system';
import { NodeFileSystem } from '../fs/node-file-system';
import { acquireDirectoryLock, decodeLockHolder, encodeLockHolder, holderAlive, processStartTime } from './directory-lock';

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
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
    const [a, b] = await Promise.allSettled([acquireDirectoryLock(fs, '/db'), acquireDirectoryLock(fs, '/db/')]);
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

  describe('on the real disk', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ringkv-lock-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is per directory, not per file-system object', async () => {
      const lock = await acquireDirectoryLock(new NodeFileSystem(), dir);
      await expect(acquireDirectoryLock(new NodeFileSystem(), dir)).rejects.toMatchObject({ code: 'LOCKED' });
      await lock.release();
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
