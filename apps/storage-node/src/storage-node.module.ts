/** Root module of a storage node: identity, the gRPC service, health and metrics. */
import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import type { StorageNodeConfig } from '@ringkv/config';
import { PlatformModule } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { StorageGrpcLifecycle } from './grpc/storage-grpc.lifecycle';
import { StorageGrpcService } from './grpc/storage-grpc.service';
import { claimNodeIdentity } from './identity/node-identity';
import { STORAGE_NODE_CONFIG } from './storage-node.tokens';

@Module({})
export class StorageNodeModule implements OnModuleInit {
  constructor(
    @Inject(STORAGE_NODE_CONFIG) private readonly config: StorageNodeConfig,
  ) {}

  static forRoot(config: StorageNodeConfig, telemetry: Telemetry, logger: Logger): DynamicModule {
    return {
      module: StorageNodeModule,
      imports: [PlatformModule.forRoot({ telemetry, logger })],
      providers: [{ provide: STORAGE_NODE_CONFIG, useValue: config }, StorageGrpcService, StorageGrpcLifecycle],
    };
  }

  async onModuleInit(): Promise<void> {
    await claimNodeIdentity(this.config.dataDir, this.config.nodeId);
  }
}
