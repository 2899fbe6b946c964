import { CorruptionError } from '../errors';
import { decodeBlockHandle, encodeBlockHandle } from './block-handle';

describe('block handle', () => {
  it('round-trips offsets and sizes past 2^32 as u64 little-endian', () => {
    const handle = { offset: 2 ** 40 + 12345, size: 2 ** 33 + 7 };
    const encoded = encodeBlockHandle(handle);
    expect(encoded.toString('hex')).toBe('3930000000010000' + '0700000002000000');
    expect(decodeBlockHandle(encoded, 0, 'f', 0)).toEqual(handle);
  });

  it('round-trips the largest exact number', () => {
    const handle = { offset: Number.MAX_SAFE_INTEGER, size: 0 };
    expect(decodeBlockHandle(encodeBlockHandle(handle), 0, 'f', 0)).toEqual(handle);
  });

  it('reports values beyond 2^53 and short input as corruption at the right offset', () => {
    const encoded = Buffer.alloc(16);
    encoded.writeBigUInt64LE(1n << 53n, 8);
    expect(() => decodeBlockHandle(encoded, 0, 'f', 100)).toThrow(expect.objectContaining({ file: 'f', offset: 108 }));
    expect(() => decodeBlockHandle(Buffer.alloc(15), 0, 'f', 100)).toThrow(CorruptionError);
  });
});
