/**
 * Normalises anything thrown while serving a request into a GatewayError: our own errors pass
 * through, metadata-store errors keep their API code, Fastify's transport errors (body too
 * large, bad content type) become the matching API code, and anything unexpected becomes
 * INTERNAL_ERROR (the caller logs it; its message never reaches the client).
 */
import { HttpException } from '@nestjs/common';
import { DbError } from '@ringkv/db';
import { GatewayError, GatewayErrorCode, isGatewayErrorCode } from './gateway-error';

const DB_CODES: Record<string, GatewayErrorCode> = {
  API_KEY_NOT_FOUND: 'NOT_FOUND',
  API_KEY_EXISTS: 'INTERNAL_ERROR',
  TENANT_VERSION_CONFLICT: 'SERVICE_UNAVAILABLE',
  INVALID_ARGUMENT: 'INVALID_REQUEST',
  NODE_STATE_CONFLICT: 'INVALID_REQUEST',
  INVALID_STATE_TRANSITION: 'INVALID_REQUEST',
};

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

export function toGatewayError(error: unknown): { error: GatewayError; unexpected: boolean } {
  if (error instanceof GatewayError) return { error, unexpected: false };
  if (error instanceof DbError) {
    const code = isGatewayErrorCode(error.code) ? error.code : DB_CODES[error.code] ?? 'INTERNAL_ERROR';
    return { error: new GatewayError(code, error.message), unexpected: code === 'INTERNAL_ERROR' };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return { error: new GatewayError('NOT_FOUND', 'no such route'), unexpected: false };
    if (status === 413) return { error: new GatewayError('PAYLOAD_TOO_LARGE', 'request body is too large'), unexpected: false };
    if (status < 500) return { error: new GatewayError('INVALID_REQUEST', error.message), unexpected: false };
  }
  const candidate = (error ?? {}) as FastifyLikeError;
  if (typeof candidate.code === 'string' && candidate.code.startsWith('FST_')) {
    if (candidate.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return { error: new GatewayError('PAYLOAD_TOO_LARGE', 'request body is too large'), unexpected: false };
    }
    if (candidate.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return { error: new GatewayError('INVALID_REQUEST', 'Content-Type must be application/json'), unexpected: false };
    }
    const status = typeof candidate.statusCode === 'number' ? candidate.statusCode : 500;
    if (status < 500) {
      const message = typeof candidate.message === 'string' ? candidate.message : 'invalid request';
      return { error: new GatewayError('INVALID_REQUEST', message), unexpected: false };
    }
  }
  return { error: new GatewayError('INTERNAL_ERROR', 'internal error'), unexpected: true };
}
