/**
 * Boots a RingKV process's Nest app on Fastify and owns its lifecycle: listen on the HTTP port
 * (health, metrics, and the gateway's API), and on SIGTERM/SIGINT report not-ready, stop
 * accepting, let in-flight work finish (Nest's shutdown hooks flush and close resources), and
 * exit; a process that cannot finish within the shutdown timeout exits anyway, non-zero.
 */
import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { Readiness } from './health/readiness';
import { instrumentHttp } from './http/http-telemetry';
import { NestPinoLogger } from './logging/nest-logger';

export interface ServiceOptions {
  module: Type<unknown> | DynamicModule;
  /** The process settings every app's configuration has (libs/config `processSettings`). */
  config: {
    http: { host: string; port: number };
    shutdownTimeoutMs: number;
    /** Stop when the parent's IPC channel closes (the launcher's children never outlive it). */
    exitWithParent: boolean;
  };
  logger: Logger;
  telemetry: Telemetry;
  /** Largest HTTP body accepted before it is buffered (413 beyond). */
  bodyLimitBytes?: number;
  /** Let Nest register its JSON/urlencoded parsers (default); false when the app brings its own. */
  bodyParser?: boolean;
  /** Runs after the app is created, before it listens (e.g. to register Fastify plugins). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

export async function runService(options: ServiceOptions): Promise<NestFastifyApplication> {
  const { logger } = options;
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  const app = await NestFactory.create<NestFastifyApplication>(
    options.module,
    new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? 1_048_576, logger: false }),
    { logger: new NestPinoLogger(logger), abortOnError: false, bodyParser: options.bodyParser ?? true },
  );
  instrumentHttp(app.getHttpAdapter().getInstance());
  await options.configure?.(app);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.get(Readiness).markDraining();
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: options.config.shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, options.config.shutdownTimeoutMs);
    deadline.unref();
    try {
      await app.close();
      await options.telemetry.shutdown();
      logger.info('stopped');
      process.exitCode = 0;
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exitCode = 1;
    }
    clearTimeout(deadline);
    // An IPC channel from the launcher would keep the event loop alive: exit explicitly.
    logger.flush(() => process.exit());
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  if (options.config.exitWithParent) {
    // The parent may already be gone (it died while this process was booting).
    if (process.connected === false) void stop('parent-exit');
    else process.once('disconnect', () => void stop('parent-exit'));
  }

  await app.listen(options.config.http.port, options.config.http.host);
  logger.info({ host: options.config.http.host, port: options.config.http.port }, 'HTTP server listening');
  return app;
}
