/**
 * One engine per directory: a second open fails with LOCKED until the first engine closes (the
 * cross-process and stale-lock cases are in src/db/directory-lock.spec.ts and real-crash.spec.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EngineError, MemoryFileSystem, NodeFileSystem, StorageEngine } from '../src';

describe('directory lock (engine)', () => {
  it('refuses a second open of the same directory until the first engine closes', async () => {
    const fs = new MemoryFileSystem();
    const engine = await StorageEngine.open('/db', { fs });
    await engine.put('k', 'v');
    const err = await StorageEngine.open('/db', { fs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'LOCKED' });
    // Another directory on the same file system is fine.
    await (await StorageEngine.open('/other', { fs })).close();
    await engine.close();
    const again = await StorageEngine.open('/db', { fs });
    expect((await again.get('k'))?.toString()).toBe('v');
    await again.close();
  });

  it('locks the real directory across file-system objects and removes LOCK on close', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ringkv-lock-engine-'));
    try {
      const engine = await StorageEngine.open(dir, { fs: new NodeFileSystem() });
      expect(existsSync(path.join(dir, 'LOCK'))).toBe(true);
      await expect(StorageEngine.open(dir)).rejects.toMatchObject({ code: 'LOCKED' });
      await engine.close();
      expect(existsSync(path.join(dir, 'LOCK'))).toBe(false);
      await (await StorageEngine.open(dir)).close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops writing once its LOCK names another holder (the directory may be in use elsewhere)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ringkv-lock-fence-'));
    try {
      const engine = await StorageEngine.open(dir);
      await engine.put('before', '1');
      // Another process (say, another container that judged this one dead) took the directory.
      rmSync(path.join(dir, 'LOCK'));
      writeFileSync(path.join(dir, 'LOCK'), 'pid 999999 ns 4026532999\n');
      for (let i = 0; i < 60 && engine.stats().readOnlyReason === undefined; i++) await new Promise((r) => setTimeout(r, 50));
      expect(engine.stats().readOnlyReason).toMatch(/lost the directory lock/);
      await expect(engine.put('after', '2')).rejects.toMatchObject({ code: 'READ_ONLY' });
      expect((await engine.get('before'))?.toString()).toBe('1'); // reads still work
      await engine.close();
      expect(readFileSync(path.join(dir, 'LOCK'), 'utf8')).toBe('pid 999999 ns 4026532999\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('releases the lock when opening fails', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('/bad');
    const manifest = await fs.openAppend('/bad/MANIFEST');
    await manifest.append(Buffer.from('not a manifest at all'));
    await manifest.close();
    await expect(StorageEngine.open('/bad', { fs })).rejects.toMatchObject({ code: 'CORRUPTION' });
    expect(await fs.exists('/bad/LOCK')).toBe(false);
    await expect(StorageEngine.open('/bad', { fs })).rejects.toMatchObject({ code: 'CORRUPTION' });
  });
});
