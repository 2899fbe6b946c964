/**
 * Token-range operations over the engine: scanning a range (streaming to a joining node,
 * anti-entropy repair), hashing it into Merkle leaves, and deleting it (cleanup after ownership
 * moved). Ranges are `(start, end]` on the ring; storage keys are token-first, so a range is one
 * or two contiguous key ranges (two when it wraps), visited in ring order.
 *
 * Cursors: a scan returns, with each batch, the storage key of its last entry; passing it back
 * resumes strictly after it. Resumption is exact because keys are unique and ordered, and it
 * stays correct across writes and compactions in between (it is a key, not a file position).
 */
import {
  decodeStorageKey,
  MerkleTreeBuilder,
  storageKeyInRange,
  storageKeyRangeForTokens,
  tokenRange,
  type StorageKeyRange,
} from '@ringkv/cluster';
import type { StorageEngine, WriteBatch as WriteBatchType } from '@ringkv/storage-engine';
import { WriteBatch } from '@ringkv/storage-engine';
import { invalidRequest } from './store-error';
import { fromEngineError } from './engine-errors';
import { optionalTenant, validateTokenRange, type TokenRangeInput } from './request-validation';

export interface RangeParams extends TokenRangeInput {
  /** Empty: every tenant. */
  tenantId: string;
}

export interface ScanParams extends RangeParams {
  /** Empty: from the start of the range. */
  cursor: Uint8Array;
}

export interface MerkleParams extends RangeParams {
  depth: number;
}

export interface ScannedEntry {
  storageKey: Buffer;
  tenantId: string;
  key: string;
  object: Buffer;
}

/** Deletes are written in batches of this many keys: bounded commit-log records and memory. */
const DELETE_BATCH = 512;

/** The byte ranges of the token range, cut to start strictly after `cursor` when one is given. */
function keyRanges(params: ScanParams | RangeParams): StorageKeyRange[] {
  validateTokenRange(params);
  const ranges = storageKeyRangeForTokens(params.start, params.end);
  const cursor = 'cursor' in params && params.cursor.length > 0 ? Buffer.from(params.cursor) : undefined;
  if (cursor === undefined) return ranges;
  const at = ranges.findIndex((r) => storageKeyInRange(cursor, r));
  const containing = ranges[at];
  if (containing === undefined) throw invalidRequest('cursor does not lie in the requested range');
  // The smallest key after `cursor` is `cursor` followed by a zero byte.
  const after = Buffer.concat([cursor, Buffer.of(0)]);
  return [{ start: after, end: containing.end }, ...ranges.slice(at + 1)];
}

/** Every stored object of the range, in ring order, optionally for one tenant. */
export async function* scanRange(engine: StorageEngine, params: ScanParams): AsyncGenerator<ScannedEntry> {
  const tenant = optionalTenant(params.tenantId);
  const ranges = keyRanges(params);
  try {
    for (const range of ranges) {
      for await (const { key, value } of engine.scan({ start: range.start, end: range.end })) {
        // The token was checked when the key was written; skip re-hashing it on every scan.
        const decoded = decodeStorageKey(key, { verifyToken: false });
        if (tenant !== undefined && decoded.tenantId !== tenant) continue;
        yield { storageKey: key, tenantId: decoded.tenantId, key: decoded.key, object: value };
      }
    }
  } catch (error) {
    throw fromEngineError(error);
  }
}

/** Merkle leaves of the range (the cluster's builder), from a scan of that range only. */
export async function buildMerkleTree(engine: StorageEngine, params: MerkleParams): Promise<{ leaves: Buffer[]; keys: number }> {
  validateTokenRange(params);
  let builder: MerkleTreeBuilder;
  try {
    builder = new MerkleTreeBuilder({ range: tokenRange(params.start, params.end), depth: params.depth });
  } catch (error) {
    throw invalidRequest((error as Error).message, error);
  }
  let keys = 0;
  for await (const entry of scanRange(engine, { ...params, cursor: Buffer.alloc(0) })) {
    builder.add(entry.storageKey, entry.object);
    keys += 1;
  }
  return { leaves: builder.finish().leafHashes(), keys };
}

/** Deletes every object of the range (optionally one tenant's); returns how many. */
export async function deleteRange(
  engine: StorageEngine,
  params: RangeParams,
  write: (batch: WriteBatchType) => Promise<void>,
): Promise<number> {
  let deleted = 0;
  let batch = new WriteBatch();
  for await (const entry of scanRange(engine, { ...params, cursor: Buffer.alloc(0) })) {
    batch.delete(entry.storageKey);
    if (batch.length >= DELETE_BATCH) {
      await write(batch);
      deleted += batch.length;
      batch = new WriteBatch();
    }
  }
  if (batch.length > 0) {
    await write(batch);
    deleted += batch.length;
  }
  return deleted;
}
