/**
 * What every RingKV process shares: health and metrics routes, readiness checks, the logger and
 * telemetry handles. Imported once by each app's root module with `PlatformModule.forRoot(...)`.
 */
import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { HealthController } from './health/health.controller';
import { DependencyProbes } from './health/dependency-probes';
import { Readiness } from './health/readiness';
import { MetricsController } from './http/metrics.controller';
import { LOGGER, TELEMETRY } from './platform.tokens';

export interface PlatformOptions {
  telemetry: Telemetry;
  logger: Logger;
}

@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        Readiness,
        DependencyProbes,
        { provide: TELEMETRY, useValue: options.telemetry },
        { provide: LOGGER, useValue: options.logger },
      ],
      exports: [Readiness, DependencyProbes, TELEMETRY, LOGGER],
    };
  }
}
