/** Starts the gRPC server after every module is initialised and drains it first on shutdown. */
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { CoordinatorConfig } from '@ringkv/config';
import { GrpcServer, LOGGER, Readiness } from '@ringkv/platform';
import { coordinatorV1 } from '@ringkv/proto';
import type { Logger } from '@ringkv/telemetry';
import { COORDINATOR_CONFIG } from '../coordinator.tokens';
import { CoordinatorGrpcService } from './coordinator-grpc.service';

@Injectable()
export class CoordinatorGrpcLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly server: GrpcServer;

  constructor(
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    @Inject(LOGGER) logger: Logger,
    private readonly service: CoordinatorGrpcService,
    readiness: Readiness,
  ) {
    this.server = new GrpcServer(config.grpc, logger);
    readiness.register('grpc', () => {
      if (this.server.port === undefined) throw new Error('gRPC server is not listening');
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server.addService(coordinatorV1.CoordinatorServiceService, this.service.handlers());
    await this.server.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.shutdown(this.config.shutdownTimeoutMs / 2);
  }
}
