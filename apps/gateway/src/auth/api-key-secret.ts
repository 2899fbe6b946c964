/**
 * API key secrets: generated with 256 bits of randomness (`rkv_` + 43 base64url characters),
 * shown to the client once, and stored only as their SHA-256. A fast hash is right here: the
 * secret is random and long, so there is nothing to brute-force that a slow hash would protect.
 */
import { hash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'rkv_';

export function generateApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when malformed. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +([\x21-\x7e]{1,512}) *$/i.exec(header);
  return match?.[1];
}
