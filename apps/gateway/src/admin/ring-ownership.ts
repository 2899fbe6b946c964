/**
 * Share of the 64-bit token space each node owns as the first replica: a token owns the range
 * (previous token, token], and the lowest token also owns the wrap-around range.
 */
const SPACE = 1n << 64n;

export function ownershipShares(tokens: ReadonlyArray<{ token: bigint; nodeId: string }>): Record<string, number> {
  const sorted = [...tokens].sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  const owned = new Map<string, bigint>();
  let previous = (sorted[sorted.length - 1]?.token ?? 0n) - SPACE;
  for (const entry of sorted) {
    owned.set(entry.nodeId, (owned.get(entry.nodeId) ?? 0n) + (entry.token - previous));
    previous = entry.token;
  }
  const shares: Record<string, number> = {};
  // Six decimals are plenty for a dashboard and keep the arithmetic exact until the last step.
  for (const [nodeId, size] of owned) shares[nodeId] = Number((size * 1_000_000n) / SPACE) / 1_000_000;
  return shares;
}
