/** Sends a controller's JsonText result as an application/json body without re-serialising it. */
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { JsonText } from './json-text';

@Injectable()
export class JsonTextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof JsonText)) return result;
        context.switchToHttp().getResponse<FastifyReply>().header('content-type', 'application/json; charset=utf-8');
        return result.text;
      }),
    );
  }
}
