/**
 * Tenant and API key administration (API.md "Tenants"), admin keys only. Routes that move data
 * (changing a replication factor, deleting a tenant) need the coordinators' streaming machinery
 * and answer NOT_IMPLEMENTED until it exists.
 */
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Access } from '../auth/access.decorator';
import { notImplemented } from '../errors/gateway-error';
import { validate } from '../http/validate';
import { ApiKeyService } from './api-key.service';
import { createApiKeySchema, createTenantSchema, replicationFactorSchema, tenantIdSchema } from './tenant.schemas';
import { TenantService } from './tenant.service';
import { apiKeyView, tenantView } from './tenant-view';

const tenantIdParam = (id: string) => validate(tenantIdSchema, id, 'tenant_id');

@Controller('v1/tenants')
@Access('admin')
export class TenantController {
  constructor(
    private readonly tenants: TenantService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  @Post()
  async create(@Body() body: unknown) {
    const tenant = await this.tenants.create(validate(createTenantSchema, body));
    return { status: 'success', ...tenantView(tenant) };
  }

  @Get()
  async list() {
    return { status: 'success', tenants: (await this.tenants.list()).map(tenantView) };
  }

  @Get(':tenant_id')
  async get(@Param('tenant_id') id: string) {
    return { status: 'success', ...tenantView(await this.tenants.get(tenantIdParam(id))) };
  }

  @Put(':tenant_id/replication-factor')
  async changeReplicationFactor(@Param('tenant_id') id: string, @Body() body: unknown) {
    tenantIdParam(id);
    validate(replicationFactorSchema, body);
    throw notImplemented('changing a replication factor (streams data between nodes)');
  }

  @Delete(':tenant_id')
  async delete(@Param('tenant_id') id: string) {
    await this.tenants.get(tenantIdParam(id));
    throw notImplemented('deleting a tenant (removes its data in the background)');
  }

  @Post(':tenant_id/api-keys')
  async createKey(@Param('tenant_id') id: string, @Body() body: unknown) {
    const { name } = validate(createApiKeySchema, body ?? {});
    const { key, secret } = await this.apiKeys.create(tenantIdParam(id), name);
    return { status: 'success', key_id: key.id, api_key: secret, name: key.name, created_at: key.createdAt.toISOString() };
  }

  @Get(':tenant_id/api-keys')
  async listKeys(@Param('tenant_id') id: string) {
    return { status: 'success', keys: (await this.apiKeys.list(tenantIdParam(id))).map(apiKeyView) };
  }

  @Delete(':tenant_id/api-keys/:key_id')
  @HttpCode(204)
  async revokeKey(@Param('tenant_id') id: string, @Param('key_id') keyId: string): Promise<void> {
    await this.apiKeys.revoke(tenantIdParam(id), keyId);
  }
}
