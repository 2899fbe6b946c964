/**
 * Merkle trees for anti-entropy (SYSTEM.md §8). A tree covers a token range `(start, end]` split
 * into 2^depth near-equal sub-ranges, its leaves (token-range.ts splitRange). Two replicas build
 * trees over the same range and depth, compare them, and stream only the leaves that differ.
 *
 * Hashes (SHA-256, domain-separated so a leaf can never pass for an internal node):
 *   leaf     = H(0x00 || (u32be(len(storage key)) || storage key || H(object bytes))*)
 *              over the leaf's keys in ring order; an empty leaf is therefore H(0x00), fixed
 *   internal = H(0x01 || left || right)
 *
 * The builder is streaming: it takes (storage key, object bytes) in ring order (storage-key order,
 * scanning the byte ranges of storageKeyRangeForTokens in the order returned) and holds only the
 * leaf hashes, O(2^depth) memory. Out-of-order or out-of-range keys throw OUT_OF_ORDER: two
 * replicas hashing the same data in different orders would disagree for no reason.
 *
 * Object bytes must be canonical for equal data to hash equal; mergeObjects + encodeObject are.
 */
import { Buffer } from 'node:buffer';
import { createHash, Hash } from 'node:crypto';
import { ClusterError } from './errors';
import { storageKeyToken } from './storage-key';
import { offsetInRange, rangeContains, rangeSize, rangesEqual, splitRange, TokenRange } from './token-range';

/** Deepest tree accepted: 2^20 leaves is 32 MiB of leaf hashes. */
export const MAX_MERKLE_DEPTH = 20;
/** Bytes of every hash in the tree. */
export const MERKLE_HASH_BYTES = 32;

const LEAF_TAG = Uint8Array.of(0x00);
const NODE_TAG = Uint8Array.of(0x01);

/** Hash of a leaf with no keys. */
export const EMPTY_LEAF_HASH: Buffer = createHash('sha256').update(LEAF_TAG).digest();

export interface MerkleTreeShape {
  readonly range: TokenRange;
  readonly depth: number;
}

export interface MerkleDifference {
  /** Leaf index, 0..2^depth-1. */
  readonly index: number;
  /** Tokens of that leaf. */
  readonly range: TokenRange;
}

function checkShape(shape: MerkleTreeShape): void {
  if (!Number.isSafeInteger(shape.depth) || shape.depth < 0 || shape.depth > MAX_MERKLE_DEPTH) {
    throw new ClusterError('INVALID_ARGUMENT', `depth must be 0..${MAX_MERKLE_DEPTH}, got ${shape.depth}`);
  }
}

/** A finished tree: immutable levels of hashes, leaves first. */
export class MerkleTree {
  readonly range: TokenRange;
  readonly depth: number;
  /** levels[0] are the leaves, levels[depth] is [root]. */
  private readonly levels: Buffer[][];

  private constructor(shape: MerkleTreeShape, leaves: Buffer[]) {
    this.range = shape.range;
    this.depth = shape.depth;
    const levels = [leaves];
    for (let d = 0; d < shape.depth; d++) {
      const below = levels[d];
      const above: Buffer[] = [];
      for (let i = 0; i < below.length; i += 2) {
        above.push(createHash('sha256').update(NODE_TAG).update(below[i]).update(below[i + 1]).digest());
      }
      levels.push(above);
    }
    this.levels = levels;
  }

  /** Rebuilds a tree from its leaf hashes (e.g. received from another replica). */
  static fromLeaves(shape: MerkleTreeShape, leaves: readonly Uint8Array[]): MerkleTree {
    checkShape(shape);
    if (leaves.length !== 2 ** shape.depth || leaves.some((l) => l.length !== MERKLE_HASH_BYTES)) {
      throw new ClusterError('INVALID_ARGUMENT', `a depth-${shape.depth} tree needs ${2 ** shape.depth} hashes of ${MERKLE_HASH_BYTES} bytes`);
    }
    return new MerkleTree(shape, leaves.map((l) => Buffer.from(l)));
  }

  /** @internal used by the builder. */
  static fromBuilder(shape: MerkleTreeShape, leaves: Buffer[]): MerkleTree {
    return new MerkleTree(shape, leaves);
  }

  get leafCount(): number {
    return this.levels[0].length;
  }

  root(): Buffer {
    return this.levels[this.depth][0];
  }

  leafHash(index: number): Buffer {
    const leaf = this.levels[0][index];
    if (leaf === undefined) throw new ClusterError('INVALID_ARGUMENT', `no leaf ${index}`);
    return leaf;
  }

  leafHashes(): Buffer[] {
    return [...this.levels[0]];
  }

  /** Tokens of leaf `index`; null when the range has fewer tokens than leaves and this one is empty. */
  leafRange(index: number): TokenRange | null {
    return splitRange(this.range, this.leafCount)[index] ?? null;
  }

  /** Hash of node `index` at `level` (0 = leaves). */
  nodeHash(level: number, index: number): Buffer {
    const hash = this.levels[level]?.[index];
    if (hash === undefined) throw new ClusterError('INVALID_ARGUMENT', `no node ${index} at level ${level}`);
    return hash;
  }
}

/** The leaves of `a` and `b` whose hashes differ, ascending, found top-down. Throws TREE_MISMATCH on different shapes. */
export function diffMerkleTrees(a: MerkleTree, b: MerkleTree): MerkleDifference[] {
  if (!rangesEqual(a.range, b.range) || a.depth !== b.depth) {
    throw new ClusterError('TREE_MISMATCH', 'trees cover different ranges or depths');
  }
  let frontier = [0];
  for (let level = a.depth; level > 0; level--) {
    const next: number[] = [];
    for (const i of frontier) {
      if (!a.nodeHash(level, i).equals(b.nodeHash(level, i))) next.push(2 * i, 2 * i + 1);
    }
    frontier = next;
  }
  const leaves = splitRange(a.range, a.leafCount);
  // A leaf over no tokens (range smaller than the leaf count) holds no keys; it can only differ
  // in a tree rebuilt from bad leaf hashes, and there is nothing to stream for it.
  return frontier.flatMap((index) => {
    const range = leaves[index];
    return range != null && !a.leafHash(index).equals(b.leafHash(index)) ? [{ index, range }] : [];
  });
}

/** Streaming builder; see the file comment. */
export class MerkleTreeBuilder {
  private readonly shape: MerkleTreeShape;
  private readonly leafCount: bigint;
  private readonly size: bigint;
  private readonly leaves: Array<Buffer | undefined>;
  private current: { index: number; hash: Hash } | undefined;
  private lastKey: Buffer | undefined;
  private lastOffset = -1n;
  private finished = false;

  constructor(shape: MerkleTreeShape) {
    checkShape(shape);
    this.shape = { range: { start: shape.range.start, end: shape.range.end }, depth: shape.depth };
    this.leafCount = 1n << BigInt(shape.depth);
    this.size = rangeSize(shape.range);
    this.leaves = new Array<Buffer | undefined>(2 ** shape.depth).fill(undefined);
  }

  /** Adds a key and its stored object bytes. */
  add(storageKey: Uint8Array, objectBytes: Uint8Array): void {
    this.addHashed(storageKey, createHash('sha256').update(objectBytes).digest());
  }

  /** Adds a key with the SHA-256 of its object bytes, when the caller already has it. */
  addHashed(storageKey: Uint8Array, objectHash: Uint8Array): void {
    if (this.finished) throw new ClusterError('INVALID_ARGUMENT', 'builder already finished');
    if (objectHash.length !== MERKLE_HASH_BYTES) {
      throw new ClusterError('INVALID_ARGUMENT', `object hash must be ${MERKLE_HASH_BYTES} bytes`);
    }
    const key = Buffer.from(storageKey);
    const token = storageKeyToken(key);
    if (!rangeContains(this.shape.range, token)) {
      throw new ClusterError('OUT_OF_ORDER', `key with token ${token} is outside the tree's range`);
    }
    const offset = offsetInRange(this.shape.range, token);
    if (offset < this.lastOffset || (offset === this.lastOffset && this.lastKey !== undefined && Buffer.compare(key, this.lastKey) <= 0)) {
      throw new ClusterError('OUT_OF_ORDER', `key with token ${token} arrived after a later key (keys must come in ring order, without repeats)`);
    }
    this.lastOffset = offset;
    this.lastKey = key;
    // Leaf i holds offsets [floor(size*i/L), floor(size*(i+1)/L)).
    const index = Number(((offset + 1n) * this.leafCount - 1n) / this.size);
    if (this.current === undefined || this.current.index !== index) {
      this.closeLeaf();
      this.current = { index, hash: createHash('sha256').update(LEAF_TAG) };
    }
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(key.length, 0);
    this.current.hash.update(length).update(key).update(objectHash);
  }

  finish(): MerkleTree {
    if (this.finished) throw new ClusterError('INVALID_ARGUMENT', 'builder already finished');
    this.finished = true;
    this.closeLeaf();
    return MerkleTree.fromBuilder(
      this.shape,
      this.leaves.map((l) => l ?? EMPTY_LEAF_HASH),
    );
  }

  private closeLeaf(): void {
    if (this.current !== undefined) this.leaves[this.current.index] = this.current.hash.digest();
    this.current = undefined;
  }
}

/** Builds a tree from entries already in ring order. */
export function buildMerkleTree(
  shape: MerkleTreeShape,
  entries: Iterable<readonly [Uint8Array, Uint8Array]>,
): MerkleTree {
  const builder = new MerkleTreeBuilder(shape);
  for (const [key, bytes] of entries) builder.add(key, bytes);
  return builder.finish();
}
