/** Builds the coordinator's Nest app and starts it (see main.ts for why this is separate). */
import type { CoordinatorConfig } from '@ringkv/config';
import { runService } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { CoordinatorModule } from './coordinator.module';

export async function bootstrap(config: CoordinatorConfig, telemetry: Telemetry, logger: Logger): Promise<void> {
  await runService({
    module: CoordinatorModule.forRoot(config, telemetry, logger),
    config,
    logger,
    telemetry,
  });
}
