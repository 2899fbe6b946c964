import { ClusterError } from './errors';
import {
  hashToToken,
  MAX_TOKEN,
  tokenFromBytes,
  tokenFromString,
  tokenOf,
  tokenToBytes,
  tokenToString,
} from './token';

describe('token', () => {
  it('is the first 8 bytes of SHA-256(tenant:key), big-endian (golden values from sha256sum)', () => {
    expect(tokenOf('acme', 'user:42')).toBe(0xdec34f8ccb077172n);
    expect(tokenOf('t', 'k')).toBe(0x21da45492b9a16b3n);
    expect(hashToToken('node-1#0')).toBe(0x1e764963f03e78afn);
    expect(tokenToString(tokenOf('acme', 'user:42'))).toBe('16051760962998858098');
  });

  it('hashes the UTF-8 bytes, so non-ASCII keys are stable', () => {
    expect(tokenOf('t', 'clé')).toBe(hashToToken('t:clé'));
    expect(tokenOf('t', 'clé')).not.toBe(tokenOf('t', 'cle'));
  });

  it.each([0n, 1n, 255n, 256n, 0x0102030405060708n, MAX_TOKEN - 1n, MAX_TOKEN])('round-trips %s through bytes and strings', (t) => {
    const b = tokenToBytes(t);
    expect(b).toHaveLength(8);
    expect(tokenFromBytes(b)).toBe(t);
    expect(tokenFromString(tokenToString(t))).toBe(t);
  });

  it('orders bytes like numbers', () => {
    const tokens = [0n, 1n, 255n, 256n, 1n << 32n, MAX_TOKEN - 1n, MAX_TOKEN];
    for (let i = 1; i < tokens.length; i++) {
      expect(Buffer.compare(tokenToBytes(tokens[i - 1]!), tokenToBytes(tokens[i]!))).toBe(-1);
    }
  });

  it.each(['', '-1', '01', '1.5', 'abc', ' 1', '18446744073709551616', '999999999999999999999'])('rejects token string %j', (s) => {
    expect(() => tokenFromString(s)).toThrow(ClusterError);
  });

  it.each([-1n, MAX_TOKEN + 1n])('rejects out-of-range token %s', (t) => {
    expect(() => tokenToBytes(t)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a short buffer', () => {
    expect(() => tokenFromBytes(new Uint8Array(7))).toThrow(ClusterError);
  });
});
