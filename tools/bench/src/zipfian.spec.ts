import { Zipfian } from './zipfian';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('Zipfian', () => {
  it('stays within range and favours low items heavily', () => {
    const z = new Zipfian(1000, 0.99, seeded(7));
    const counts = new Array<number>(1000).fill(0);
    for (let i = 0; i < 100_000; i++) counts[z.next()]! += 1;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100_000);
    const top10 = counts.slice(0, 10).reduce((a, b) => a + b, 0);
    const bottom500 = counts.slice(500).reduce((a, b) => a + b, 0);
    expect(counts[0]!).toBeGreaterThan(counts[100]! * 20);
    expect(top10).toBeGreaterThan(bottom500);
  });

  it('rejects an empty key space', () => {
    expect(() => new Zipfian(0)).toThrow(RangeError);
  });
});
