/**
 * Encoding and decoding of commit-log segment headers and records (layout in
 * commit-log-format.ts). Pure functions over buffers: no I/O, so every corruption case is
 * table-testable.
 */
import { crc32c } from '@node-rs/crc32';
import { EntryKind, isEntryKind } from '../format/entry-kind';
import type { BatchOp } from '../write-batch';
import {
  BATCH_HEADER_BYTES,
  BATCH_OP_HEADER_BYTES,
  FORMAT_VERSION,
  LENGTH_OFFSET,
  MAX_RECORD_PAYLOAD_BYTES,
  RECORD_HEADER_BYTES,
  RecordType,
  SEGMENT_HEADER_BYTES,
  SEGMENT_MAGIC,
  TYPE_OFFSET,
} from './commit-log-format';

export interface DecodedBatch {
  sequence: bigint;
  ops: BatchOp[];
}

export function encodeSegmentHeader(segmentNumber: bigint): Buffer {
  const b = Buffer.alloc(SEGMENT_HEADER_BYTES);
  b.writeUInt32LE(SEGMENT_MAGIC, 0);
  b.writeUInt16LE(FORMAT_VERSION, 4);
  b.writeBigUInt64LE(segmentNumber, 8);
  return b;
}

export type HeaderCheck = { ok: true; segmentNumber: bigint } | { ok: false; reason: string };

export function decodeSegmentHeader(b: Buffer): HeaderCheck {
  if (b.length < SEGMENT_HEADER_BYTES) return { ok: false, reason: 'truncated segment header' };
  if (b.readUInt32LE(0) !== SEGMENT_MAGIC) return { ok: false, reason: 'bad segment magic' };
  const version = b.readUInt16LE(4);
  if (version !== FORMAT_VERSION) return { ok: false, reason: `unknown commit-log format version ${version}` };
  if (b.readUInt16LE(6) !== 0) return { ok: false, reason: 'non-zero reserved field in segment header' };
  return { ok: true, segmentNumber: b.readBigUInt64LE(8) };
}

/** Frames one WRITE_BATCH record: header + payload, checksummed. */
export function encodeBatchRecord(sequence: bigint, ops: readonly BatchOp[]): Buffer {
  let payload = BATCH_HEADER_BYTES;
  for (const op of ops) payload += BATCH_OP_HEADER_BYTES + op.key.length + op.value.length;
  const b = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload);
  b.writeUInt32LE(payload, LENGTH_OFFSET);
  b[TYPE_OFFSET] = RecordType.WriteBatch;
  let at = RECORD_HEADER_BYTES;
  b.writeBigUInt64LE(sequence, at);
  b.writeUInt32LE(ops.length, at + 8);
  at += BATCH_HEADER_BYTES;
  for (const op of ops) {
    b[at] = op.kind;
    b.writeUInt32LE(op.key.length, at + 1);
    b.writeUInt32LE(op.value.length, at + 5);
    at += BATCH_OP_HEADER_BYTES;
    op.key.copy(b, at);
    at += op.key.length;
    op.value.copy(b, at);
    at += op.value.length;
  }
  b.writeUInt32LE(crc32c(b.subarray(LENGTH_OFFSET)), 0);
  return b;
}

export type RecordCheck =
  | { ok: true; type: number; payload: Buffer; next: number }
  /** `truncated`: the bytes end inside this record (a torn tail if nothing valid follows). */
  | { ok: false; truncated: boolean; reason: string };

/** Validates the record starting at `offset` of `b`. */
export function decodeRecordAt(b: Buffer, offset: number): RecordCheck {
  if (b.length - offset < RECORD_HEADER_BYTES) return { ok: false, truncated: true, reason: 'truncated record header' };
  const length = b.readUInt32LE(offset + LENGTH_OFFSET);
  if (length > MAX_RECORD_PAYLOAD_BYTES) return { ok: false, truncated: false, reason: `implausible record length ${length}` };
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > b.length) return { ok: false, truncated: true, reason: 'record extends past end of segment' };
  const expected = b.readUInt32LE(offset);
  if (crc32c(b.subarray(offset + LENGTH_OFFSET, end)) !== expected) {
    return { ok: false, truncated: false, reason: 'record checksum mismatch' };
  }
  const type = b[offset + TYPE_OFFSET];
  if (type !== RecordType.WriteBatch) return { ok: false, truncated: false, reason: `unknown record type ${type}` };
  return { ok: true, type, payload: b.subarray(offset + RECORD_HEADER_BYTES, end), next: end };
}

/** Decodes a checksummed WRITE_BATCH payload; throws on a structurally invalid one. */
export function decodeBatch(payload: Buffer): DecodedBatch {
  if (payload.length < BATCH_HEADER_BYTES) throw new Error('batch payload too short');
  const sequence = payload.readBigUInt64LE(0);
  const count = payload.readUInt32LE(8);
  const ops: BatchOp[] = [];
  let at = BATCH_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + BATCH_OP_HEADER_BYTES > payload.length) throw new Error('batch op header past payload');
    const kind = payload[at];
    if (!isEntryKind(kind)) throw new Error(`unknown entry kind ${kind}`);
    const kl = payload.readUInt32LE(at + 1);
    const vl = payload.readUInt32LE(at + 5);
    at += BATCH_OP_HEADER_BYTES;
    if (at + kl + vl > payload.length) throw new Error('batch op past payload');
    // Copies: the segment buffer is large and short-lived; the memtable keeps these.
    const key = Buffer.from(payload.subarray(at, at + kl));
    const value = kind === EntryKind.Delete ? Buffer.alloc(0) : Buffer.from(payload.subarray(at + kl, at + kl + vl));
    ops.push({ kind: kind as EntryKind, key, value });
    at += kl + vl;
  }
  if (at !== payload.length) throw new Error('trailing bytes in batch payload');
  return { sequence, ops };
}
