import { CorruptionError } from '../errors';
import { BlockBuilder } from './block-builder';
import { BlockReader } from './block-reader';
import { SeededRandom } from './test-support/seeded-random';

interface Pair {
  key: Buffer;
  value: Buffer;
}

function build(pairs: readonly Pair[], restartInterval: number): BlockReader {
  const builder = new BlockBuilder(restartInterval);
  for (const { key, value } of pairs) builder.add(key, value);
  return new BlockReader(builder.finish(), '/t/block', 1000);
}

function scan(block: BlockReader): Pair[] {
  const out: Pair[] = [];
  const cursor = block.iterator();
  for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
    out.push({ key: Buffer.from(cursor.key()), value: Buffer.from(cursor.value()) });
  }
  return out;
}

/** Keys with long shared prefixes, gaps between them, and empty values every few entries. */
function pairs(count: number, seed: number): Pair[] {
  const random = new SeededRandom(seed);
  const out: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const key = Buffer.from(`token-${String(Math.floor(i / 7)).padStart(4, '0')}/tenant/${String(i * 2 + 1).padStart(6, '0')}`);
    out.push({ key, value: i % 5 === 0 ? Buffer.alloc(0) : random.bytes(random.int(40)) });
  }
  return out;
}

describe('BlockBuilder and BlockReader', () => {
  for (const restartInterval of [1, 2, 16, 1000]) {
    describe(`restart interval ${restartInterval}`, () => {
      const input = pairs(300, restartInterval);
      const block = build(input, restartInterval);

      it('round-trips every entry in order', () => {
        expect(scan(block)).toEqual(input);
      });

      it('seeks to every present key exactly', () => {
        for (const { key, value } of input) {
          const cursor = block.iterator();
          cursor.seek(key);
          expect(cursor.valid()).toBe(true);
          expect(cursor.key()).toEqual(key);
          expect(cursor.value()).toEqual(value);
        }
      });

      it('seeks an absent key to the next larger one', () => {
        for (let i = 0; i < input.length; i++) {
          // Keys end in odd numbers, so the even number below each one is absent and sorts
          // between it and its predecessor.
          const absent = Buffer.from(input[i].key.toString().replace(/\d{6}$/, (n) => String(Number(n) - 1).padStart(6, '0')));
          const cursor = block.iterator();
          cursor.seek(absent);
          expect(cursor.valid()).toBe(true);
          expect(cursor.key()).toEqual(input[i].key);
        }
      });

      it('seeks before the first key and past the last', () => {
        const cursor = block.iterator();
        cursor.seek(Buffer.alloc(0));
        expect(cursor.key()).toEqual(input[0].key);
        cursor.seek(Buffer.from('zzz'));
        expect(cursor.valid()).toBe(false);
      });
    });
  }

  it('makes blocks smaller with prefix compression', () => {
    const input = pairs(300, 1);
    expect(build(input, 16).byteLength).toBeLessThan(build(input, 1).byteLength * 0.7);
  });

  it('holds a value far larger than a block and an empty key', () => {
    const big = new SeededRandom(5).bytes(100_000);
    const input = [
      { key: Buffer.alloc(0), value: Buffer.from('first') },
      { key: Buffer.from('a'), value: big },
      { key: Buffer.from('b'), value: Buffer.alloc(0) },
    ];
    const block = build(input, 16);
    expect(scan(block)).toEqual(input);
    const cursor = block.iterator();
    cursor.seek(Buffer.from('a'));
    expect(cursor.value().equals(big)).toBe(true);
  });

  it('encodes an empty block that iterates as empty', () => {
    const block = build([], 16);
    expect(block.byteLength).toBe(4);
    expect(scan(block)).toEqual([]);
    const cursor = block.iterator();
    cursor.seek(Buffer.from('x'));
    expect(cursor.valid()).toBe(false);
  });

  it('is reusable after finish', () => {
    const builder = new BlockBuilder(4);
    builder.add(Buffer.from('b'), Buffer.from('1'));
    builder.finish();
    expect(builder.isEmpty).toBe(true);
    builder.add(Buffer.from('a'), Buffer.from('2'));
    expect(scan(new BlockReader(builder.finish(), 'f', 0))).toEqual([{ key: Buffer.from('a'), value: Buffer.from('2') }]);
  });

  describe('malformed contents', () => {
    const valid = (): Buffer => {
      const builder = new BlockBuilder(2);
      for (const { key, value } of pairs(10, 3)) builder.add(key, value);
      return builder.finish();
    };

    const expectCorruption = (fn: () => unknown): CorruptionError => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(CorruptionError);
        const corruption = error as CorruptionError;
        expect(corruption.file).toBe('/t/block');
        expect(corruption.offset).toBeGreaterThanOrEqual(1000);
        return corruption;
      }
      throw new Error('expected a CorruptionError');
    };

    it('rejects a block too short for its restart count', () => {
      expectCorruption(() => new BlockReader(Buffer.from([1, 0]), '/t/block', 1000));
    });

    it('rejects a restart count larger than the block', () => {
      const contents = valid();
      contents.writeUInt32LE(10_000, contents.length - 4);
      expectCorruption(() => new BlockReader(contents, '/t/block', 1000));
    });

    it('rejects restart offsets out of order or out of range', () => {
      const contents = valid();
      const count = contents.readUInt32LE(contents.length - 4);
      contents.writeUInt32LE(contents.length, contents.length - 4 - 4 * count + 4);
      expectCorruption(() => new BlockReader(contents, '/t/block', 1000));
    });

    it('rejects an entry whose lengths overrun the block', () => {
      const contents = valid();
      contents[2] = 0x7f; // value length of the first entry
      const block = new BlockReader(contents, '/t/block', 1000);
      expectCorruption(() => scan(block));
    });

    it('decodes or raises CorruptionError whatever byte is flipped, never another error', () => {
      // Flips the checksum would catch are decoded without it here; the reader must stay within
      // the block and fail only in its typed way.
      const original = valid();
      let detected = 0;
      for (let at = 0; at < original.length; at++) {
        const contents = Buffer.from(original);
        contents[at] ^= 0x55;
        try {
          const block = new BlockReader(contents, '/t/block', 1000);
          scan(block);
          for (const { key } of pairs(10, 3)) block.iterator().seek(key);
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptionError);
          detected++;
        }
      }
      expect(detected).toBeGreaterThan(0);
    });
  });
});
