import { FaultInjectingFileSystem } from './fault-injecting-file-system';
import { MemoryFileSystem } from './memory-file-system';

describe('FaultInjectingFileSystem', () => {
  async function setup() {
    const mem = new MemoryFileSystem();
    await mem.mkdir('/d');
    const fs = new FaultInjectingFileSystem(mem);
    return { mem, fs };
  }

  it('tears an append: a prefix lands, then EIO', async () => {
    const { mem, fs } = await setup();
    fs.inject({ op: 'append', tornBytes: 3 });
    const f = await fs.openAppend('/d/x');
    await expect(f.append(Buffer.from('abcdef'))).rejects.toMatchObject({ code: 'EIO' });
    expect((await mem.readFile('/d/x')).toString()).toBe('abc');
    await f.append(Buffer.from('g'));
    expect((await mem.readFile('/d/x')).toString()).toBe('abcg');
    expect(fs.firedCount).toBe(1);
  });

  it('fails an fsync after skipping matching ones', async () => {
    const { fs } = await setup();
    fs.inject({ op: 'sync', after: 1, match: (p) => p.endsWith('.log') });
    const log = await fs.openAppend('/d/1.log');
    const other = await fs.openAppend('/d/1.sst');
    await other.sync();
    await log.sync();
    await expect(log.sync()).rejects.toMatchObject({ code: 'EIO' });
    await log.sync();
  });

  it('runs out of space after a byte budget', async () => {
    const { mem, fs } = await setup();
    fs.setSpaceBudget(5);
    const f = await fs.openAppend('/d/x');
    await f.append(Buffer.from('abc'));
    await expect(f.append(Buffer.from('defg'))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect((await mem.readFile('/d/x')).toString()).toBe('abcde');
  });

  it('fails renames and opens on demand with a chosen code', async () => {
    const { fs } = await setup();
    fs.inject({ op: 'openAppend', code: 'EMFILE' });
    await expect(fs.openAppend('/d/x')).rejects.toMatchObject({ code: 'EMFILE' });
    const f = await fs.openAppend('/d/x');
    await f.close();
    fs.inject({ op: 'rename', times: Infinity });
    await expect(fs.rename('/d/x', '/d/y')).rejects.toMatchObject({ code: 'EIO' });
    await expect(fs.rename('/d/x', '/d/y')).rejects.toMatchObject({ code: 'EIO' });
    fs.clearFaults();
    await fs.rename('/d/x', '/d/y');
    expect(await fs.exists('/d/y')).toBe(true);
  });
});
