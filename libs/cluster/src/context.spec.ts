import { decodeContext, encodeContext } from './context';
import { MalformedBytesError } from './errors';
import { randomClock, Rng } from './test-support/random';
import { emptyClock, makeClock } from './vector-clock';

describe('context', () => {
  it('is base64url of [version][clock] (golden)', () => {
    expect(encodeContext(makeClock({ 'node-a': 1 }))).toBe('AQEGbm9kZS1hAQ');
    expect(encodeContext(emptyClock())).toBe('AQA');
  });

  it('round-trips generated clocks', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 300; i++) {
      const clock = randomClock(rng, ['a', 'node-b', 'ünï', '__proto__'], 1000);
      const text = encodeContext(clock);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeContext(text)).toEqual(clock);
    }
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'AQ+G'],
    ['padded', 'AQA='],
    ['non-canonical trailing bits', 'AQB'],
    ['unknown version', Buffer.from([2, 0]).toString('base64url')],
    ['trailing bytes', Buffer.from([1, 0, 0]).toString('base64url')],
    ['a zero counter', Buffer.from([1, 1, 1, 0x61, 0]).toString('base64url')],
    ['truncated', 'AQEGbm9kZS1h'],
    ['too long', 'A'.repeat(70000)],
  ])('rejects %s with INVALID_CONTEXT', (_why, text) => {
    expect(() => decodeContext(text)).toThrow(MalformedBytesError);
    expect(() => decodeContext(text)).toThrow(expect.objectContaining({ code: 'INVALID_CONTEXT' }));
  });

  it('refuses to encode a hand-built clock the decoder would reject', () => {
    expect(() => encodeContext({ a: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => encodeContext({ a: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => encodeContext({ ['x'.repeat(256)]: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('never crashes on random strings', () => {
    const rng = new Rng(10);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=';
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: rng.int(0, 24) }, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
      try {
        expect(encodeContext(decodeContext(text))).toBe(text);
      } catch (e) {
        expect(e).toBeInstanceOf(MalformedBytesError);
      }
    }
  });
});
