/** Root module of a coordinator: the gRPC service, dependency probes, health and metrics. */
import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import type { CoordinatorConfig } from '@ringkv/config';
import { DependencyProbes, PlatformModule, postgresCheck, redisCheck } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { COORDINATOR_CONFIG } from './coordinator.tokens';
import { CoordinatorGrpcLifecycle } from './grpc/coordinator-grpc.lifecycle';
import { CoordinatorGrpcService } from './grpc/coordinator-grpc.service';

@Module({})
export class CoordinatorModule implements OnModuleInit {
  constructor(
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    private readonly probes: DependencyProbes,
  ) {}

  static forRoot(config: CoordinatorConfig, telemetry: Telemetry, logger: Logger): DynamicModule {
    return {
      module: CoordinatorModule,
      imports: [PlatformModule.forRoot({ telemetry, logger })],
      providers: [{ provide: COORDINATOR_CONFIG, useValue: config }, CoordinatorGrpcService, CoordinatorGrpcLifecycle],
    };
  }

  onModuleInit(): void {
    this.probes.add('postgres', postgresCheck(this.config.database.url));
    this.probes.add('redis', redisCheck(this.config.redis.url));
  }
}
