import { MAX_VARINT32_LENGTH, readVarint32, writeVarint32 } from './varint';

describe('varint32', () => {
  it('round-trips boundary values with the expected lengths', () => {
    const cases: [number, number][] = [
      [0, 1], [127, 1], [128, 2], [16_383, 2], [16_384, 3], [2 ** 21, 4], [2 ** 28, 5], [0xffffffff, 5],
    ];
    for (const [value, length] of cases) {
      const buffer = Buffer.alloc(MAX_VARINT32_LENGTH);
      expect(writeVarint32(buffer, 0, value)).toBe(length);
      expect(readVarint32(buffer, 0, buffer.length)).toEqual({ value, next: length });
    }
  });

  it('reports a varint cut off by the limit or longer than 32 bits', () => {
    expect(readVarint32(Buffer.from([0x80, 0x80]), 0, 2)).toBeUndefined();
    expect(readVarint32(Buffer.from([0x80, 0x01]), 0, 1)).toBeUndefined();
    expect(readVarint32(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]), 0, 5)).toBeUndefined();
    expect(readVarint32(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 0, 6)).toBeUndefined();
  });
});
