/**
 * Starts the gRPC server (StorageService and StorageRangeService on one port) at application
 * bootstrap, i.e. after every module is initialised and so after the engine has replayed its
 * commit log: the node serves nothing before it is ready. On shutdown it drains first, in
 * `beforeApplicationShutdown`, before the engine flushes and closes (StoreLifecycle).
 */
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { StorageNodeConfig } from '@ringkv/config';
import { GrpcServer, LOGGER, Readiness } from '@ringkv/platform';
import { storageV1 } from '@ringkv/proto';
import type { Logger } from '@ringkv/telemetry';
import { STORAGE_NODE_CONFIG } from '../storage-node.tokens';
import { StorageGrpcService } from './storage-grpc.service';
import { StorageRangeGrpcService } from './storage-range-grpc.service';

@Injectable()
export class StorageGrpcLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly server: GrpcServer;

  constructor(
    @Inject(STORAGE_NODE_CONFIG) private readonly config: StorageNodeConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly service: StorageGrpcService,
    private readonly rangeService: StorageRangeGrpcService,
    readiness: Readiness,
  ) {
    this.server = new GrpcServer(config.grpc, logger);
    readiness.register('grpc', () => {
      if (this.server.port === undefined) throw new Error('gRPC server is not listening');
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server.addService(storageV1.StorageServiceService, this.service.handlers());
    this.server.addService(storageV1.StorageRangeServiceService, this.rangeService.handlers());
    await this.server.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.shutdown(this.config.shutdownTimeoutMs / 2);
  }
}
