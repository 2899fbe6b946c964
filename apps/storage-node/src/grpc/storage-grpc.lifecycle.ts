/**
 * Starts the gRPC server once every module is initialised (the node serves nothing before it
 * is ready) and drains it first on shutdown, before the engine flushes and closes.
 */
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { StorageNodeConfig } from '@ringkv/config';
import { GrpcServer, LOGGER, Readiness } from '@ringkv/platform';
import { storageV1 } from '@ringkv/proto';
import type { Logger } from '@ringkv/telemetry';
import { STORAGE_NODE_CONFIG } from '../storage-node.tokens';
import { StorageGrpcService } from './storage-grpc.service';

@Injectable()
export class StorageGrpcLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly server: GrpcServer;

  constructor(
    @Inject(STORAGE_NODE_CONFIG) private readonly config: StorageNodeConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly service: StorageGrpcService,
    readiness: Readiness,
  ) {
    this.server = new GrpcServer(config.grpc, logger);
    readiness.register('grpc', () => {
      if (this.server.port === undefined) throw new Error('gRPC server is not listening');
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server.addService(storageV1.StorageServiceService, this.service.handlers());
    await this.server.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.shutdown(this.config.shutdownTimeoutMs / 2);
  }
}
