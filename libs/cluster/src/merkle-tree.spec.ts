import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  buildMerkleTree,
  diffMerkleTrees,
  EMPTY_LEAF_HASH,
  MerkleTree,
  MerkleTreeBuilder,
} from './merkle-tree';
import { encodeStorageKey, storageKeyInRange, storageKeyRangeForTokens, storageKeyToken } from './storage-key';
import { bytes, Rng } from './test-support/random';
import { MAX_TOKEN } from './token';
import { rangeContains, TokenRange } from './token-range';

const WHOLE: TokenRange = { start: MAX_TOKEN, end: MAX_TOKEN };
const keys = (n: number) => Array.from({ length: n }, (_, i) => encodeStorageKey('t', `key-${i}`));
/** Entries of `range` in ring order: scan each byte range in the order returned. */
function scan(range: TokenRange, data: Map<string, Buffer>): Array<[Buffer, Buffer]> {
  const all = [...data].map(([k, v]) => [Buffer.from(k, 'hex'), v] as [Buffer, Buffer]);
  return storageKeyRangeForTokens(range.start, range.end).flatMap((br) =>
    all.filter(([k]) => storageKeyInRange(k, br)).sort((a, b) => Buffer.compare(a[0], b[0])),
  );
}
const dataset = (n: number) => new Map(keys(n).map((k, i) => [k.toString('hex'), bytes(`value-${i}`)]));

describe('Merkle trees', () => {
  it.each([
    ['the whole ring', WHOLE, 6],
    ['a plain range', { start: 1n << 62n, end: 3n << 62n }, 4],
    ['a wrapping range', { start: 3n << 62n, end: 1n << 62n }, 5],
    ['depth 0', WHOLE, 0],
  ])('equal data gives equal roots over %s', (_name, range, depth) => {
    const data = dataset(200);
    const a = buildMerkleTree({ range, depth }, scan(range, data));
    const b = buildMerkleTree({ range, depth }, scan(range, new Map(data)));
    expect(a.root().equals(b.root())).toBe(true);
    expect(diffMerkleTrees(a, b)).toEqual([]);
  });

  it.each([
    ['a changed value', 'change'],
    ['a missing key', 'delete'],
    ['an extra key', 'add'],
  ])('%s makes exactly its leaf differ, whose range holds the key', (_name, how) => {
    for (const range of [WHOLE, { start: 3n << 62n, end: 1n << 62n }]) {
      const data = dataset(300);
      const other = new Map(data);
      const victim = how === 'add' ? encodeStorageKey('t', 'extra') : keys(300)[137]!;
      if (how === 'change') other.set(victim.toString('hex'), bytes('changed'));
      else if (how === 'delete') other.delete(victim.toString('hex'));
      else other.set(victim.toString('hex'), bytes('new'));
      const token = storageKeyToken(victim);
      if (!rangeContains(range, token)) continue;
      const a = buildMerkleTree({ range, depth: 8 }, scan(range, data));
      const b = buildMerkleTree({ range, depth: 8 }, scan(range, other));
      expect(a.root().equals(b.root())).toBe(false);
      const diff = diffMerkleTrees(a, b);
      expect(diff).toHaveLength(1);
      expect(rangeContains(diff[0]!.range, token)).toBe(true);
      expect(diff[0]!.range).toEqual(a.leafRange(diff[0]!.index));
    }
  });

  it('hashes empty leaves to the fixed empty hash and leaves as documented', () => {
    const [key] = keys(1);
    const tree = buildMerkleTree({ range: WHOLE, depth: 2 }, [[key!, bytes('v')]]);
    const expectedLeaf = createHash('sha256')
      .update(Uint8Array.of(0))
      .update(Buffer.from([0, 0, 0, key!.length]))
      .update(key!)
      .update(createHash('sha256').update('v').digest())
      .digest();
    const leaves = tree.leafHashes();
    expect(leaves.filter((l) => l.equals(EMPTY_LEAF_HASH))).toHaveLength(3);
    expect(leaves.some((l) => l.equals(expectedLeaf))).toBe(true);
    expect(EMPTY_LEAF_HASH).toEqual(createHash('sha256').update(Uint8Array.of(0)).digest());
  });

  it('rejects keys out of ring order, repeated, or outside the range', () => {
    const entries = scan(WHOLE, dataset(10));
    const builder = new MerkleTreeBuilder({ range: WHOLE, depth: 3 });
    builder.add(entries[5]![0], entries[5]![1]);
    expect(() => builder.add(entries[2]![0], entries[2]![1])).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER' }));
    expect(() => builder.add(entries[5]![0], entries[5]![1])).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER' }));
    const narrow: TokenRange = { start: 0n, end: 1n };
    expect(() => new MerkleTreeBuilder({ range: narrow, depth: 1 }).add(entries[0]![0], bytes('x'))).toThrow(
      expect.objectContaining({ code: 'OUT_OF_ORDER' }),
    );
  });

  it('accepts a wrapping range in ring order (high tokens first), not in plain byte order', () => {
    const range: TokenRange = { start: 1n << 63n, end: 1n << 63n }; // whole ring starting mid-way
    const entries = scan(range, dataset(50));
    expect(() => buildMerkleTree({ range, depth: 4 }, entries)).not.toThrow();
    const byteOrder = [...entries].sort((a, b) => Buffer.compare(a[0], b[0]));
    expect(() => buildMerkleTree({ range, depth: 4 }, byteOrder)).toThrow(expect.objectContaining({ code: 'OUT_OF_ORDER' }));
  });

  it('round-trips through leaf hashes, and refuses to compare different shapes', () => {
    const tree = buildMerkleTree({ range: WHOLE, depth: 5 }, scan(WHOLE, dataset(40)));
    const copy = MerkleTree.fromLeaves({ range: WHOLE, depth: 5 }, tree.leafHashes());
    expect(copy.root()).toEqual(tree.root());
    const other = buildMerkleTree({ range: WHOLE, depth: 4 }, []);
    expect(() => diffMerkleTrees(tree, other)).toThrow(expect.objectContaining({ code: 'TREE_MISMATCH' }));
    expect(() => MerkleTree.fromLeaves({ range: WHOLE, depth: 5 }, [])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new MerkleTreeBuilder({ range: WHOLE, depth: 21 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('assigns every token to the leaf whose range holds it (tiny, wrapping and random ranges)', () => {
    const fakeKey = (token: bigint) => Buffer.concat([Buffer.from(token.toString(16).padStart(16, '0'), 'hex'), Buffer.from([1, 0x74, 0x6b])]);
    const rng = new Rng(31);
    const cases: Array<[TokenRange, bigint, number]> = [];
    // A range of 5 tokens over 8 leaves: 3 leaves are empty sub-ranges.
    for (let t = 101n; t <= 105n; t++) cases.push([{ start: 100n, end: 105n }, t, 3]);
    cases.push([{ start: MAX_TOKEN - 2n, end: 2n }, MAX_TOKEN, 2], [{ start: MAX_TOKEN - 2n, end: 2n }, 0n, 2]);
    for (let i = 0; i < 300; i++) {
      const range = { start: rng.bigint64(), end: rng.bigint64() };
      const t = rng.bigint64();
      if (rangeContains(range, t)) cases.push([range, t, rng.int(0, 10)]);
    }
    for (const [range, token, depth] of cases) {
      const builder = new MerkleTreeBuilder({ range, depth });
      builder.addHashed(fakeKey(token), Buffer.alloc(32, 7));
      const tree = builder.finish();
      const nonEmpty = [...Array(tree.leafCount).keys()].filter((i) => !tree.leafHash(i).equals(EMPTY_LEAF_HASH));
      expect(nonEmpty).toHaveLength(1);
      expect(rangeContains(tree.leafRange(nonEmpty[0]!)!, token)).toBe(true);
    }
  });
});
