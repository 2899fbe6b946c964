/**
 * Builders shared by the SSTable specs: sorted random entry sets in RingKV's key shape (a token
 * prefix shared by neighbours, then a tenant and a user key) and a one-call table writer.
 */
import { EntryKind } from '../../format/entry-kind';
import type { FileSystem } from '../../fs/file-system';
import { MemoryFileSystem } from '../../fs/memory-file-system';
import type { SSTableEntry } from '../sstable-reader';
import type { SSTableWriterOptions } from '../sstable-options';
import type { SSTableProperties } from '../sstable-properties';
import { SSTableWriter } from '../sstable-writer';
import { SeededRandom } from './seeded-random';

export const TABLE_DIR = '/tables';

export async function memoryFileSystem(): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  await fs.mkdir(TABLE_DIR);
  return fs;
}

/** A token-ordered key like the storage node's: 8-byte token, tenant, user key. */
export function ringKey(token: bigint, tenant: string, userKey: string): Buffer {
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(token);
  return Buffer.concat([head, Buffer.from(`${tenant}\0${userKey}`)]);
}

/** `count` distinct entries sorted by key, with all three kinds and some empty values. */
export function randomEntries(random: SeededRandom, count: number, maxValue = 64): SSTableEntry[] {
  const byKey = new Map<string, SSTableEntry>();
  while (byKey.size < count) {
    const token = BigInt(random.int(1 << 20)) << 40n;
    const key = ringKey(token, `t${random.int(4)}`, `k${random.int(1_000_000)}`);
    const roll = random.int(10);
    const kind = roll < 7 ? EntryKind.Put : roll < 9 ? EntryKind.Delete : EntryKind.Merge;
    const value = kind === EntryKind.Delete ? Buffer.alloc(0) : random.bytes(random.int(maxValue + 1));
    byKey.set(key.toString('hex'), { key, kind, value });
  }
  return [...byKey.values()].sort((a, b) => Buffer.compare(a.key, b.key));
}

export async function writeTable(
  fs: FileSystem,
  path: string,
  entries: readonly SSTableEntry[],
  options?: Partial<SSTableWriterOptions>,
): Promise<SSTableProperties> {
  const writer = await SSTableWriter.create(fs, path, options);
  for (const entry of entries) await writer.add(entry.key, entry.kind, entry.value);
  return writer.finish();
}

/**
 * Entries as compact strings: Jest's deep equality walks Buffers byte by byte through generic
 * iteration, which makes comparing thousands of entries slow; strings compare at once and still
 * show a readable diff.
 */
export function show(entries: readonly (SSTableEntry | undefined)[]): string[] {
  return entries.map((e) => (e === undefined ? 'absent' : `${EntryKind[e.kind]} ${e.key.toString('hex')}=${e.value.toString('hex')}`));
}
