/**
 * Damaged SSTables: whatever byte is flipped and wherever the file is cut, opening or reading
 * raises a CorruptionError naming the file and an offset inside it, and no read ever returns an
 * entry that differs from what was written.
 */
import { crc32c } from '@node-rs/crc32';
import { CorruptionError } from '../errors';
import { MemoryFileSystem } from '../fs/memory-file-system';
import { BlockCache } from './block-cache';
import { decodeFooter, encodeFooter } from './sstable-footer';
import { FOOTER_CHECKSUM_OFFSET, FOOTER_SIZE, FOOTER_VERSION_OFFSET } from './sstable-format';
import { SSTableReader } from './sstable-reader';
import { SeededRandom } from './test-support/seeded-random';
import { TABLE_DIR, memoryFileSystem, randomEntries, show } from './test-support/table-fixture';
import { SSTableWriter } from './sstable-writer';

const PATH = `${TABLE_DIR}/000042.sst`;
const entries = randomEntries(new SeededRandom(77), 150, 24);
const shown = show(entries);
const expected = new Map(entries.map((e, i) => [e.key.toString('hex'), shown[i]]));

interface Table {
  bytes: Buffer;
  dataBytes: number;
}

async function writeOriginal(): Promise<Table> {
  const fs = await memoryFileSystem();
  const writer = await SSTableWriter.create(fs, PATH, { blockSize: 512, restartInterval: 4 });
  for (const e of entries) await writer.add(e.key, e.kind, e.value);
  const { dataBytes } = await writer.finish();
  return { bytes: await fs.readFile(PATH), dataBytes };
}

async function fileSystemWith(bytes: Buffer): Promise<MemoryFileSystem> {
  const fs = await memoryFileSystem();
  const file = await fs.openAppend(PATH);
  await file.append(bytes);
  await file.close();
  return fs;
}

/** Why `error` is not a proper CorruptionError for this file, or undefined if it is. */
function misreport(error: unknown, fileSize: number): string | undefined {
  if (!(error instanceof CorruptionError)) return `not a CorruptionError: ${String(error)}`;
  if (error.file !== PATH || !error.message.includes(PATH)) return `names ${error.file}`;
  if (!(error.offset >= 0 && error.offset <= fileSize)) return `offset ${error.offset} outside the file`;
  return undefined;
}

function expectCorruption(error: unknown, fileSize: number): CorruptionError {
  expect(misreport(error, fileSize)).toBeUndefined();
  return error as CorruptionError;
}

interface Outcome {
  /** Corruption errors raised by open or reads. */
  errors: CorruptionError[];
  /** Anything that must never happen: a wrong entry, an untyped error, a bad report. */
  wrong: string[];
}

/**
 * Opens the table and reads everything through get and iterate. Every result must be right or a
 * CorruptionError. The checks avoid `expect` because this runs once per byte of the file.
 */
async function readAll(bytes: Buffer): Promise<Outcome> {
  const outcome: Outcome = { errors: [], wrong: [] };
  const failed = (error: unknown): void => {
    const problem = misreport(error, bytes.length);
    if (problem === undefined) outcome.errors.push(error as CorruptionError);
    else outcome.wrong.push(problem);
  };
  const fs = await fileSystemWith(bytes);
  let reader: SSTableReader;
  try {
    // A cache as the DB has one: a block that failed its check must not be served from it later.
    reader = await SSTableReader.open(fs, PATH, { cache: new BlockCache(1 << 20), fileId: 1 });
  } catch (error) {
    failed(error);
    return outcome;
  }
  for (const { key } of entries) {
    try {
      const entry = await reader.get(key);
      const got = entry === undefined ? 'absent' : show([entry])[0];
      if (got !== expected.get(key.toString('hex'))) outcome.wrong.push(`get returned ${got}`);
    } catch (error) {
      failed(error);
    }
  }
  try {
    let i = 0;
    for await (const entry of reader.iterate()) {
      const got = show([entry])[0];
      if (got !== shown[i]) outcome.wrong.push(`iterate returned ${got} at ${i}`);
      i++;
    }
    if (i !== entries.length) outcome.wrong.push(`iterate ended after ${i} entries`);
  } catch (error) {
    failed(error);
  }
  await reader.close();
  return outcome;
}

describe('SSTable corruption', () => {
  let original: Table;
  beforeAll(async () => {
    original = await writeOriginal();
  });

  it('reads the undamaged table completely', async () => {
    expect(original.dataBytes).toBeGreaterThan(2000);
    expect(await readAll(original.bytes)).toEqual({ errors: [], wrong: [] });
  });

  it('detects a flip of any byte of the file and never returns a wrong entry', async () => {
    const undetected: number[] = [];
    const wrong: string[] = [];
    for (let at = 0; at < original.bytes.length; at++) {
      const damaged = Buffer.from(original.bytes);
      damaged[at] ^= 1 << (at % 8);
      const outcome = await readAll(damaged);
      if (outcome.errors.length === 0) undetected.push(at);
      wrong.push(...outcome.wrong.map((problem) => `flip at ${at}: ${problem}`));
    }
    expect(wrong).toEqual([]);
    expect(undetected).toEqual([]);
  });

  it('pins a damaged data block: other blocks stay readable, the error names its offset', async () => {
    const at = 700; // inside the second or third 512-byte data block
    const damaged = Buffer.from(original.bytes);
    damaged[at] ^= 0xff;
    const { errors, wrong } = await readAll(damaged);
    expect(wrong).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThan(entries.length);
    for (const error of errors) {
      expect(error.offset).toBeLessThanOrEqual(at);
      expect(error.offset).toBeGreaterThan(at - 600);
      expect(error.detail).toContain('checksum');
    }
  });

  it('fails open on damage to the index, filter, properties or footer', async () => {
    const footer = decodeFooter(original.bytes.subarray(-FOOTER_SIZE), PATH, original.bytes.length);
    const positions = {
      index: footer.index.offset + 3,
      filter: footer.filter.offset + 3,
      properties: footer.properties.offset + 3,
      footer: original.bytes.length - FOOTER_SIZE + 3,
      magic: original.bytes.length - 1,
    };
    for (const [region, at] of Object.entries(positions)) {
      const damaged = Buffer.from(original.bytes);
      damaged[at] ^= 0x10;
      const fs = await fileSystemWith(damaged);
      const opening = SSTableReader.open(fs, PATH, { cache: new BlockCache(0), fileId: 1 });
      await expect(opening).rejects.toBeInstanceOf(CorruptionError);
      const error = expectCorruption(await opening.catch((e: unknown) => e), damaged.length);
      expect({ region, offsetBeforeFlip: error.offset <= at }).toEqual({ region, offsetBeforeFlip: true });
    }
  });

  it('fails open on a file cut anywhere', async () => {
    for (let length = 0; length < original.bytes.length; length += length < 100 ? 1 : 7) {
      const { errors, wrong } = await readAll(original.bytes.subarray(0, length));
      expect(wrong).toEqual([]);
      expect(errors).toHaveLength(1);
    }
  });

  it('detects damage that happens after open', async () => {
    const fs = await fileSystemWith(original.bytes);
    const reader = await SSTableReader.open(fs, PATH, { cache: new BlockCache(0), fileId: 1 });
    fs.patch(PATH, 10, Buffer.from([original.bytes[10] ^ 0x01]));
    await expect(reader.get(entries[0].key)).rejects.toBeInstanceOf(CorruptionError);
    await reader.close();
  });

  describe('forged metadata with valid checksums', () => {
    const withFooter = (change: (footer: ReturnType<typeof decodeFooter>) => Buffer): Buffer => {
      const bytes = Buffer.from(original.bytes);
      const footer = decodeFooter(bytes.subarray(-FOOTER_SIZE), PATH, bytes.length);
      change(footer).copy(bytes, bytes.length - FOOTER_SIZE);
      return bytes;
    };

    it('rejects handles that point past the end of the file', async () => {
      const bytes = withFooter((f) => encodeFooter({ ...f, index: { offset: f.index.offset, size: 1 << 20 } }));
      const error = (await readAll(bytes)).errors[0];
      expect(error.detail).toContain('index handle');
      expect(error.offset).toBe(bytes.length - FOOTER_SIZE);
    });

    it('rejects handles that point at the wrong block', async () => {
      const bytes = withFooter((f) => encodeFooter({ ...f, index: f.filter, filter: f.index }));
      expect((await readAll(bytes)).errors).toHaveLength(1);
    });

    it('rejects an unknown format version', async () => {
      const bytes = withFooter((f) => {
        const footer = encodeFooter(f);
        footer.writeUInt32LE(99, FOOTER_VERSION_OFFSET);
        return encodeFooterWithChecksum(footer);
      });
      const error = (await readAll(bytes)).errors[0];
      expect(error.detail).toContain('unsupported format version 99');
    });

    it('rejects a handle beyond 2^53', async () => {
      const bytes = withFooter((f) => {
        const footer = encodeFooter(f);
        footer.writeBigUInt64LE(1n << 60n, 0);
        return encodeFooterWithChecksum(footer);
      });
      expect((await readAll(bytes)).errors[0].detail).toContain('exceeds 2^53');
    });
  });
});

/** Recomputes the footer checksum after a test edited a field. */
function encodeFooterWithChecksum(footer: Buffer): Buffer {
  footer.writeUInt32LE(crc32c(footer.subarray(0, FOOTER_CHECKSUM_OFFSET)) >>> 0, FOOTER_CHECKSUM_OFFSET);
  return footer;
}
