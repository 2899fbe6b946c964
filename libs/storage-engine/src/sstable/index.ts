/**
 * Public surface of the SSTable layer: writing a table, reading it, and the block cache shared
 * by the readers of one DB. Block-level codecs stay internal.
 */
export { BlockCache } from './block-cache';
export type { BlockCacheStats } from './block-cache';
export { SSTableReader } from './sstable-reader';
export type { SSTableEntry, SSTableRange, SSTableReaderOptions } from './sstable-reader';
export { SSTableWriter } from './sstable-writer';
export { DEFAULT_SSTABLE_WRITER_OPTIONS, TABLE_BYTES_PER_SYNC } from './sstable-options';
export type { SSTableWriterOptions } from './sstable-options';
export type { SSTableProperties } from './sstable-properties';
export { FORMAT_VERSION as SSTABLE_FORMAT_VERSION } from './sstable-format';
