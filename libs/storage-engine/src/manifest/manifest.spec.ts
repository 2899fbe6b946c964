import { CorruptionError } from '../errors';
import { MemoryFileSystem } from '../fs/memory-file-system';
import { decodeManifest, encodeManifest, readManifest, writeManifest, type ManifestState } from './manifest';

const state: ManifestState = {
  nextFileNumber: 2n ** 40n,
  logNumber: 17n,
  lastSequence: 2n ** 62n,
  tables: [
    {
      fileNumber: 12n,
      tier: 0,
      entryCount: 10,
      tombstoneCount: 1,
      fileSize: 4096,
      dataBytes: 3000,
      formatVersion: 1,
      minKey: Buffer.from('a'),
      maxKey: Buffer.from('zz'),
    },
    {
      fileNumber: 3n,
      tier: 2,
      entryCount: 1000,
      tombstoneCount: 0,
      fileSize: 99999,
      dataBytes: 90000,
      formatVersion: 1,
      minKey: Buffer.alloc(0),
      maxKey: Buffer.from([0xff, 0xff]),
    },
  ],
};

describe('manifest', () => {
  it('round-trips, keeping table order and 64-bit numbers', () => {
    expect(decodeManifest('M', encodeManifest(state))).toEqual(state);
  });

  it('rejects any flipped byte with a CorruptionError naming the file', () => {
    const enc = encodeManifest(state);
    for (let i = 0; i < enc.length; i += 7) {
      const bad = Buffer.from(enc);
      bad[i] ^= 1;
      expect(() => decodeManifest('/db/MANIFEST', bad)).toThrow(CorruptionError);
    }
    expect(() => decodeManifest('/db/MANIFEST', enc.subarray(0, enc.length - 1))).toThrow(/\/db\/MANIFEST/);
  });

  it('is replaced atomically: a crash before the directory sync keeps the old state', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('/db');
    expect(await readManifest(fs, '/db')).toBeUndefined();
    await writeManifest(fs, '/db', state);
    const second = { ...state, logNumber: 99n, tables: [] };
    await writeManifest(fs, '/db', second);
    expect(await readManifest(fs, '/db')).toEqual(second);
    const after = fs.crash();
    expect(await readManifest(after, '/db')).toEqual(second);
  });
});
