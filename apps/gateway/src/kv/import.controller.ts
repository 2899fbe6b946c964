/**
 * Bulk routes (API.md "Key-value"): `POST /v1/import` streams NDJSON in, `GET /v1/export`
 * streams every live key of the tenant out in the same format.
 */
import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { Tenant } from '@ringkv/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access, RateLimited } from '../auth/access.decorator';
import { ActingTenant } from '../auth/request-context';
import { invalidRequest } from '../errors/gateway-error';
import { validate } from '../http/validate';
import { ExportService } from './export.service';
import { ImportService } from './import.service';
import { importQuerySchema } from './kv.schemas';

function isStream(body: unknown): body is AsyncIterable<Buffer> {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

@Controller('v1')
@Access('tenant')
export class ImportController {
  constructor(
    private readonly imports: ImportService,
    private readonly exports: ExportService,
  ) {}

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
  async export(@ActingTenant() tenant: Tenant, @Res() reply: FastifyReply): Promise<void> {
    const lines = await this.exports.start(tenant);
    await reply.header('content-type', 'application/x-ndjson').send(Readable.from(lines));
  }
}
