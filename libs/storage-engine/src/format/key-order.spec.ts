import { compareKeys } from './key-order';

describe('compareKeys', () => {
  it('agrees with Buffer.compare, including prefixes and high bytes', () => {
    const cases = [
      ['', ''],
      ['', 'a'],
      ['a', 'ab'],
      ['ab', 'b'],
      ['\u00ff', '\u0001'],
    ].map(([x, y]) => [Buffer.from(x, 'latin1'), Buffer.from(y, 'latin1')]);
    for (const [x, y] of cases) {
      expect(compareKeys(x, y)).toBe(Buffer.compare(x, y));
      expect(compareKeys(y, x)).toBe(Buffer.compare(y, x));
    }
  });

  it('agrees with Buffer.compare on random keys', () => {
    let s = 7;
    const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    for (let i = 0; i < 2000; i++) {
      const a = Buffer.from(Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 3) * 127));
      const b = Buffer.from(Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * 3) * 127));
      expect(compareKeys(a, b)).toBe(Buffer.compare(a, b));
    }
  });
});
