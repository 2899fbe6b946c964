/**
 * The manifest: which SSTables are live (newest first, with their tier and properties) and the
 * commit-log checkpoint (`logNumber`: every segment numbered below it is fully in tables).
 *
 * Contract: `writeManifest` replaces the whole snapshot atomically (tmp + fsync + rename +
 * directory fsync), so a crash leaves either the old or the new state, never a mix. Callers
 * serialize writes (the engine funnels them through one queue). `readManifest` returns
 * undefined for a fresh directory and throws CorruptionError for a damaged file.
 */
import { crc32c } from '@node-rs/crc32';
import * as nodePath from 'node:path';
import { CorruptionError } from '../errors';
import { MANIFEST_FILE, MANIFEST_TEMP_FILE } from '../file-names';
import type { FileSystem } from '../fs/file-system';
import {
  FORMAT_VERSION,
  MANIFEST_FIXED_PAYLOAD_BYTES,
  MANIFEST_HEADER_BYTES,
  MANIFEST_MAGIC,
  TABLE_FIXED_BYTES,
} from './manifest-format';

export interface TableMeta {
  fileNumber: bigint;
  /** How many compactions produced this table's data (0 = fresh from a flush). */
  tier: number;
  entryCount: number;
  tombstoneCount: number;
  fileSize: number;
  dataBytes: number;
  formatVersion: number;
  minKey: Buffer;
  maxKey: Buffer;
}

export interface ManifestState {
  nextFileNumber: bigint;
  logNumber: bigint;
  lastSequence: bigint;
  /** Newest first. */
  tables: TableMeta[];
}

export function encodeManifest(state: ManifestState): Buffer {
  let size = MANIFEST_FIXED_PAYLOAD_BYTES;
  for (const t of state.tables) size += TABLE_FIXED_BYTES + t.minKey.length + t.maxKey.length;
  const p = Buffer.alloc(size);
  let at = 0;
  at = p.writeBigUInt64LE(state.nextFileNumber, at);
  at = p.writeBigUInt64LE(state.logNumber, at);
  at = p.writeBigUInt64LE(state.lastSequence, at);
  at = p.writeUInt32LE(state.tables.length, at);
  for (const t of state.tables) {
    at = p.writeBigUInt64LE(t.fileNumber, at);
    at = p.writeUInt32LE(t.tier, at);
    at = p.writeBigUInt64LE(BigInt(t.entryCount), at);
    at = p.writeBigUInt64LE(BigInt(t.tombstoneCount), at);
    at = p.writeBigUInt64LE(BigInt(t.fileSize), at);
    at = p.writeBigUInt64LE(BigInt(t.dataBytes), at);
    at = p.writeUInt32LE(t.formatVersion, at);
    at = p.writeUInt32LE(t.minKey.length, at);
    at += t.minKey.copy(p, at);
    at = p.writeUInt32LE(t.maxKey.length, at);
    at += t.maxKey.copy(p, at);
  }
  const h = Buffer.alloc(MANIFEST_HEADER_BYTES);
  h.writeUInt32LE(MANIFEST_MAGIC, 0);
  h.writeUInt16LE(FORMAT_VERSION, 4);
  h.writeUInt32LE(p.length, 8);
  h.writeUInt32LE(crc32c(p), 12);
  return Buffer.concat([h, p]);
}

export function decodeManifest(file: string, b: Buffer): ManifestState {
  const fail = (offset: number, detail: string): never => {
    throw new CorruptionError(file, offset, detail);
  };
  if (b.length < MANIFEST_HEADER_BYTES) fail(0, 'truncated manifest header');
  if (b.readUInt32LE(0) !== MANIFEST_MAGIC) fail(0, 'bad manifest magic');
  const version = b.readUInt16LE(4);
  if (version !== FORMAT_VERSION) fail(4, `unknown manifest format version ${version}`);
  if (b.readUInt16LE(6) !== 0) fail(6, 'non-zero reserved field');
  const len = b.readUInt32LE(8);
  if (MANIFEST_HEADER_BYTES + len !== b.length) fail(8, `payload length ${len} does not match file size ${b.length}`);
  const p = b.subarray(MANIFEST_HEADER_BYTES);
  if (crc32c(p) !== b.readUInt32LE(12)) fail(12, 'manifest checksum mismatch');
  try {
    let at = 0;
    const nextFileNumber = p.readBigUInt64LE(at);
    const logNumber = p.readBigUInt64LE(at + 8);
    const lastSequence = p.readBigUInt64LE(at + 16);
    const count = p.readUInt32LE(at + 24);
    at += MANIFEST_FIXED_PAYLOAD_BYTES;
    const tables: TableMeta[] = [];
    for (let i = 0; i < count; i++) {
      const fileNumber = p.readBigUInt64LE(at);
      const tier = p.readUInt32LE(at + 8);
      const entryCount = Number(p.readBigUInt64LE(at + 12));
      const tombstoneCount = Number(p.readBigUInt64LE(at + 20));
      const fileSize = Number(p.readBigUInt64LE(at + 28));
      const dataBytes = Number(p.readBigUInt64LE(at + 36));
      const formatVersion = p.readUInt32LE(at + 44);
      const minLen = p.readUInt32LE(at + 48);
      at += 52;
      const minKey = Buffer.from(p.subarray(at, at + minLen));
      at += minLen;
      const maxLen = p.readUInt32LE(at);
      at += 4;
      const maxKey = Buffer.from(p.subarray(at, at + maxLen));
      at += maxLen;
      if (minKey.length !== minLen || maxKey.length !== maxLen) throw new RangeError('key past end');
      tables.push({ fileNumber, tier, entryCount, tombstoneCount, fileSize, dataBytes, formatVersion, minKey, maxKey });
    }
    if (at !== p.length) fail(MANIFEST_HEADER_BYTES + at, 'trailing bytes in manifest');
    return { nextFileNumber, logNumber, lastSequence, tables };
  } catch (err) {
    if (err instanceof CorruptionError) throw err;
    return fail(MANIFEST_HEADER_BYTES, `malformed manifest payload: ${(err as Error).message}`);
  }
}

export async function readManifest(fs: FileSystem, dir: string): Promise<ManifestState | undefined> {
  const path = nodePath.join(dir, MANIFEST_FILE);
  if (!(await fs.exists(path))) return undefined;
  return decodeManifest(path, await fs.readFile(path));
}

export async function writeManifest(fs: FileSystem, dir: string, state: ManifestState): Promise<void> {
  const tmp = nodePath.join(dir, MANIFEST_TEMP_FILE);
  if (await fs.exists(tmp)) await fs.unlink(tmp);
  const f = await fs.openAppend(tmp);
  try {
    await f.append(encodeManifest(state));
    await f.sync();
  } finally {
    await f.close();
  }
  await fs.rename(tmp, nodePath.join(dir, MANIFEST_FILE));
  await fs.syncDir(dir);
}
