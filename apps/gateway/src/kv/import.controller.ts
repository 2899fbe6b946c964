/**
 * Bulk routes (API.md "Key-value"): `POST /v1/import` streams NDJSON in; `GET /v1/export` needs a
 * tenant-wide scan that the coordinator does not offer yet and answers NOT_IMPLEMENTED.
 */
import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import type { Tenant } from '@ringkv/db';
import type { FastifyRequest } from 'fastify';
import { Access, RateLimited } from '../auth/access.decorator';
import { ActingTenant } from '../auth/request-context';
import { invalidRequest, notImplemented } from '../errors/gateway-error';
import { validate } from '../http/validate';
import { ImportService } from './import.service';
import { importQuerySchema } from './kv.schemas';

function isStream(body: unknown): body is AsyncIterable<Buffer> {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

@Controller('v1')
@Access('tenant')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post('import')
  @HttpCode(200)
  @RateLimited('write')
  async import(@ActingTenant() tenant: Tenant, @Query() query: unknown, @Req() request: FastifyRequest) {
    const { consistency } = validate(importQuerySchema, query ?? {}, 'query');
    if (!isStream(request.body)) throw invalidRequest('send NDJSON with Content-Type: application/x-ndjson');
    const report = await this.imports.import(tenant, request.body, consistency);
    return { status: 'success', ...report };
  }

  @Get('export')
  @RateLimited('read')
  export(): never {
    throw notImplemented('export (a tenant-wide scan through the coordinators)');
  }
}
