import { createHash } from 'node:crypto';
import { bearerToken, generateApiKeySecret, hashApiKey } from './api-key-secret';

describe('API key secrets', () => {
  it('generates distinct 256-bit secrets and hashes them to 32 bytes', () => {
    const a = generateApiKeySecret();
    const b = generateApiKeySecret();
    expect(a).toMatch(/^rkv_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashApiKey(a)).toHaveLength(32);
    expect(hashApiKey(a).equals(hashApiKey(a))).toBe(true);
    expect(hashApiKey(a).equals(hashApiKey(b))).toBe(false);
    expect(hashApiKey(a).toString('hex')).toBe(createHash('sha256').update(a).digest('hex'));
  });

  it('reads only well-formed Bearer headers', () => {
    expect(bearerToken('Bearer rkv_abc')).toBe('rkv_abc');
    expect(bearerToken('bearer   rkv_abc ')).toBe('rkv_abc');
    expect(bearerToken('Basic dXNlcg==')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken(['Bearer a', 'Bearer b'])).toBeUndefined();
  });
});
