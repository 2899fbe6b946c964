import { EntryKind } from '../format/entry-kind';
import { PackReader, PackWriter } from './packed-bytes';

describe('packed bytes', () => {
  it('round-trips entries and fields across growth, and hands over a transferable buffer', () => {
    const w = new PackWriter(16);
    const big = Buffer.alloc(5000, 9);
    w.entry(Buffer.from('k1'), EntryKind.Put, Buffer.from('v1'));
    w.entry(Buffer.from('k2'), EntryKind.Delete, Buffer.alloc(0));
    w.u8(7);
    w.u32(0xfffffffe);
    w.raw(big);
    const packed = w.take();
    expect(packed.buffer).toBeInstanceOf(ArrayBuffer);
    expect(w.length).toBe(0);
    const copy = structuredClone(packed, { transfer: [packed.buffer] });
    const r = new PackReader(copy);
    expect(r.entry()).toEqual({ key: Buffer.from('k1'), kind: EntryKind.Put, value: Buffer.from('v1') });
    expect(r.entry()).toEqual({ key: Buffer.from('k2'), kind: EntryKind.Delete, value: Buffer.alloc(0) });
    expect(r.u8()).toBe(7);
    expect(r.u32()).toBe(0xfffffffe);
    expect(r.raw(5000).equals(big)).toBe(true);
    expect(r.done).toBe(true);
    expect(() => r.u8()).toThrow(/truncated/);
  });
});
