/**
 * Root module of the gateway: the public REST API (key-value, tenants, cluster admin), the
 * RESP port, and what they share — PostgreSQL (libs/db), Redis, the coordinator sessions, auth,
 * rate limits and idempotency. One exception filter, one guard and one interceptor apply to
 * every route.
 */
import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { GatewayConfig } from '@ringkv/config';
import { Database, RingRepository, StorageNodeRepository } from '@ringkv/db';
import { DependencyProbes, PlatformModule, postgresCheck, redisCheck } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import type { Kysely } from 'kysely';
import { ClusterAdminController } from './admin/cluster-admin.controller';
import { ClusterAdminService } from './admin/cluster-admin.service';
import { ApiKeyResolver } from './auth/api-key-resolver.service';
import { AuthGuard } from './auth/auth.guard';
import { TenantDirectory } from './auth/tenant-directory.service';
import { CoordinatorPool } from './coordinators/coordinator-pool';
import { coordinatorProbe } from './coordinators/coordinator-probe';
import { GatewayExceptionFilter } from './errors/gateway-exception.filter';
import { DATABASE, GATEWAY_CONFIG } from './gateway.tokens';
import { RouteTable } from './http/route-table';
import { IdempotencyService } from './idempotency/idempotency.service';
import { databaseProviders, DatabaseLifecycle } from './infra/database.provider';
import { MetadataEvents } from './infra/metadata-events';
import { RedisLifecycle, redisProvider } from './infra/redis.provider';
import { ImportController } from './kv/import.controller';
import { ExportService } from './kv/export.service';
import { ImportService } from './kv/import.service';
import { KvApiService } from './kv/kv-api.service';
import { KvController } from './kv/kv.controller';
import { KvService } from './kv/kv.service';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { RespServer } from './resp/resp.server';
import { ApiKeyService } from './tenants/api-key.service';
import { TenantController } from './tenants/tenant.controller';
import { TenantService } from './tenants/tenant.service';

@Module({})
export class GatewayModule implements OnModuleInit {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly probes: DependencyProbes,
  ) {}

  static forRoot(config: GatewayConfig, telemetry: Telemetry, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.forRoot({ telemetry, logger })],
      controllers: [KvController, ImportController, TenantController, ClusterAdminController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: RouteTable, useValue: new RouteTable() },
        redisProvider,
        RedisLifecycle,
        ...databaseProviders,
        DatabaseLifecycle,
        { provide: StorageNodeRepository, inject: [DATABASE], useFactory: (db: Kysely<Database>) => new StorageNodeRepository(db) },
        { provide: RingRepository, inject: [DATABASE], useFactory: (db: Kysely<Database>) => new RingRepository(db) },
        MetadataEvents,
        TenantDirectory,
        ApiKeyResolver,
        RateLimitService,
        IdempotencyService,
        CoordinatorPool,
        KvService,
        KvApiService,
        ImportService,
        ExportService,
        TenantService,
        ApiKeyService,
        ClusterAdminService,
        RespServer,
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }

  onModuleInit(): void {
    this.probes.add('postgres', postgresCheck(this.config.database.url));
    this.probes.add('redis', redisCheck(this.config.redis.url));
    this.probes.add('coordinators', coordinatorProbe(this.config.coordinators));
  }
}
