/**
 * Token ranges on the ring. A range is `(start, end]`: exclusive start, inclusive end, going
 * clockwise and wrapping past 2^64-1 to 0 when `end <= start`. By the ring's convention
 * (a ring with a single token owns everything), `start === end` is the WHOLE ring, never the
 * empty range; there is no empty TokenRange.
 */
import { ClusterError } from './errors';
import { assertToken, MAX_TOKEN, RING_SIZE } from './token';

export interface TokenRange {
  /** Exclusive. */
  readonly start: bigint;
  /** Inclusive. */
  readonly end: bigint;
}

export function tokenRange(start: bigint, end: bigint): TokenRange {
  assertToken(start, 'range start');
  assertToken(end, 'range end');
  return { start, end };
}

/** Number of tokens in the range: 1..2^64. */
export function rangeSize(range: TokenRange): bigint {
  const d = (range.end - range.start + RING_SIZE) % RING_SIZE;
  return d === 0n ? RING_SIZE : d;
}

/** Whether the range crosses from 2^64-1 to 0 (a whole-ring range counts when start < MAX). */
export function rangeWraps(range: TokenRange): boolean {
  return range.end <= range.start && range.start !== MAX_TOKEN;
}

/** Whether `token` lies in `(start, end]`. */
export function rangeContains(range: TokenRange, token: bigint): boolean {
  if (range.start === range.end) return true;
  if (range.start < range.end) return token > range.start && token <= range.end;
  return token > range.start || token <= range.end;
}

/** Clockwise offset of `token` after `range.start`, 0-based: start+1 has offset 0. */
export function offsetInRange(range: TokenRange, token: bigint): bigint {
  return (token - range.start - 1n + RING_SIZE) % RING_SIZE;
}

/**
 * Splits a range into `parts` consecutive sub-ranges of near-equal size, in ring order. When the
 * range holds fewer tokens than parts, some sub-ranges would be empty; they are returned as
 * `null` so that positions (e.g. Merkle leaf indexes) stay stable.
 */
export function splitRange(range: TokenRange, parts: number): Array<TokenRange | null> {
  if (!Number.isSafeInteger(parts) || parts < 1) {
    throw new ClusterError('INVALID_ARGUMENT', `parts must be a positive integer, got ${parts}`);
  }
  const size = rangeSize(range);
  const p = BigInt(parts);
  const out: Array<TokenRange | null> = [];
  for (let i = 0n; i < p; i++) {
    const lo = (size * i) / p;
    const hi = (size * (i + 1n)) / p;
    out.push(hi === lo ? null : { start: (range.start + lo) % RING_SIZE, end: (range.start + hi) % RING_SIZE });
  }
  return out;
}

export function rangesEqual(a: TokenRange, b: TokenRange): boolean {
  return a.start === b.start && a.end === b.end;
}

/** Human-readable `(start, end]`, for logs and error messages. */
export function formatRange(range: TokenRange): string {
  return `(${range.start}, ${range.end}]`;
}

/**
 * Coalesces ranges given in ring order (each one's end before the next one's end, clockwise)
 * by joining neighbours that touch, including the last with the first across the wrap. Ranges
 * that together cover the ring collapse to one whole-ring range `(t, t]`.
 */
export function coalesceRanges(ranges: readonly TokenRange[]): TokenRange[] {
  const out: TokenRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && last.end === r.start && last.start !== last.end) {
      out[out.length - 1] = { start: last.start, end: r.end };
    } else {
      out.push(r);
    }
  }
  if (out.length > 1) {
    const first = out[0];
    const last = out[out.length - 1];
    if (last.end === first.start) {
      out[0] = { start: last.start, end: first.end };
      out.pop();
    }
  }
  return out;
}
