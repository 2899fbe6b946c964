/** Root module of the gateway: dependency probes, health and metrics (the public API joins here). */
import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { DependencyProbes, PlatformModule, postgresCheck, redisCheck } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { coordinatorProbe } from './coordinators/coordinator-probe';
import { GATEWAY_CONFIG } from './gateway.tokens';

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
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
    };
  }

  onModuleInit(): void {
    this.probes.add('postgres', postgresCheck(this.config.database.url));
    this.probes.add('redis', redisCheck(this.config.redis.url));
    this.probes.add('coordinators', coordinatorProbe(this.config.coordinators));
  }
}
