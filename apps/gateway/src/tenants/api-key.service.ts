/**
 * A tenant's API keys: created with a fresh random secret (returned once, stored as its
 * SHA-256), listed without secrets, and revoked — revocation also evicts the key from every
 * gateway's caches (ApiKeyResolver.revoked) before the call returns.
 */
import { Injectable } from '@nestjs/common';
import { ApiKey, ApiKeyRepository } from '@ringkv/db';
import { ApiKeyResolver } from '../auth/api-key-resolver.service';
import { generateApiKeySecret, hashApiKey } from '../auth/api-key-secret';
import { GatewayError } from '../errors/gateway-error';
import { TenantService } from './tenant.service';

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly tenants: TenantService,
    private readonly resolver: ApiKeyResolver,
  ) {}

  async create(tenantId: string, name: string | undefined): Promise<{ key: ApiKey; secret: string }> {
    const secret = generateApiKeySecret();
    const key = await this.keys.create({ scope: 'tenant', tenantId, keyHash: hashApiKey(secret), name });
    return { key, secret };
  }

  async list(tenantId: string): Promise<ApiKey[]> {
    await this.tenants.get(tenantId);
    return this.keys.listForTenant(tenantId);
  }

  async revoke(tenantId: string, keyId: string): Promise<void> {
    await this.tenants.get(tenantId);
    let key: ApiKey;
    try {
      key = await this.keys.revoke(tenantId, keyId);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'API_KEY_NOT_FOUND') {
        throw new GatewayError('NOT_FOUND', `API key ${keyId} not found for tenant ${tenantId}`);
      }
      throw error;
    }
    await this.resolver.revoked(key);
  }
}
