/**
 * Process entry helper: start telemetry and the logger, and only then load the app. The order
 * matters: OpenTelemetry patches http, grpc, pg and ioredis when they are first required, so
 * the app (which requires them) must be loaded after `startTelemetry`.
 */
import { createLogger, Logger } from './logger';
import { startTelemetry, Telemetry } from './start-telemetry';
import { TelemetryOptions } from './telemetry-options';

export interface InstrumentedConfig {
  serviceName: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  telemetry: Omit<TelemetryOptions, 'serviceName'>;
}

export interface AppEntry<C> {
  bootstrap(config: C, telemetry: Telemetry, logger: Logger): Promise<void>;
}

export function startInstrumented<C extends InstrumentedConfig>(config: C, load: () => Promise<AppEntry<C>>): void {
  const telemetry = startTelemetry({ serviceName: config.serviceName, ...config.telemetry });
  const logger = createLogger({ serviceName: config.serviceName, level: config.logLevel });
  load()
    .then((app) => app.bootstrap(config, telemetry, logger))
    .catch((error: unknown) => {
      logger.fatal({ err: error }, `${config.serviceName} failed to start`);
      logger.flush();
      process.stderr.write(`ringkv ${config.serviceName}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
