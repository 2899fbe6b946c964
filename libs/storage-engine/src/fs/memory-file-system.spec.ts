import { MemoryFileSystem } from './memory-file-system';

describe('MemoryFileSystem', () => {
  const dir = '/db';

  async function write(fs: MemoryFileSystem, name: string, text: string, sync: boolean): Promise<void> {
    const f = await fs.openAppend(`${dir}/${name}`);
    await f.append(Buffer.from(text));
    if (sync) await f.sync();
    await f.close();
  }

  it('keeps synced bytes of a file whose name was made durable', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(dir);
    await write(fs, 'a', 'hello', true);
    await fs.syncDir(dir);
    const after = fs.crash();
    expect((await after.readFile(`${dir}/a`)).toString()).toBe('hello');
  });

  it('drops unsynced bytes on crash', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(dir);
    const f = await fs.openAppend(`${dir}/a`);
    await f.append(Buffer.from('durable'));
    await f.sync();
    await fs.syncDir(dir);
    await f.append(Buffer.from('-lost'));
    const after = fs.crash();
    expect((await after.readFile(`${dir}/a`)).toString()).toBe('durable');
  });

  it('can keep a random prefix of unsynced bytes, never more', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(dir);
    const f = await fs.openAppend(`${dir}/a`);
    await f.append(Buffer.from('abc'));
    await f.sync();
    await fs.syncDir(dir);
    await f.append(Buffer.from('defgh'));
    const after = fs.crash({ keepRandomUnsyncedPrefix: true, random: () => 0.5 });
    const text = (await after.readFile(`${dir}/a`)).toString();
    expect('abcdefgh'.startsWith(text)).toBe(true);
    expect(text.length).toBe(3 + 3);
  });

  it('loses a created file whose directory was not synced', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(dir);
    await write(fs, 'a', 'x', true);
    const after = fs.crash();
    expect(await after.exists(`${dir}/a`)).toBe(false);
  });

  it('makes rename durable only after syncDir', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(dir);
    await write(fs, 'old', 'v1', true);
    await fs.syncDir(dir);
    await write(fs, 'tmp', 'v2', true);
    await fs.rename(`${dir}/tmp`, `${dir}/old`);
    const before = fs.crash();
    expect((await before.readFile(`${dir}/old`)).toString()).toBe('v1');

    await before.mkdir(dir);
    await write(before, 'tmp', 'v2', true);
    await before.rename(`${dir}/tmp`, `${dir}/old`);
    await before.syncDir(dir);
    const after = before.crash();
    expect((await after.readFile(`${dir}/old`)).toString()).toBe('v2');
    expect(await after.exists(`${dir}/tmp`)).toBe(false);
  });

  it('kills the crashed instance and its handles', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(dir);
    const f = await fs.openAppend(`${dir}/a`);
    fs.crash();
    await expect(f.append(Buffer.from('x'))).rejects.toMatchObject({ code: 'EIO' });
    await expect(fs.openAppend(`${dir}/b`)).rejects.toMatchObject({ code: 'EIO' });
  });

  it('reports ENOSPC past its capacity', async () => {
    const fs = new MemoryFileSystem({ capacityBytes: 10 });
    await fs.mkdir(dir);
    const f = await fs.openAppend(`${dir}/a`);
    await f.append(Buffer.alloc(8));
    await expect(f.append(Buffer.alloc(8))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await fs.freeBytes()).toBe(2n);
  });

  it('reads ranges and lists directories', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir(dir);
    await write(fs, 'b', '0123456789', false);
    await write(fs, 'a', 'x', false);
    expect(await fs.readdir(dir)).toEqual(['a', 'b']);
    const r = await fs.openRead(`${dir}/b`);
    expect((await r.read(8, 10)).toString()).toBe('89');
    expect(r.size()).toBe(10);
    await expect(fs.openRead(`${dir}/zz`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
