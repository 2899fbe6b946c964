/**
 * Storage keys: the engine key of a (tenant, key) pair, laid out token-first so that token
 * ranges map to contiguous byte ranges (see storage-key-format.ts). Encoding computes the token;
 * decoding validates every byte and, by default, that the token matches the tenant and key, so
 * a corrupt key is a typed error and never a misplaced object.
 */
import { Buffer } from 'node:buffer';
import { ClusterError, MalformedBytesError } from './errors';
import {
  MAX_TENANT_BYTES,
  MIN_KEY_BYTES,
  MIN_STORAGE_KEY_BYTES,
  MIN_TENANT_BYTES,
  TENANT_LENGTH_OFFSET,
  TENANT_OFFSET,
} from './storage-key-format';
import { assertToken, MAX_TOKEN, tokenOf, tokenToBytes } from './token';

export interface DecodedStorageKey {
  readonly token: bigint;
  readonly tenantId: string;
  readonly key: string;
}

/** A byte range of storage keys: `start` inclusive, `end` exclusive, `end` undefined = no bound. */
export interface StorageKeyRange {
  readonly start: Buffer;
  readonly end: Buffer | undefined;
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function checkTenant(tenantId: string): void {
  if (
    typeof tenantId !== 'string' ||
    tenantId.length < MIN_TENANT_BYTES ||
    tenantId.length > MAX_TENANT_BYTES ||
    !PRINTABLE_ASCII.test(tenantId)
  ) {
    throw new ClusterError('INVALID_ARGUMENT', `tenant id must be 1..255 printable ASCII bytes`);
  }
}

function checkKey(key: string): void {
  // A lone surrogate has no UTF-8 form: encoding would silently turn it into U+FFFD and two
  // different strings would share one storage key.
  if (typeof key !== 'string' || key.length === 0 || LONE_SURROGATE.test(key)) {
    throw new ClusterError('INVALID_ARGUMENT', 'key must be a non-empty, well-formed UTF-16 string');
  }
}

/** Encodes (tenant, key) as a storage key, token included. */
export function encodeStorageKey(tenantId: string, key: string): Buffer {
  checkTenant(tenantId);
  checkKey(key);
  const keyBytes = Buffer.from(key, 'utf8');
  const out = Buffer.allocUnsafe(TENANT_OFFSET + tenantId.length + keyBytes.length);
  out.writeBigUInt64BE(tokenOf(tenantId, key), 0);
  out[TENANT_LENGTH_OFFSET] = tenantId.length;
  out.write(tenantId, TENANT_OFFSET, 'latin1');
  keyBytes.copy(out, TENANT_OFFSET + tenantId.length);
  return out;
}

/**
 * Decodes and validates a storage key. With `verifyToken` (the default) the token must equal
 * SHA-256(`tenant:key`): a key that fails it was corrupted or written by something else.
 */
export function decodeStorageKey(bytes: Uint8Array, options: { verifyToken?: boolean } = {}): DecodedStorageKey {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < MIN_STORAGE_KEY_BYTES) {
    throw new MalformedBytesError('MALFORMED_STORAGE_KEY', 0, `${b.length} bytes is shorter than any storage key`);
  }
  const token = b.readBigUInt64BE(0);
  const tenantLength = b[TENANT_LENGTH_OFFSET];
  if (tenantLength < MIN_TENANT_BYTES) {
    throw new MalformedBytesError('MALFORMED_STORAGE_KEY', TENANT_LENGTH_OFFSET, 'empty tenant id');
  }
  const keyStart = TENANT_OFFSET + tenantLength;
  if (b.length < keyStart + MIN_KEY_BYTES) {
    throw new MalformedBytesError('MALFORMED_STORAGE_KEY', TENANT_LENGTH_OFFSET, `tenant length ${tenantLength} leaves no key`);
  }
  const tenantId = b.toString('latin1', TENANT_OFFSET, keyStart);
  if (!PRINTABLE_ASCII.test(tenantId)) {
    throw new MalformedBytesError('MALFORMED_STORAGE_KEY', TENANT_OFFSET, 'tenant id is not printable ASCII');
  }
  let key: string;
  try {
    key = utf8.decode(b.subarray(keyStart));
  } catch {
    throw new MalformedBytesError('MALFORMED_STORAGE_KEY', keyStart, 'key is not valid UTF-8');
  }
  if (options.verifyToken !== false && tokenOf(tenantId, key) !== token) {
    throw new MalformedBytesError('MALFORMED_STORAGE_KEY', 0, 'token does not match tenant and key');
  }
  return { token, tenantId, key };
}

/** The token of a storage key without decoding the rest (for scans that only route by token). */
export function storageKeyToken(bytes: Uint8Array): bigint {
  if (bytes.length < MIN_STORAGE_KEY_BYTES) {
    throw new MalformedBytesError('MALFORMED_STORAGE_KEY', 0, `${bytes.length} bytes is shorter than any storage key`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readBigUInt64BE(0);
}

/** Smallest storage key whose token is >= `token`. */
function lowerBound(token: bigint): Buffer {
  return tokenToBytes(token);
}

/**
 * The storage-key byte ranges holding the tokens of `(start, end]`, in ring order (clockwise from
 * `start`). One range normally; two when the token range wraps past 2^64-1, the first running to
 * the end of the keyspace and the second from its beginning. `start === end` is the whole ring.
 * Scanning the returned ranges in order visits keys in ring order, which the Merkle builder needs.
 */
export function storageKeyRangeForTokens(start: bigint, end: bigint): StorageKeyRange[] {
  assertToken(start, 'range start');
  assertToken(end, 'range end');
  const zero = lowerBound(0n);
  if (start === MAX_TOKEN) {
    // (MAX, end] is [0, end]: no wrap left to do.
    return [{ start: zero, end: end === MAX_TOKEN ? undefined : lowerBound(end + 1n) }];
  }
  const from = lowerBound(start + 1n);
  if (start < end) {
    return [{ start: from, end: end === MAX_TOKEN ? undefined : lowerBound(end + 1n) }];
  }
  // Wraps (start >= end, start < MAX, so end < MAX): (start, MAX] then [0, end].
  return [
    { start: from, end: undefined },
    { start: zero, end: lowerBound(end + 1n) },
  ];
}

/** Whether `storageKey` lies in `range` (byte comparison, `end` exclusive). */
export function storageKeyInRange(storageKey: Uint8Array, range: StorageKeyRange): boolean {
  if (Buffer.compare(storageKey, range.start) < 0) return false;
  return range.end === undefined || Buffer.compare(storageKey, range.end) < 0;
}
