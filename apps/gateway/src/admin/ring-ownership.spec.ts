import { ownershipShares } from './ring-ownership';

describe('ring ownership', () => {
  it('gives each node the ranges ending at its tokens, wrapping around', () => {
    const quarter = 1n << 62n;
    const shares = ownershipShares([
      { token: quarter, nodeId: 'a' },
      { token: 2n * quarter, nodeId: 'b' },
      { token: 4n * quarter - 1n, nodeId: 'a' },
    ]);
    expect(shares).toEqual({ a: 0.75, b: 0.25 });
    expect(ownershipShares([{ token: 5n, nodeId: 'solo' }])).toEqual({ solo: 1 });
    expect(ownershipShares([])).toEqual({});
  });
});
