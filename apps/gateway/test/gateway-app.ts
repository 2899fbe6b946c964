/**
 * An in-process gateway for integration tests: the real module on real PostgreSQL (a fresh
 * database per test file) and real Redis (a unique key prefix), listening on loopback ports the
 * kernel picks (port 0; the real ones are `url` and `respPort`), so parallel Jest workers cannot
 * race for a port. Coordinators are whatever `RINGKV_COORDINATORS` names (by default port 1,
 * where nothing listens, for tests of everything in front of the KV path).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayConfig, gatewayConfigSchema, loadConfig } from '@ringkv/config';
import { createTestDatabase, TestDatabase } from '@ringkv/db';
import { createLogger } from '@ringkv/telemetry';
import { GatewayModule } from '../src/gateway.module';
import { configureGateway } from '../src/http/configure-gateway';
import { RespServer } from '../src/resp/resp.server';

export const TEST_REDIS_URL = process.env['RINGKV_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

export interface GatewayApp {
  app: NestFastifyApplication;
  url: string;
  respPort: number;
  /** As the app got it: HTTP and RESP ports are 0 unless `env` set them (see `url`, `respPort`). */
  config: GatewayConfig;
  database: TestDatabase;
  adminKey: string;
  close(): Promise<void>;
}

export async function startGatewayApp(
  env: Record<string, string> = {},
  database?: TestDatabase,
): Promise<GatewayApp> {
  const db = database ?? (await createTestDatabase());
  const adminKey = `rkv_admin_${randomBytes(24).toString('base64url')}`;
  const loaded = loadConfig(gatewayConfigSchema, {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    RINGKV_REDIS_PREFIX: `gwtest_${process.pid}_${randomBytes(3).toString('hex')}:`,
    RINGKV_ADMIN_KEY: adminKey,
    RINGKV_COORDINATORS: '127.0.0.1:1', // nothing listens on port 1
    RINGKV_LOG_LEVEL: 'silent',
    RINGKV_REQUEST_TIMEOUT_MS: '1000',
    ...env,
  });
  // The schema wants ports >= 1; 0 (the kernel picks a free port at listen time) is set here.
  const config: GatewayConfig = {
    ...loaded,
    http: { ...loaded.http, port: env['RINGKV_HTTP_PORT'] ? loaded.http.port : 0 },
    resp: { ...loaded.resp, port: env['RINGKV_RESP_PORT'] ? loaded.resp.port : 0 },
  };
  const logger = createLogger({ serviceName: 'gateway-test', level: 'silent' });
  const telemetry = { renderMetrics: async () => '', shutdown: async () => undefined };
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config, telemetry, logger),
    new FastifyAdapter({
      bodyLimit: config.maxValueBytes + 64 * 1024,
      logger: false,
      forceCloseConnections: true,
    }),
    { logger: false },
  );
  configureGateway(app);
  try {
    await app.listen(config.http.port, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    if (!database) await db.destroy();
    throw error;
  }
  const { port: httpPort } = (app.getHttpServer() as { address(): AddressInfo }).address();
  return {
    app,
    url: `http://127.0.0.1:${httpPort}`,
    respPort: app.get(RespServer).port,
    config,
    database: db,
    adminKey,
    close: async () => {
      await app.close();
      if (!database) await db.destroy();
    },
  };
}
