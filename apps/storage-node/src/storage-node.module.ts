/**
 * Root module of a storage node: the versioned store over the engine (opened at init, closed
 * last at shutdown), the gRPC services, engine metrics, health and metrics routes.
 */
import { DynamicModule, Module } from '@nestjs/common';
import type { StorageNodeConfig } from '@ringkv/config';
import { PlatformModule } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { RpcMetrics } from './grpc/rpc-metrics';
import { StorageGrpcLifecycle } from './grpc/storage-grpc.lifecycle';
import { StorageGrpcService } from './grpc/storage-grpc.service';
import { StorageRangeGrpcService } from './grpc/storage-range-grpc.service';
import { EngineMetrics } from './metrics/engine-metrics.service';
import { StoreLifecycle } from './store/store.lifecycle';
import { STORAGE_NODE_CONFIG } from './storage-node.tokens';

@Module({})
export class StorageNodeModule {
  static forRoot(config: StorageNodeConfig, telemetry: Telemetry, logger: Logger): DynamicModule {
    return {
      module: StorageNodeModule,
      imports: [PlatformModule.forRoot({ telemetry, logger })],
      providers: [
        { provide: STORAGE_NODE_CONFIG, useValue: config },
        { provide: RpcMetrics, useFactory: () => new RpcMetrics() },
        StoreLifecycle,
        EngineMetrics,
        StorageGrpcService,
        StorageRangeGrpcService,
        StorageGrpcLifecycle,
      ],
    };
  }
}
