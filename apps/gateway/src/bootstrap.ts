/** Builds the gateway's Nest app and starts it (see main.ts for why this is separate). */
import type { GatewayConfig } from '@ringkv/config';
import { runService } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { GatewayModule } from './gateway.module';
import { configureGateway } from './http/configure-gateway';

/** Room for the key and the other members of a request around the largest value. */
const BODY_OVERHEAD_BYTES = 64 * 1024;

export async function bootstrap(config: GatewayConfig, telemetry: Telemetry, logger: Logger): Promise<void> {
  await runService({
    module: GatewayModule.forRoot(config, telemetry, logger),
    config,
    logger,
    telemetry,
    bodyLimitBytes: config.maxValueBytes + BODY_OVERHEAD_BYTES,
    configure: (app) => configureGateway(app),
  });
}
