/**
 * What an SSTable says about itself: counts and key bounds that compaction and the read path
 * use without scanning data blocks. Stored in the properties block as name -> value entries
 * (names in sstable-format.ts); `formatVersion` comes from the footer and `fileSize` from the
 * file itself, so neither is stored twice.
 *
 * Readers ignore property names they do not know and reject a table missing a required one.
 */
import { CorruptionError } from '../errors';
import { BlockBuilder } from './block-builder';
import { BlockReader } from './block-reader';
import { readSafeUint64 } from './block-handle';
import {
  PROPERTY_DATA_BLOCK_COUNT,
  PROPERTY_DATA_BYTES,
  PROPERTY_ENTRY_COUNT,
  PROPERTY_MAX_KEY,
  PROPERTY_MIN_KEY,
  PROPERTY_TOMBSTONE_COUNT,
} from './sstable-format';

export interface SSTableProperties {
  formatVersion: number;
  /** Entries of every kind, tombstones included. */
  entryCount: number;
  /** Entries of kind Delete. */
  tombstoneCount: number;
  /** Smallest key; empty when the table has no entries. */
  minKey: Buffer;
  /** Largest key; empty when the table has no entries. */
  maxKey: Buffer;
  /** Size of the whole file in bytes. */
  fileSize: number;
  /** Bytes of all data blocks as stored, trailers included: the file minus its metadata. */
  dataBytes: number;
}

/** The stored subset of SSTableProperties, plus the block count the reader cross-checks. */
export interface StoredProperties {
  entryCount: number;
  tombstoneCount: number;
  minKey: Buffer;
  maxKey: Buffer;
  dataBytes: number;
  dataBlockCount: number;
}

export function encodeProperties(properties: StoredProperties, restartInterval: number): Buffer {
  const entries: [string, Buffer][] = [
    [PROPERTY_DATA_BLOCK_COUNT, uint64(properties.dataBlockCount)],
    [PROPERTY_DATA_BYTES, uint64(properties.dataBytes)],
    [PROPERTY_ENTRY_COUNT, uint64(properties.entryCount)],
    [PROPERTY_MAX_KEY, properties.maxKey],
    [PROPERTY_MIN_KEY, properties.minKey],
    [PROPERTY_TOMBSTONE_COUNT, uint64(properties.tombstoneCount)],
  ];
  entries.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const builder = new BlockBuilder(restartInterval);
  for (const [name, value] of entries) builder.add(Buffer.from(name, 'latin1'), value);
  return builder.finish();
}

export function decodeProperties(block: BlockReader): StoredProperties {
  const found = new Map<string, { value: Buffer; at: number }>();
  const cursor = block.iterator();
  for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
    found.set(cursor.key().toString('latin1'), { value: cursor.value(), at: cursor.valueFileOffset() });
  }
  const raw = (name: string): { value: Buffer; at: number } => {
    const property = found.get(name);
    if (property === undefined) throw block.corruption(0, `properties block lacks ${name}`);
    return property;
  };
  const count = (name: string): number => {
    const { value, at } = raw(name);
    if (value.length !== 8) {
      throw new CorruptionError(block.file, at, `property ${name} has ${value.length} bytes, expected 8`);
    }
    return readSafeUint64(value, 0, block.file, at);
  };
  return {
    entryCount: count(PROPERTY_ENTRY_COUNT),
    tombstoneCount: count(PROPERTY_TOMBSTONE_COUNT),
    dataBytes: count(PROPERTY_DATA_BYTES),
    dataBlockCount: count(PROPERTY_DATA_BLOCK_COUNT),
    minKey: Buffer.from(raw(PROPERTY_MIN_KEY).value),
    maxKey: Buffer.from(raw(PROPERTY_MAX_KEY).value),
  };
}

function uint64(value: number): Buffer {
  const encoded = Buffer.alloc(8);
  encoded.writeBigUInt64LE(BigInt(value));
  return encoded;
}
