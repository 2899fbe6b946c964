/**
 * The one place where errors become HTTP: every exception from a route, a guard, the body
 * parser or the not-found handler is answered with API.md's envelope
 * `{"status":"error","error_code","message","request_id"}` and the status of its code.
 * Unexpected errors are logged (without request headers, so no key material) and answered as
 * INTERNAL_ERROR without their message.
 */
import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import { LOGGER } from '@ringkv/platform';
import type { Logger } from '@ringkv/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestIdOf } from '../http/request-id';
import { RouteTable } from '../http/route-table';
import { HTTP_STATUS_BY_CODE } from './error-status';
import { GatewayError } from './gateway-error';
import { toGatewayError } from './to-gateway-error';

@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly routes: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const mapped = toGatewayError(exception);
    const unexpected = mapped.unexpected;
    const error = mapped.error.code === 'NOT_FOUND' && !(exception instanceof GatewayError) ? this.unmatched(request) : mapped.error;
    const requestId = requestIdOf(request, reply);
    if (unexpected) {
      this.logger.error({ err: exception, request_id: requestId, method: request.method, url: request.url }, 'request failed');
    }
    if (reply.sent) return;
    const status = HTTP_STATUS_BY_CODE[error.code];
    reply.status(status).headers(error.headers).header('content-type', 'application/json; charset=utf-8');
    void reply.send(
      JSON.stringify({ status: 'error', error_code: error.code, message: error.message, request_id: requestId }),
    );
  }

  /** An unmatched request: 405 when the path exists with other methods, else 404. */
  private unmatched(request: FastifyRequest): GatewayError {
    const path = (request.url.split("?")[0] ?? "/").slice(0, 256);
    const allowed = this.routes.allowedMethods(path);
    if (allowed.length > 0) {
      return new GatewayError('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}`, {
        allow: allowed.join(', '),
      });
    }
    return new GatewayError('NOT_FOUND', `no route ${request.method} ${path}`);
  }
}
