import { hashToToken } from './token';
import { tokensFor } from './token-assignment';

describe('tokensFor', () => {
  it('derives tokens from SHA-256(nodeId#i), sorted', () => {
    const tokens = tokensFor('node-1', 4);
    const expected = [0, 1, 2, 3].map((i) => hashToToken(`node-1#${i}`)).sort((a, b) => (a < b ? -1 : 1));
    expect(tokens).toEqual(expected);
    expect(tokens).toContain(0x1e764963f03e78afn);
  });

  it('is deterministic and distinct per node', () => {
    expect(tokensFor('node-1', 128)).toEqual(tokensFor('node-1', 128));
    expect(new Set(tokensFor('node-1', 128)).size).toBe(128);
    const other = new Set(tokensFor('node-2', 128));
    expect(tokensFor('node-1', 128).some((t) => other.has(t))).toBe(false);
  });

  it('defaults to 128 vnodes', () => expect(tokensFor('n')).toHaveLength(128));

  it.each([0, -1, 1.5, 5000])('rejects count %s', (count) => {
    expect(() => tokensFor('n', count)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
