/**
 * Tenant administration against PostgreSQL (libs/db). Every change is announced on the
 * metadata channel (`{"kind":"tenant"}`) so gateways and coordinators drop cached settings.
 */
import { Injectable } from '@nestjs/common';
import { StorageNodeRepository, Tenant, TenantRepository } from '@ringkv/db';
import { GatewayError } from '../errors/gateway-error';
import { MetadataEvents } from '../infra/metadata-events';
import { CreateTenantBody, MAX_REPLICATION_FACTOR } from './tenant.schemas';

const DEFAULT_REPLICATION_FACTOR = 3;

@Injectable()
export class TenantService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly nodes: StorageNodeRepository,
    private readonly events: MetadataEvents,
  ) {}

  async create(body: CreateTenantBody): Promise<Tenant> {
    // An existing id is a conflict whatever the settings (the insert re-checks atomically).
    if (await this.tenants.find(body.tenant_id)) throw new GatewayError('TENANT_EXISTS', `tenant ${body.tenant_id} already exists`);
    await this.checkReplicationFactor(body.replication_factor ?? DEFAULT_REPLICATION_FACTOR);
    const tenant = await this.tenants.create({
      id: body.tenant_id,
      replicationFactor: body.replication_factor ?? DEFAULT_REPLICATION_FACTOR,
      defaultConsistency: body.default_consistency,
      conflictPolicy: body.conflict_policy,
      writeRateLimit: body.write_rate_limit,
      readRateLimit: body.read_rate_limit,
    });
    await this.events.publish({ kind: 'tenant', id: tenant.id });
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.tenants.find(id);
    if (!tenant || tenant.deletedAt !== null) throw new GatewayError('TENANT_NOT_FOUND', `tenant ${id} not found`);
    return tenant;
  }

  /** 1..10 and no more than the storage nodes able to hold a replica (NORMAL ones). */
  async checkReplicationFactor(factor: number): Promise<void> {
    if (factor < 1 || factor > MAX_REPLICATION_FACTOR) {
      throw new GatewayError('INVALID_REPLICATION_FACTOR', `replication_factor must be 1..${MAX_REPLICATION_FACTOR}`);
    }
    const normal = (await this.nodes.list({ states: ['NORMAL'] })).length;
    if (normal > 0 && factor > normal) {
      throw new GatewayError('INVALID_REPLICATION_FACTOR', `replication_factor ${factor} exceeds the ${normal} NORMAL storage nodes`);
    }
  }
}
