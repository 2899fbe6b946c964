import { Buffer } from 'node:buffer';
import { MalformedBytesError } from './errors';
import { Rng } from './test-support/random';
import {
  decodeStorageKey,
  encodeStorageKey,
  storageKeyInRange,
  storageKeyRangeForTokens,
  storageKeyToken,
} from './storage-key';
import { MAX_TOKEN, tokenOf, tokenToBytes } from './token';
import { rangeContains } from './token-range';

describe('storage keys', () => {
  it('lays out token | tenant length | tenant | key (golden)', () => {
    const key = encodeStorageKey('acme', 'user:42');
    expect(key.toString('hex')).toBe('dec34f8ccb077172' + '04' + Buffer.from('acme').toString('hex') + Buffer.from('user:42').toString('hex'));
  });

  it.each([
    ['acme', 'user:42'],
    ['t', 'k'],
    ['tenant_with-dash', 'clé 🔑 with spaces'],
    ['x'.repeat(255), 'y'.repeat(1024)],
  ])('round-trips (%s, %s)', (tenantId, key) => {
    const bytes = encodeStorageKey(tenantId, key);
    expect(decodeStorageKey(bytes)).toEqual({ token: tokenOf(tenantId, key), tenantId, key });
    expect(storageKeyToken(bytes)).toBe(tokenOf(tenantId, key));
  });

  it('keeps tenants apart even when tenant+key concatenate equally', () => {
    expect(encodeStorageKey('ab', 'c').equals(encodeStorageKey('a', 'bc'))).toBe(false);
  });

  it.each([
    ['', 'k'],
    ['x'.repeat(256), 'k'],
    ['tén', 'k'],
    ['a b', 'k'],
    ['t', ''],
    ['t', 'bad\uD800'],
  ])('refuses to encode (%j, %j)', (tenantId, key) => {
    expect(() => encodeStorageKey(tenantId, key)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  const good = encodeStorageKey('acme', 'k1');
  it.each([
    ['too short', good.subarray(0, 10)],
    ['zero tenant length', Buffer.concat([good.subarray(0, 8), Buffer.from([0]), Buffer.from('acmek1')])],
    ['tenant length past the end', Buffer.concat([good.subarray(0, 8), Buffer.from([20]), Buffer.from('acmek1')])],
    ['tenant with no key', Buffer.concat([good.subarray(0, 8), Buffer.from([6]), Buffer.from('acmek1')])],
    ['non-ASCII tenant', Buffer.concat([good.subarray(0, 8), Buffer.from([4]), Buffer.from([0x61, 0xe9, 0x61, 0x61]), Buffer.from('k1')])],
    ['invalid UTF-8 key', Buffer.concat([good.subarray(0, 13), Buffer.from([0xc3, 0x28])])],
    ['wrong token', Buffer.concat([tokenToBytes(1n), good.subarray(8)])],
  ])('rejects a key with %s', (_why, bytes) => {
    expect(() => decodeStorageKey(bytes)).toThrow(MalformedBytesError);
    expect(() => decodeStorageKey(bytes)).toThrow(expect.objectContaining({ code: 'MALFORMED_STORAGE_KEY' }));
  });

  it('can skip token verification', () => {
    const bytes = Buffer.concat([tokenToBytes(1n), good.subarray(8)]);
    expect(decodeStorageKey(bytes, { verifyToken: false }).token).toBe(1n);
  });

  it('never crashes on random bytes', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = rng.bytes(rng.int(0, 40));
      try {
        decodeStorageKey(bytes, { verifyToken: rng.bool() });
      } catch (e) {
        expect(e).toBeInstanceOf(MalformedBytesError);
      }
    }
  });

  describe('storageKeyRangeForTokens', () => {
    const t = (n: bigint) => tokenToBytes(n);
    it.each([
      ['plain', 10n, 20n, [[t(11n), t(21n)]]],
      ['to the end of the ring', 10n, MAX_TOKEN, [[t(11n), undefined]]],
      ['from MAX (no wrap left)', MAX_TOKEN, 5n, [[t(0n), t(6n)]]],
      ['wrapping', 20n, 10n, [[t(21n), undefined], [t(0n), t(11n)]]],
      ['whole ring', 7n, 7n, [[t(8n), undefined], [t(0n), t(8n)]]],
      ['whole ring from MAX', MAX_TOKEN, MAX_TOKEN, [[t(0n), undefined]]],
    ] as const)('%s: (%s, %s]', (_name, start, end, expected) => {
      const ranges = storageKeyRangeForTokens(start, end);
      expect(ranges.map((r) => [r.start, r.end])).toEqual(expected);
    });

    it('selects exactly the keys whose token is in the range (random keys, random ranges)', () => {
      const rng = new Rng(11);
      const keys = Array.from({ length: 300 }, (_, i) => encodeStorageKey('t', `key-${i}`));
      for (let round = 0; round < 200; round++) {
        const start = rng.bool(0.1) ? MAX_TOKEN : rng.bigint64();
        const end = rng.bool(0.1) ? start : rng.bigint64();
        const ranges = storageKeyRangeForTokens(start, end);
        for (const key of keys) {
          const inBytes = ranges.some((r) => storageKeyInRange(key, r));
          expect(inBytes).toBe(rangeContains({ start, end }, storageKeyToken(key)));
        }
      }
    });
  });
});
