/**
 * The gateway's typed domain error. Services and parsers throw it with a RingKV error code
 * (API.md "Error codes", plus the few edge-only codes below); only the exception filter turns a
 * code into an HTTP status and the error envelope, so nothing below the controllers knows HTTP.
 */
export const GATEWAY_ERROR_CODES = [
  'INVALID_REQUEST',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_NODE_CONFIG',
  'NODE_IN_USE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'TENANT_NOT_FOUND',
  'KEY_NOT_FOUND',
  'NODE_NOT_FOUND',
  'MIGRATION_NOT_FOUND',
  'TENANT_EXISTS',
  'NODE_EXISTS',
  'IDEMPOTENCY_KEY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
  'QUORUM_NOT_REACHED',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
  // Edge-only codes that API.md's table does not list: an unknown route, a known route called
  // with the wrong method, and an operation this version does not offer yet.
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'NOT_IMPLEMENTED',
] as const;

export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

export function isGatewayErrorCode(value: string): value is GatewayErrorCode {
  return (GATEWAY_ERROR_CODES as readonly string[]).includes(value);
}

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    /** Extra response headers the error implies (Retry-After, Allow). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export const invalidRequest = (message: string) => new GatewayError('INVALID_REQUEST', message);
export const notImplemented = (what: string) =>
  new GatewayError('NOT_IMPLEMENTED', `${what} is not available in this version of RingKV`);
