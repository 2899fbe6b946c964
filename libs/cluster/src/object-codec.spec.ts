import { Buffer } from 'node:buffer';
import { MalformedBytesError } from './errors';
import { decodeObject, encodeObject } from './object-codec';
import { mergeObjects } from './object-merge';
import { bytes, randomObject, Rng } from './test-support/random';
import { makeClock } from './vector-clock';
import { VersionedObject } from './versioned-object';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// The examples of docs/formats/object.md, byte for byte.
const GOLDEN: Array<[string, VersionedObject, string]> = [
  [
    'one value',
    { versions: [{ clock: makeClock({ 'node-a': 1 }), value: bytes('hi'), writtenAt: 1_700_000_000_000, actor: 'node-a' }] },
    '01 01  00  01 06 6e6f64652d61 01  80d095ffbc31  06 6e6f64652d61  02 6869',
  ],
  [
    'a tombstone',
    { versions: [{ clock: makeClock({ 'node-a': 2 }), value: null, writtenAt: 1_700_000_060_000, actor: 'node-a' }] },
    '01 01  01  01 06 6e6f64652d61 02  e0a499ffbc31  06 6e6f64652d61',
  ],
  [
    'a value with expiry and an empty value sibling',
    {
      versions: [
        { clock: makeClock({ 'node-a': 1 }), value: bytes('hi'), writtenAt: 1_700_000_000_000, expiresAt: 1_700_000_060_000, actor: 'node-a' },
        { clock: makeClock({ 'node-b': 300 }), value: new Uint8Array(0), writtenAt: 0, actor: 'node-b' },
      ],
    },
    '01 02  02 01 06 6e6f64652d61 01 80d095ffbc31 e0a499ffbc31 06 6e6f64652d61 02 6869' +
      '  00 01 06 6e6f64652d62 ac02 00 06 6e6f64652d62 00',
  ],
  [
    'a version with a dot gap (written without context over node-a:2)',
    { versions: [{ clock: makeClock({ 'node-a': 3 }), value: bytes('hi'), writtenAt: 0, actor: 'node-a', actorBase: 0 }] },
    '01 01  04  01 06 6e6f64652d61 03  00  06 6e6f64652d61  00  02 6869',
  ],
];

describe('object codec', () => {
  it.each(GOLDEN)('encodes %s to the documented bytes and back', (_name, object, expected) => {
    expect(encodeObject(object).toString('hex')).toBe(hex(expected).toString('hex'));
    expect(decodeObject(hex(expected))).toEqual(object);
  });

  it('round-trips random objects, and decoded bytes re-encode identically', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 500; i++) {
      const object = randomObject(rng);
      const encoded = encodeObject(object);
      const decoded = decodeObject(encoded);
      expect(decoded).toEqual(object);
      expect(encodeObject(decoded).equals(encoded)).toBe(true);
    }
  });

  it('copies values out of the input buffer', () => {
    const encoded = encodeObject(GOLDEN[0]![1]);
    const decoded = decodeObject(encoded);
    encoded.fill(0);
    expect(Buffer.from(decoded.versions[0]!.value!).toString()).toBe('hi');
  });

  const MALFORMED: Array<[string, string]> = [
    ['empty input', ''],
    ['unknown format version', '02 01 00 01 06 6e6f64652d61 01 80d095ffbc31 06 6e6f64652d61 02 6869'],
    ['zero versions', '01 00'],
    ['an impossible version count', '01 ffff03'],
    ['unknown flag bits', '01 01 04 01 06 6e6f64652d61 01 80d095ffbc31 06 6e6f64652d61 02 6869'],
    ['a zero counter', '01 01 00 01 06 6e6f64652d61 00 80d095ffbc31 06 6e6f64652d61 02 6869'],
    ['unsorted clock actors', '01 01 01 02 06 6e6f64652d62 01 06 6e6f64652d61 01 00 06 6e6f64652d61'],
    ['duplicate clock actors', '01 01 01 02 06 6e6f64652d61 01 06 6e6f64652d61 01 00 06 6e6f64652d61'],
    ['an empty actor', '01 01 01 01 06 6e6f64652d61 01 00 00'],
    ['an invalid UTF-8 actor', '01 01 01 01 06 6e6f64652d61 01 00 02 c328'],
    ['an actor without a clock entry', '01 01 01 01 06 6e6f64652d61 01 00 06 6e6f64652d62'],
    ['a dot gap that is not one', '01 01 05 01 06 6e6f64652d61 02 00 06 6e6f64652d61 01'],
    ['a dot gap without its base', '01 01 05 01 06 6e6f64652d61 03 00 06 6e6f64652d61'],
    ['a non-minimal varint', '01 01 01 01 06 6e6f64652d61 01 8000 06 6e6f64652d61'],
    ['a varint past 2^53', '01 01 01 01 06 6e6f64652d61 01 ffffffffffffff7f 06 6e6f64652d61'],
    ['a varint of 9 bytes', '01 01 01 01 06 6e6f64652d61 01 ffffffffffffffff01 06 6e6f64652d61'],
    ['a value running past the end', '01 01 00 01 06 6e6f64652d61 01 00 06 6e6f64652d61 05 6869'],
    ['a missing expiry', '01 01 03 01 06 6e6f64652d61 01 00'],
    ['trailing bytes', GOLDEN[0]![2] + ' 00'],
    ['a truncated object', GOLDEN[0]![2].slice(0, -3)],
  ];
  it.each(MALFORMED)('rejects %s with MALFORMED_OBJECT', (_why, bytesHex) => {
    expect(() => decodeObject(hex(bytesHex))).toThrow(MalformedBytesError);
    expect(() => decodeObject(hex(bytesHex))).toThrow(expect.objectContaining({ code: 'MALFORMED_OBJECT' }));
  });

  it('never crashes or returns a non-canonical object on random bytes', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 5000; i++) {
      const input = rng.bytes(rng.int(0, 64));
      if (i % 2 === 0 && input.length > 0) input[0] = 1; // get past the version byte half the time
      checkDecodeIsTotal(input);
    }
  });

  it('never crashes on mutated valid objects (bit flips, truncation, insertion)', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 3000; i++) {
      const valid = encodeObject(mergeObjects(randomObject(rng)));
      let mutated: Buffer;
      switch (rng.int(0, 3)) {
        case 0:
          mutated = Buffer.from(valid);
          mutated[rng.int(0, mutated.length - 1)]! ^= 1 << rng.int(0, 7);
          break;
        case 1:
          mutated = valid.subarray(0, rng.int(0, valid.length - 1));
          break;
        case 2: {
          const at = rng.int(0, valid.length);
          mutated = Buffer.concat([valid.subarray(0, at), rng.bytes(rng.int(1, 3)), valid.subarray(at)]);
          break;
        }
        default:
          mutated = Buffer.from(valid);
          mutated[rng.int(0, mutated.length - 1)] = rng.int(0, 255);
      }
      checkDecodeIsTotal(mutated);
    }
  });

  it('refuses to encode an empty object or an invalid version', () => {
    expect(() => encodeObject({ versions: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const bad = { clock: makeClock({ a: 1 }), value: null, writtenAt: -1, actor: 'a' };
    expect(() => encodeObject({ versions: [bad] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

/** Decoding either throws MalformedBytesError or yields an object that re-encodes to the input. */
function checkDecodeIsTotal(input: Uint8Array): void {
  let decoded: VersionedObject;
  try {
    decoded = decodeObject(input);
  } catch (e) {
    expect(e).toBeInstanceOf(MalformedBytesError);
    return;
  }
  expect(encodeObject(decoded).equals(Buffer.from(input))).toBe(true);
}
