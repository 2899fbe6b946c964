import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from './node-file-system';

describe('NodeFileSystem', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ringkv-nodefs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends, syncs, reads back and tracks size', async () => {
    const fs = new NodeFileSystem();
    const p = path.join(dir, 'a');
    const w = await fs.openAppend(p);
    await w.append(Buffer.from('hello '));
    await w.append(Buffer.from('world'));
    await w.sync();
    expect(w.size()).toBe(11);
    await w.close();
    const again = await fs.openAppend(p);
    expect(again.size()).toBe(11);
    await again.close();
    const r = await fs.openRead(p);
    expect((await r.read(6, 100)).toString()).toBe('world');
    expect((await r.read(20, 5)).length).toBe(0);
    await r.close();
  });

  it('reads the same bytes with thread-pool reads', async () => {
    const fs = new NodeFileSystem({ syncReads: false });
    const p = path.join(dir, 'b');
    const w = await fs.openAppend(p);
    await w.append(Buffer.from('0123456789'));
    await w.close();
    const r = await fs.openRead(p);
    expect((await r.read(3, 4)).toString()).toBe('3456');
    await r.close();
  });

  it('renames, lists, unlinks and syncs directories', async () => {
    const fs = new NodeFileSystem();
    const w = await fs.openAppend(path.join(dir, 'x.tmp'));
    await w.close();
    await fs.rename(path.join(dir, 'x.tmp'), path.join(dir, 'x'));
    await fs.syncDir(dir);
    expect(await fs.readdir(dir)).toEqual(['x']);
    await fs.unlink(path.join(dir, 'x'));
    expect(await fs.exists(path.join(dir, 'x'))).toBe(false);
    await expect(fs.unlink(path.join(dir, 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.freeBytes(dir)).toBeGreaterThan(0n);
  });
});
