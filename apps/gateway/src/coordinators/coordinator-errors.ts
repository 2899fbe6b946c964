/**
 * How a failed coordinator call becomes a gateway error. The session error's `reason` is a
 * RingKV code (QUORUM_NOT_REACHED, TENANT_NOT_FOUND, INVALID_REQUEST, TIMEOUT, ...) and keeps
 * its meaning; a broken or unreachable stream (reason UNAVAILABLE) is SERVICE_UNAVAILABLE.
 */
import { SessionCallError } from '@ringkv/platform';
import { GatewayError, isGatewayErrorCode } from '../errors/gateway-error';

export function isTransportFailure(error: unknown): error is SessionCallError {
  return error instanceof SessionCallError && error.reason === 'UNAVAILABLE';
}

export function fromSessionError(error: SessionCallError): GatewayError {
  if (error.reason === 'UNAVAILABLE') return new GatewayError('SERVICE_UNAVAILABLE', 'no coordinator could serve the request');
  if (error.reason === 'TIMEOUT') return new GatewayError('TIMEOUT', 'the request did not complete before its deadline');
  if (isGatewayErrorCode(error.reason) && error.reason !== 'NOT_FOUND') return new GatewayError(error.reason, error.message);
  return new GatewayError('INTERNAL_ERROR', `coordinator failed: ${error.reason}`);
}
