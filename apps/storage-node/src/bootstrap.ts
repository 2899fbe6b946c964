/** Builds the storage node's Nest app and starts it (see main.ts for why this is separate). */
import type { StorageNodeConfig } from '@ringkv/config';
import { runService } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { StorageNodeModule } from './storage-node.module';

export async function bootstrap(config: StorageNodeConfig, telemetry: Telemetry, logger: Logger): Promise<void> {
  await runService({
    module: StorageNodeModule.forRoot(config, telemetry, logger),
    config,
    logger,
    telemetry,
  });
}
