/**
 * Validation of everything a client hands the storage node, before anything is written: tenant
 * ids (`[a-z0-9][a-z0-9_-]{0,62}`), keys (1..1024 UTF-8 bytes, well-formed), object bytes (must
 * decode), causal contexts (clock bytes), TTLs and token ranges. Every failure is a StoreError
 * INVALID_REQUEST naming the field, so the caller learns what is wrong and no bad byte reaches
 * the engine.
 */
import {
  decodeClock,
  decodeObject,
  encodeStorageKey,
  MAX_TOKEN,
  VectorClock,
  VersionedObject,
} from '@ringkv/cluster';
import { invalidRequest } from './store-error';

/** SYSTEM.md §3. */
const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** SYSTEM.md §3: keys are 1..1024 UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export function validateTenantId(tenantId: string, field = 'tenant_id'): void {
  if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) {
    throw invalidRequest(`${field} must match [a-z0-9][a-z0-9_-]{0,62}, got ${JSON.stringify(String(tenantId).slice(0, 80))}`);
  }
}

export function validateKey(key: string, field = 'key'): void {
  if (typeof key !== 'string' || key.length === 0) throw invalidRequest(`${field} must not be empty`);
  // A lone surrogate has no UTF-8 form: two different strings would share one storage key.
  if (LONE_SURROGATE.test(key)) throw invalidRequest(`${field} is not well-formed UTF-16 (lone surrogate)`);
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) throw invalidRequest(`${field} is ${bytes} UTF-8 bytes, limit ${MAX_KEY_BYTES}`);
}

/** Validates a (tenant, key) pair and returns its storage key. */
export function storageKeyOf(tenantId: string, key: string): Buffer {
  validateTenantId(tenantId);
  validateKey(key);
  return encodeStorageKey(tenantId, key);
}

/**
 * Largest stored object: the engine's default value limit. Checked before a write is queued so
 * that a coalesced batch can never fail because of one oversized member.
 */
export const MAX_OBJECT_BYTES = 16 * 1024 * 1024;

export function checkObjectSize(length: number, field = 'object'): void {
  if (length > MAX_OBJECT_BYTES) throw invalidRequest(`${field} is ${length} bytes, limit ${MAX_OBJECT_BYTES}`);
}

export function decodeIncomingObject(bytes: Uint8Array, field = 'object'): VersionedObject {
  if (bytes.length === 0) throw invalidRequest(`${field} is empty`);
  checkObjectSize(bytes.length, field);
  try {
    return decodeObject(bytes);
  } catch (error) {
    throw invalidRequest(`${field} is not a valid object: ${(error as Error).message}`, error);
  }
}

/** Empty bytes mean "no context" (the write is concurrent with whatever exists). */
export function decodeIncomingContext(bytes: Uint8Array): VectorClock | undefined {
  if (bytes.length === 0) return undefined;
  try {
    return decodeClock(bytes);
  } catch (error) {
    throw invalidRequest(`context is not a valid vector clock: ${(error as Error).message}`, error);
  }
}

/** 0 = no expiry. Bounded so that `now + ttl` stays an exact millisecond timestamp. */
export function ttlOf(ttlSeconds: number): number | undefined {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 0) throw invalidRequest(`ttl_seconds must be a non-negative integer`);
  return ttlSeconds === 0 ? undefined : ttlSeconds;
}

export interface TokenRangeInput {
  start: bigint;
  end: bigint;
}

export function validateTokenRange(range: TokenRangeInput): void {
  for (const [name, value] of [['start', range.start], ['end', range.end]] as const) {
    if (typeof value !== 'bigint' || value < 0n || value > MAX_TOKEN) {
      throw invalidRequest(`range ${name} must be an unsigned 64-bit token`);
    }
  }
}

/** An optional tenant filter: empty means every tenant. */
export function optionalTenant(tenantId: string): string | undefined {
  if (tenantId === '') return undefined;
  validateTenantId(tenantId);
  return tenantId;
}
