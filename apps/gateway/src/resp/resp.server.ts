/**
 * The Redis-protocol (RESP2) listener: binds `resp.port` on the HTTP host once the app has
 * started, hands each socket to a RespConnection, and on shutdown stops accepting and closes
 * open connections (after their in-flight replies, bounded by the shutdown timeout).
 */
import { createServer, Server, Socket } from 'node:net';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { LOGGER } from '@ringkv/platform';
import type { Logger } from '@ringkv/telemetry';
import { ApiKeyResolver } from '../auth/api-key-resolver.service';
import { TenantDirectory } from '../auth/tenant-directory.service';
import { gatewayMetrics } from '../gateway.metrics';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { KvService } from '../kv/kv.service';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { RespConnection, RespDeps } from './resp-connection';
import { DEFAULT_RESP_LIMITS } from './resp-parser';

/** Room for SET's other arguments beside the largest value. */
const BULK_OVERHEAD_BYTES = 64 * 1024;

@Injectable()
export class RespServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly deps: RespDeps;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    kv: KvService,
    keys: ApiKeyResolver,
    tenants: TenantDirectory,
    rateLimits: RateLimitService,
  ) {
    this.deps = {
      kv,
      keys,
      tenants,
      rateLimits,
      logger,
      maxValueBytes: config.maxValueBytes,
      limits: { ...DEFAULT_RESP_LIMITS, maxBulkBytes: config.maxValueBytes + BULK_OVERHEAD_BYTES },
      connections: () => this.sockets.size,
    };
  }

  /** The bound port (differs from the configured one only when that is 0, in tests). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : this.config.resp.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      gatewayMetrics.respConnection(1);
      socket.once('close', () => {
        this.sockets.delete(socket);
        gatewayMetrics.respConnection(-1);
      });
      new RespConnection(socket, this.deps);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.resp.port, this.config.http.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.info({ host: this.config.http.host, port: this.port }, 'RESP server listening');
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.end();
    const forced = setTimeout(() => this.sockets.forEach((s) => s.destroy()), 2_000);
    forced.unref();
    await closed;
    clearTimeout(forced);
  }
}
