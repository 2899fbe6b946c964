/**
 * Replays commit-log segments in order, for recovery.
 *
 * Contract:
 * - Calls `onBatch` for every valid record, in log order, and never for a record that fails its
 *   checksum or structure.
 * - A bad region at the very end of the LAST segment, with no valid record after it, is a torn
 *   tail (a crash mid-append): replay stops there cleanly and reports file, offset and bytes
 *   dropped.
 * - A bad region followed by a valid record (in the same or a later segment) is corruption in
 *   the middle: a CorruptionError, unless `skipCorruptRecords`, in which case the region is
 *   skipped and reported.
 * Segments are read whole: they are bounded by `commitLogSegmentBytes`.
 */
import { CorruptionError } from '../errors';
import type { FileSystem } from '../fs/file-system';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './commit-log-format';
import { decodeBatch, decodeRecordAt, decodeSegmentHeader, type DecodedBatch } from './commit-log-record';

export interface DroppedRegion {
  file: string;
  offset: number;
  bytesDropped: number;
  reason: string;
}

export interface ReplayReport {
  segments: number;
  records: number;
  /** The torn tail that replay stopped at, if any. */
  tornTail?: DroppedRegion;
  /** Corrupt regions skipped because `skipCorruptRecords` was set. */
  skipped: DroppedRegion[];
}

export interface ReplayOptions {
  skipCorruptRecords: boolean;
}

/** Finds the next offset after `from` where a valid record starts, or -1. */
function resync(b: Buffer, from: number): number {
  for (let p = from + 1; p + RECORD_HEADER_BYTES <= b.length; p++) {
    const r = decodeRecordAt(b, p);
    if (r.ok) {
      try {
        decodeBatch(r.payload);
        return p;
      } catch {
        // a checksum-valid but malformed payload is not a resync point
      }
    }
  }
  return -1;
}

export async function replaySegments(
  fs: FileSystem,
  paths: readonly string[],
  options: ReplayOptions,
  onBatch: (batch: DecodedBatch) => void | Promise<void>,
): Promise<ReplayReport> {
  const report: ReplayReport = { segments: 0, records: 0, skipped: [] };
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i];
    const isLast = i === paths.length - 1;
    const b = await fs.readFile(path);
    report.segments++;

    const bad = (offset: number, resumeAt: number, reason: string): 'stop' | 'skip' => {
      const region: DroppedRegion = { file: path, offset, bytesDropped: resumeAt - offset, reason };
      if (resumeAt === b.length && isLast) {
        report.tornTail = region;
        return 'stop';
      }
      if (!options.skipCorruptRecords) throw new CorruptionError(path, offset, reason, resumeAt - offset);
      report.skipped.push(region);
      return 'skip';
    };

    const header = decodeSegmentHeader(b);
    if (!header.ok) {
      // A segment whose header never fully reached disk holds no records.
      if (b.length < SEGMENT_HEADER_BYTES && isLast) {
        report.tornTail = { file: path, offset: 0, bytesDropped: b.length, reason: header.reason };
        break;
      }
      if (!options.skipCorruptRecords) throw new CorruptionError(path, 0, header.reason, b.length);
      report.skipped.push({ file: path, offset: 0, bytesDropped: b.length, reason: header.reason });
      continue;
    }

    let at = SEGMENT_HEADER_BYTES;
    while (at < b.length) {
      const r = decodeRecordAt(b, at);
      let batch: DecodedBatch | undefined;
      let reason = r.ok ? '' : r.reason;
      if (r.ok) {
        try {
          batch = decodeBatch(r.payload);
        } catch (err) {
          reason = `malformed batch: ${(err as Error).message}`;
        }
      }
      if (r.ok && batch) {
        await onBatch(batch);
        report.records++;
        at = r.next;
        continue;
      }
      const next = resync(b, at);
      const resumeAt = next < 0 ? b.length : next;
      if (bad(at, resumeAt, reason) === 'stop') return report;
      at = resumeAt;
    }
  }
  return report;
}
