import { EntryKind } from '../format/entry-kind';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './commit-log-format';
import { decodeBatch, decodeRecordAt, decodeSegmentHeader, encodeBatchRecord, encodeSegmentHeader } from './commit-log-record';

const ops = [
  { kind: EntryKind.Put, key: Buffer.from('k1'), value: Buffer.from('v1') },
  { kind: EntryKind.Delete, key: Buffer.from('k2'), value: Buffer.alloc(0) },
  { kind: EntryKind.Merge, key: Buffer.from('k3'), value: Buffer.from('op') },
];

describe('commit-log records', () => {
  it('round-trips a batch with a 64-bit sequence number', () => {
    const seq = 2n ** 60n + 7n;
    const rec = encodeBatchRecord(seq, ops);
    const r = decodeRecordAt(rec, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.next).toBe(rec.length);
    const b = decodeBatch(r.payload);
    expect(b.sequence).toBe(seq);
    expect(b.ops).toEqual(ops);
  });

  it('detects every single flipped byte', () => {
    const rec = encodeBatchRecord(1n, ops);
    for (let i = 0; i < rec.length; i++) {
      const bad = Buffer.from(rec);
      bad[i] ^= 0x40;
      const r = decodeRecordAt(bad, 0);
      expect(r.ok).toBe(false);
    }
  });

  it('classifies a cut record as truncated', () => {
    const rec = encodeBatchRecord(1n, ops);
    for (const cut of [1, RECORD_HEADER_BYTES - 1, RECORD_HEADER_BYTES + 3, rec.length - 1]) {
      const r = decodeRecordAt(rec.subarray(0, cut), 0);
      expect(r).toMatchObject({ ok: false, truncated: true });
    }
  });

  it('encodes and validates segment headers', () => {
    const h = encodeSegmentHeader(42n);
    expect(h.length).toBe(SEGMENT_HEADER_BYTES);
    expect(decodeSegmentHeader(h)).toEqual({ ok: true, segmentNumber: 42n });
    const bad = Buffer.from(h);
    bad[4] = 99;
    expect(decodeSegmentHeader(bad)).toMatchObject({ ok: false });
    expect(decodeSegmentHeader(h.subarray(0, 5))).toMatchObject({ ok: false });
  });
});
