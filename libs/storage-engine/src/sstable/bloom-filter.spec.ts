import { BloomFilter, BloomFilterBuilder, murmur3 } from './bloom-filter';
import { ringKey } from './test-support/table-fixture';

function keyAt(i: number): Buffer {
  return ringKey(BigInt(i) * 7919n, `tenant-${i % 3}`, `user-${i}`);
}

describe('murmur3', () => {
  it('matches the reference MurmurHash3_x86_32 vectors', () => {
    // The filter's bits are part of the file format: these values pin the hash.
    expect(murmur3(Buffer.alloc(0), 0)).toBe(0);
    expect(murmur3(Buffer.alloc(0), 1)).toBe(0x514e28b7);
    expect(murmur3(Buffer.alloc(0), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0)).toBe(0x76293b50);
    expect(murmur3(Buffer.from([0x21, 0x43, 0x65, 0x87]), 0)).toBe(0xf55b516b);
    expect(murmur3(Buffer.from([0x21, 0x43, 0x65]), 0)).toBe(0x7e4a8634);
    expect(murmur3(Buffer.from([0x21, 0x43]), 0)).toBe(0xa0f7b07a);
    expect(murmur3(Buffer.from([0x21]), 0)).toBe(0x72661cf4);
    expect(murmur3(Buffer.from('The quick brown fox jumps over the lazy dog'), 0)).toBe(0x2e4ff723);
  });
});

describe('BloomFilter', () => {
  const keyCount = 10_000;
  const builder = new BloomFilterBuilder(10);
  for (let i = 0; i < keyCount; i++) builder.addKey(keyAt(i));
  const encoded = builder.finish();
  const filter = BloomFilter.decode(encoded)!;

  it('uses about bitsPerKey bits per key and ln2 * bitsPerKey probes', () => {
    expect(encoded.length).toBe(keyCount * 10 / 8 + 1);
    expect(encoded[encoded.length - 1]).toBe(7);
  });

  it('has no false negatives', () => {
    for (let i = 0; i < keyCount; i++) expect(filter.mayContain(keyAt(i))).toBe(true);
  });

  it('has a false-positive rate below 2% on 10k absent keys', () => {
    let falsePositives = 0;
    for (let i = keyCount; i < 2 * keyCount; i++) if (filter.mayContain(keyAt(i))) falsePositives++;
    expect(falsePositives / keyCount).toBeLessThan(0.02);
    // A filter that said yes to everything would also pass the test above without this.
    expect(falsePositives).toBeLessThan(keyCount);
  });

  it('answers from the encoded bytes alone', () => {
    const copy = BloomFilter.decode(Buffer.from(encoded))!;
    for (let i = 0; i < 2 * keyCount; i += 97) expect(copy.mayContain(keyAt(i))).toBe(filter.mayContain(keyAt(i)));
  });

  it('rejects everything when empty, with a minimum size', () => {
    const empty = new BloomFilterBuilder(10).finish();
    expect(empty.length).toBe(9);
    const decoded = BloomFilter.decode(empty)!;
    expect(decoded.mayContain(Buffer.from('anything'))).toBe(false);
  });

  it('refuses impossible encodings', () => {
    expect(BloomFilter.decode(Buffer.alloc(0))).toBeUndefined();
    expect(BloomFilter.decode(Buffer.from([0xff]))).toBeUndefined();
    expect(BloomFilter.decode(Buffer.from([0xff, 0]))).toBeUndefined();
    expect(BloomFilter.decode(Buffer.from([0xff, 31]))).toBeUndefined();
  });
});
