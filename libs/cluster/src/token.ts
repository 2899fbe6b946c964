/**
 * Ring tokens. A token is an unsigned 64-bit integer, always a `bigint`, taken as the first
 * 8 bytes (big-endian) of SHA-256(`tenant_id:key`). Every node of the cluster must compute the
 * same token for the same key forever: this function is part of the on-disk format (storage keys
 * start with it) and must never change.
 */
import { hash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { ClusterError } from './errors';

/** Smallest token. */
export const MIN_TOKEN = 0n;
/** Largest token, 2^64 - 1. */
export const MAX_TOKEN = (1n << 64n) - 1n;
/** Number of distinct tokens, 2^64: the size of the whole ring. */
export const RING_SIZE = 1n << 64n;
/** Bytes in an encoded token. */
export const TOKEN_BYTES = 8;

/** First 8 bytes (big-endian) of SHA-256 of the UTF-8 bytes of `input`. */
export function hashToToken(input: string): bigint {
  // One-shot hash: no Hash object per call (this runs for every request on every node).
  return hash('sha256', input, 'buffer').readBigUInt64BE(0);
}

/** The token of `key` in tenant `tenantId`: SHA-256(`tenant_id:key`), first 8 bytes. */
export function tokenOf(tenantId: string, key: string): bigint {
  return hashToToken(`${tenantId}:${key}`);
}

export function isToken(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= MIN_TOKEN && value <= MAX_TOKEN;
}

/** Throws INVALID_ARGUMENT unless `token` is an unsigned 64-bit bigint. */
export function assertToken(token: bigint, what = 'token'): void {
  if (!isToken(token)) {
    throw new ClusterError('INVALID_ARGUMENT', `${what} must be a bigint in [0, 2^64-1], got ${String(token)}`);
  }
}

/** 8 big-endian bytes; byte order equals numeric order. */
export function tokenToBytes(token: bigint): Buffer {
  assertToken(token);
  const out = Buffer.allocUnsafe(TOKEN_BYTES);
  out.writeBigUInt64BE(token, 0);
  return out;
}

/** Reads the token in the first 8 bytes of `bytes`. */
export function tokenFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length < TOKEN_BYTES) {
    throw new ClusterError('INVALID_ARGUMENT', `a token needs ${TOKEN_BYTES} bytes, got ${bytes.length}`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, TOKEN_BYTES).readBigUInt64BE(0);
}

/** Decimal string, the form tokens take in JSON and SQL (JSON numbers lose precision past 2^53). */
export function tokenToString(token: bigint): string {
  assertToken(token);
  return token.toString(10);
}

/** Parses a decimal token string; throws INVALID_ARGUMENT on anything else. */
export function tokenFromString(text: string): bigint {
  if (!/^(0|[1-9][0-9]{0,19})$/.test(text)) {
    throw new ClusterError('INVALID_ARGUMENT', `not a decimal token: ${JSON.stringify(text)}`);
  }
  const token = BigInt(text);
  assertToken(token);
  return token;
}
