import { Consistency, parseConsistency, requiredAcks } from './consistency';

describe('requiredAcks', () => {
  const table: Array<[number, number, number, number]> = [
    // n, ONE, QUORUM, ALL
    [1, 1, 1, 1],
    [2, 1, 2, 2],
    [3, 1, 2, 3],
    [4, 1, 3, 4],
    [5, 1, 3, 5],
    [6, 1, 4, 6],
    [7, 1, 4, 7],
    [10, 1, 6, 10],
  ];
  it.each(table)('n=%i: ONE=%i QUORUM=%i ALL=%i', (n, one, quorum, all) => {
    expect(requiredAcks('ONE', n)).toBe(one);
    expect(requiredAcks('QUORUM', n)).toBe(quorum);
    expect(requiredAcks('ALL', n)).toBe(all);
  });

  it('makes read and write quorums overlap: R + W > N at QUORUM', () => {
    for (let n = 1; n <= 10; n++) expect(2 * requiredAcks('QUORUM', n)).toBeGreaterThan(n);
  });

  it.each([0, 11, 1.5, -1])('rejects n=%s', (n) => {
    expect(() => requiredAcks('ONE', n)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects an unknown level', () => {
    expect(() => requiredAcks('MOST' as Consistency, 3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it.each([
    ['one', 'ONE'],
    ['Quorum', 'QUORUM'],
    ['ALL', 'ALL'],
  ])('parses %s', (text, level) => expect(parseConsistency(text)).toBe(level));

  it.each(['', 'two', 'local_quorum'])('refuses to parse %j', (text) => {
    expect(() => parseConsistency(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
