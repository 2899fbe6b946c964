/**
 * Shared helpers for the engine's integration tests: a seeded PRNG (so every randomized test
 * reproduces from its printed seed) and a set-union reconcile function with the algebra the
 * storage node relies on (commutative, associative, idempotent).
 */
import type { ReconcileFn } from '../src';

/** mulberry32: tiny, fast, good enough to drive test workloads. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function unionTokens(existing: string | undefined, incoming: string): string {
  const set = new Set([...(existing ? existing.split(',') : []), ...incoming.split(',')]);
  set.delete('');
  return [...set].sort().join(',');
}

export const unionReconcile: ReconcileFn = (_key, existing, incoming) =>
  Buffer.from(unionTokens(existing?.toString(), incoming.toString()));

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Resolves once `cond` holds, polling the event loop (background work runs meanwhile). */
export async function until(cond: () => boolean, what: string, maxTicks = 5000): Promise<void> {
  for (let i = 0; i < maxTicks; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}
