/**
 * REST key-value routes (API.md "Key-value"). Each handler validates (kv-request.ts), makes one
 * call to KvApiService and shapes the answer; stored values are spliced into the response as
 * the JSON text they were written as (RawJson), never re-encoded.
 */
import { Controller, Delete, Get, Headers, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import type { Tenant } from '@ringkv/db';
import type { FastifyReply } from 'fastify';
import { Access, itemsOf, RateLimited } from '../auth/access.decorator';
import { ActingTenant } from '../auth/request-context';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { Json, JsonBody } from '../http/json-body';
import { JsonText, RawJson } from '../http/json-text';
import { checkIdempotencyKey, IdempotentOutcome } from '../idempotency/idempotency.service';
import { parseBatch, parseBatchGet, parseDeleteBody, parseKeyQuery, parsePut } from './kv-request';
import { KvApiService } from './kv-api.service';

function idempotencyFields(reply: FastifyReply, outcome: IdempotentOutcome<unknown>) {
  reply.header('idempotency-key', outcome.idempotencyKey);
  return {
    is_duplicate: outcome.duplicate,
    ...(outcome.available ? {} : { idempotency: 'unavailable' }),
  };
}

@Controller('v1/key-value')
@Access('tenant')
export class KvController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly kv: KvApiService,
  ) {}

  @Post()
  @HttpCode(200)
  @RateLimited('write')
  async put(
    @ActingTenant() tenant: Tenant,
    @Json() body: JsonBody,
    @Headers('idempotency-key') idempotencyHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const idempotencyKey = checkIdempotencyKey(idempotencyHeader);
    const input = parsePut(body, this.config.maxValueBytes);
    const outcome = await this.kv.put(tenant, input, idempotencyKey);
    return {
      status: 'success',
      key: input.key,
      idempotency_key: outcome.idempotencyKey,
      ...outcome.response,
      ...idempotencyFields(reply, outcome),
    };
  }

  @Get()
  @RateLimited('read')
  async get(@ActingTenant() tenant: Tenant, @Query() query: unknown): Promise<JsonText> {
    const { key, consistency } = parseKeyQuery(query);
    const found = await this.kv.get(tenant, key, consistency);
    return new JsonText({
      status: 'success',
      key,
      value: RawJson.fromBytes(found.value),
      vector_clock: found.vectorClock,
      context: found.context,
      siblings:
        found.siblings.length > 0
          ? found.siblings.map((s) => ({ value: RawJson.fromBytes(s.value), vector_clock: s.vectorClock }))
          : undefined,
    });
  }

  @Delete()
  @RateLimited('write')
  async delete(
    @ActingTenant() tenant: Tenant,
    @Query() query: unknown,
    @Json() body: JsonBody,
    @Headers('idempotency-key') idempotencyHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const idempotencyKey = checkIdempotencyKey(idempotencyHeader);
    const { key, consistency } = parseKeyQuery(query);
    const { context } = parseDeleteBody(body);
    const outcome = await this.kv.delete(tenant, key, { consistency, context }, idempotencyKey);
    return { status: 'success', key, ...outcome.response, ...idempotencyFields(reply, outcome) };
  }

  @Post('batch-get')
  @HttpCode(200)
  @RateLimited('read', itemsOf('keys'))
  async batchGet(@ActingTenant() tenant: Tenant, @Json() body: JsonBody): Promise<JsonText> {
    const { keys, consistency } = parseBatchGet(body);
    const items = await this.kv.batchGet(tenant, keys, consistency);
    return new JsonText({
      status: 'success',
      items: items.map(({ key, found }) =>
        found
          ? { key, found: true, value: RawJson.fromBytes(found.value), vector_clock: found.vectorClock, context: found.context }
          : { key, found: false },
      ),
    });
  }

  @Post('batch')
  @HttpCode(200)
  @RateLimited('write', itemsOf('items'))
  async batch(@ActingTenant() tenant: Tenant, @Json() body: JsonBody) {
    const { items, consistency } = parseBatch(body, this.config.maxValueBytes);
    return { status: 'success', results: await this.kv.batch(tenant, items, consistency) };
  }
}
