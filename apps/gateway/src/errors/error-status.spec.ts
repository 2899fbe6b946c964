import { PayloadTooLargeException, NotFoundException } from '@nestjs/common';
import { SessionCallError } from '@ringkv/platform';
import { DbValidationError, TenantExistsError } from '@ringkv/db';
import { fromSessionError } from '../coordinators/coordinator-errors';
import { HTTP_STATUS_BY_CODE } from './error-status';
import { GATEWAY_ERROR_CODES, GatewayError } from './gateway-error';
import { toGatewayError } from './to-gateway-error';

describe('error mapping', () => {
  it('gives every API.md code its documented status', () => {
    expect(HTTP_STATUS_BY_CODE).toMatchObject({
      INVALID_REQUEST: 400,
      INVALID_REPLICATION_FACTOR: 400,
      INVALID_NODE_CONFIG: 400,
      NODE_IN_USE: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      TENANT_NOT_FOUND: 404,
      KEY_NOT_FOUND: 404,
      NODE_NOT_FOUND: 404,
      MIGRATION_NOT_FOUND: 404,
      TENANT_EXISTS: 409,
      NODE_EXISTS: 409,
      IDEMPOTENCY_KEY_CONFLICT: 409,
      PAYLOAD_TOO_LARGE: 413,
      RATE_LIMIT_EXCEEDED: 429,
      INTERNAL_ERROR: 500,
      QUORUM_NOT_REACHED: 503,
      SERVICE_UNAVAILABLE: 503,
      TIMEOUT: 504,
    });
    for (const code of GATEWAY_ERROR_CODES) expect(HTTP_STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
  });

  it('passes metadata-store codes through and hides unexpected errors', () => {
    expect(toGatewayError(new TenantExistsError('t')).error.code).toBe('TENANT_EXISTS');
    expect(toGatewayError(new DbValidationError('INVALID_REPLICATION_FACTOR', 'c', 'bad')).error.code).toBe('INVALID_REPLICATION_FACTOR');
    expect(toGatewayError(new DbValidationError('INVALID_ARGUMENT', 'c', 'bad')).error.code).toBe('INVALID_REQUEST');
    const unexpected = toGatewayError(new Error('secret detail'));
    expect(unexpected).toMatchObject({ unexpected: true, error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
  });

  it('maps transport errors from Fastify and Nest', () => {
    expect(toGatewayError(new PayloadTooLargeException()).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(toGatewayError(new NotFoundException()).error.code).toBe('NOT_FOUND');
    expect(toGatewayError(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).error.code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(toGatewayError(Object.assign(new Error('bad length'), { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 })).error.code).toBe(
      'INVALID_REQUEST',
    );
    const own = new GatewayError('RATE_LIMIT_EXCEEDED', 'slow down', { 'retry-after': '1' });
    expect(toGatewayError(own).error).toBe(own);
  });

  it('maps coordinator session errors by their RingKV reason', () => {
    const reason = (r: string) => fromSessionError(new SessionCallError(14, r, 'm')).code;
    expect(reason('QUORUM_NOT_REACHED')).toBe('QUORUM_NOT_REACHED');
    expect(reason('TENANT_NOT_FOUND')).toBe('TENANT_NOT_FOUND');
    expect(reason('INVALID_REQUEST')).toBe('INVALID_REQUEST');
    expect(reason('TIMEOUT')).toBe('TIMEOUT');
    expect(reason('UNAVAILABLE')).toBe('SERVICE_UNAVAILABLE');
    expect(reason('SOMETHING_NEW')).toBe('INTERNAL_ERROR');
  });
});
