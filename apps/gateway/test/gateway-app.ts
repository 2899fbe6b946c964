/**
 * An in-process gateway for integration tests: the real module on real PostgreSQL (a fresh
 * database per test file) and real Redis (a unique key prefix), listening on free loopback
 * ports. Coordinators are whatever `coordinators` names (by default an address where nothing
 * listens, for tests of everything in front of the KV path).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
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
  config: GatewayConfig;
  database: TestDatabase;
  adminKey: string;
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startGatewayApp(env: Record<string, string> = {}, database?: TestDatabase): Promise<GatewayApp> {
  const db = database ?? (await createTestDatabase());
  const adminKey = `rkv_admin_${randomBytes(24).toString('base64url')}`;
  const config = loadConfig(gatewayConfigSchema, {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    RINGKV_REDIS_PREFIX: `gwtest_${process.pid}_${randomBytes(3).toString('hex')}:`,
    RINGKV_ADMIN_KEY: adminKey,
    RINGKV_HTTP_PORT: String(await freePort()),
    RINGKV_RESP_PORT: String(await freePort()),
    RINGKV_COORDINATORS: `127.0.0.1:${await freePort()}`,
    RINGKV_LOG_LEVEL: 'silent',
    RINGKV_REQUEST_TIMEOUT_MS: '1000',
    ...env,
  });
  const logger = createLogger({ serviceName: 'gateway-test', level: 'silent' });
  const telemetry = { renderMetrics: async () => '', shutdown: async () => undefined };
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config, telemetry, logger),
    new FastifyAdapter({ bodyLimit: config.maxValueBytes + 64 * 1024, logger: false, forceCloseConnections: true }),
    { logger: false },
  );
  configureGateway(app);
  await app.listen(config.http.port, '127.0.0.1');
  return {
    app,
    url: `http://127.0.0.1:${config.http.port}`,
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
