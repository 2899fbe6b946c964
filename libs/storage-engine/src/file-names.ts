/**
 * Names of the files in an engine directory. Logs and tables share one file-number space (as in
 * LevelDB), so a number identifies a file unambiguously and orders creations.
 */
import * as nodePath from 'node:path';
import { SEGMENT_SUFFIX } from './commit-log/commit-log-format';

const WIDTH = 6;
export const TABLE_SUFFIX = '.sst';
export const MANIFEST_FILE = 'MANIFEST';
export const MANIFEST_TEMP_FILE = 'MANIFEST.tmp';
export const LOCK_FILE = 'LOCK';
/** Held only while a stale LOCK is being replaced, so one process at a time replaces it. */
export const LOCK_TAKEOVER_FILE = 'LOCK.takeover';

function numbered(n: bigint, suffix: string): string {
  return `${n.toString().padStart(WIDTH, '0')}${suffix}`;
}

export function segmentFileName(n: bigint): string {
  return numbered(n, SEGMENT_SUFFIX);
}

export function tableFileName(n: bigint): string {
  return numbered(n, TABLE_SUFFIX);
}

export function tablePath(dir: string, n: bigint): string {
  return nodePath.join(dir, tableFileName(n));
}

export function segmentPath(dir: string, n: bigint): string {
  return nodePath.join(dir, segmentFileName(n));
}

/** Returns the number of a file named `<digits><suffix>`, or undefined. */
export function parseNumberedFile(name: string, suffix: string): bigint | undefined {
  if (!name.endsWith(suffix)) return undefined;
  const digits = name.slice(0, -suffix.length);
  return /^[0-9]+$/.test(digits) ? BigInt(digits) : undefined;
}
