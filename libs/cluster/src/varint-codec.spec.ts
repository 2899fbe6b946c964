import { MalformedBytesError } from './errors';
import { ByteReader, ByteWriter } from './varint-codec';

describe('varints', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2 ** 32, '8080808010'],
    [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
  ])('%i <-> %s', (value, hex) => {
    const bytes = new ByteWriter().varint(value).finish();
    expect(bytes.toString('hex')).toBe(hex);
    const reader = new ByteReader(bytes, 'MALFORMED_OBJECT');
    expect(reader.varint('v')).toBe(value);
    expect(() => reader.end()).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['unterminated', '80'],
    ['non-minimal', '8000'],
    ['past 2^53', 'ffffffffffffff10'],
    ['nine bytes', '808080808080808001'],
  ])('rejects %s', (_why, hex) => {
    expect(() => new ByteReader(Buffer.from(hex, 'hex'), 'MALFORMED_OBJECT').varint('v')).toThrow(MalformedBytesError);
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1])('refuses to write %s', (value) => {
    expect(() => new ByteWriter().varint(value)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
