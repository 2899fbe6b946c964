/**
 * The whole-table bloom filter: lets a point read skip an SSTable without touching its data
 * blocks when the key is certainly absent. No false negatives: every added key answers true.
 *
 * Encoding (see sstable-format.ts): a bit array of m bits followed by one byte holding the probe
 * count k. A key sets bits g_i = (h1 + i * h2) mod m for i in [0, k), where h1 and h2 are
 * MurmurHash3_x86_32 of the key under two fixed seeds (double hashing) and the sum is computed
 * exactly, without 32-bit wraparound. Bit g lives in byte g >> 3 at bit position g & 7 (LSB 0).
 */
import { BLOOM_HASH_SEED_1, BLOOM_HASH_SEED_2, BLOOM_MAX_PROBES } from './sstable-format';

/** Fewer bits than this make the false-positive rate of tiny tables needlessly high. */
const MIN_FILTER_BITS = 64;

export class BloomFilterBuilder {
  /**
   * h1, h2 pairs of every added key; 8 bytes per key instead of the keys themselves (a typed
   * array: most hashes exceed 2^31, and in a plain array each would be a boxed heap number).
   */
  private hashes: Uint32Array = new Uint32Array(1024);
  private used = 0;

  constructor(private readonly bitsPerKey: number) {
    if (!Number.isSafeInteger(bitsPerKey) || bitsPerKey < 1) {
      throw new RangeError(`bloom bits per key must be a positive integer, got ${bitsPerKey}`);
    }
  }

  get keyCount(): number {
    return this.used / 2;
  }

  addKey(key: Uint8Array): void {
    if (this.used + 2 > this.hashes.length) {
      const grown = new Uint32Array(Math.max(1024, this.hashes.length * 2));
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.used++] = murmur3(key, BLOOM_HASH_SEED_1);
    this.hashes[this.used++] = murmur3(key, BLOOM_HASH_SEED_2);
  }

  /** Encodes the filter; the builder is spent afterwards. */
  finish(): Buffer {
    const keys = this.keyCount;
    // k = bitsPerKey * ln 2 minimises false positives for a given size.
    const probes = Math.min(BLOOM_MAX_PROBES, Math.max(1, Math.round(this.bitsPerKey * Math.LN2)));
    const bytes = Math.ceil(Math.max(MIN_FILTER_BITS, keys * this.bitsPerKey) / 8);
    const bits = bytes * 8;
    const filter = Buffer.alloc(bytes + 1);
    for (let i = 0; i < this.used; i += 2) {
      const h1 = this.hashes[i];
      const h2 = this.hashes[i + 1];
      for (let probe = 0; probe < probes; probe++) {
        const bit = (h1 + probe * h2) % bits;
        filter[bit >>> 3] |= 1 << (bit & 7);
      }
    }
    filter[bytes] = probes;
    this.hashes = new Uint32Array(0);
    this.used = 0;
    return filter;
  }
}

export class BloomFilter {
  private readonly bits: number;
  private readonly probes: number;

  /**
   * Wraps an encoded filter. Returns undefined when the encoding is impossible (no bit array or a
   * probe count out of range), so the SSTable reader can report it as corruption with context.
   */
  static decode(encoded: Buffer): BloomFilter | undefined {
    if (encoded.length < 2) return undefined;
    const probes = encoded[encoded.length - 1];
    if (probes < 1 || probes > BLOOM_MAX_PROBES) return undefined;
    return new BloomFilter(encoded.subarray(0, encoded.length - 1), probes);
  }

  private constructor(
    private readonly array: Buffer,
    probes: number,
  ) {
    this.bits = array.length * 8;
    this.probes = probes;
  }

  /** False means the key was never added; true means it probably was. */
  mayContain(key: Uint8Array): boolean {
    const h1 = murmur3(key, BLOOM_HASH_SEED_1);
    const h2 = murmur3(key, BLOOM_HASH_SEED_2);
    for (let probe = 0; probe < this.probes; probe++) {
      const bit = (h1 + probe * h2) % this.bits;
      if ((this.array[bit >>> 3] & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  }
}

// Bound once: a global lookup per call is measurably slow in hosts that run modules in a vm
// context (the test runner), and this runs twice per key on every point read.
const imul = Math.imul;

/** MurmurHash3_x86_32 (Austin Appleby's public-domain reference), as an unsigned 32-bit number. */
export function murmur3(key: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed | 0;
  const blocks = key.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24);
    k = imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = key.length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= key[blocks + 2] << 16;
    if (tail >= 2) k ^= key[blocks + 1] << 8;
    k ^= key[blocks];
    k = imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = imul(k, c2);
    h ^= k;
  }
  h ^= key.length;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
