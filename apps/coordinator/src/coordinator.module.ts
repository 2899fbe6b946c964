/**
 * Root module of a coordinator: metadata (ring and tenants from PostgreSQL, kept fresh through
 * Redis), sessions to the storage nodes, the failure detector and its prober, the KV request
 * drivers, hinted handoff, and the gRPC service; plus health and metrics from the platform.
 */
import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import type { CoordinatorConfig } from '@ringkv/config';
import { DependencyProbes, LOGGER, PlatformModule, postgresCheck, redisCheck } from '@ringkv/platform';
import type { Logger, Telemetry } from '@ringkv/telemetry';
import { COORDINATOR_CONFIG } from './coordinator.tokens';
import { databaseProviders } from './database/database.providers';
import { CoordinatorGrpcLifecycle } from './grpc/coordinator-grpc.lifecycle';
import { CoordinatorGrpcService } from './grpc/coordinator-grpc.service';
import { HintReplayer } from './hints/hint-replayer';
import { PostgresHintSink } from './hints/postgres-hint-sink';
import { ExportService } from './kv/export.service';
import { KV_DEPS, KvDeps } from './kv/kv.deps';
import { KvMetrics } from './kv/kv.metrics';
import { KvService } from './kv/kv.service';
import { FailureDetector } from './liveness/failure-detector';
import { LivenessProber } from './liveness/liveness-prober';
import { METADATA_SOURCE } from './metadata/metadata-source';
import { MetadataService } from './metadata/metadata.service';
import { PostgresMetadataSource } from './metadata/postgres-metadata-source';
import { StorageSessionPool } from './storage/storage-session-pool';

/** Consecutive failed calls after which a storage node is considered DOWN. */
const FAILURE_THRESHOLD = 3;

@Module({})
export class CoordinatorModule implements OnModuleInit {
  constructor(
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    private readonly probes: DependencyProbes,
    private readonly metadata: MetadataService,
    private readonly pool: StorageSessionPool,
  ) {}

  static forRoot(config: CoordinatorConfig, telemetry: Telemetry, logger: Logger): DynamicModule {
    return {
      module: CoordinatorModule,
      imports: [PlatformModule.forRoot({ telemetry, logger })],
      providers: [
        { provide: COORDINATOR_CONFIG, useValue: config },
        ...databaseProviders,
        { provide: METADATA_SOURCE, useClass: PostgresMetadataSource },
        MetadataService,
        { provide: StorageSessionPool, useFactory: () => new StorageSessionPool() },
        { provide: FailureDetector, useFactory: () => new FailureDetector(FAILURE_THRESHOLD) },
        PostgresHintSink,
        {
          provide: KV_DEPS,
          inject: [StorageSessionPool, FailureDetector, PostgresHintSink, LOGGER],
          useFactory: (pool: StorageSessionPool, detector: FailureDetector, hints: PostgresHintSink, log: Logger): KvDeps => ({
            transport: pool,
            liveness: {
              isUp: (node) => detector.isUp(node),
              recordSuccess: (node) => detector.recordSuccess(node),
              recordFailure: (node) => {
                const change = detector.recordFailure(node);
                if (change) log.warn({ node }, 'storage node marked DOWN after consecutive failures');
                return change;
              },
            },
            hints,
            onBackgroundError: (error) => log.error({ err: error }, 'background write work failed'),
          }),
        },
        KvMetrics,
        KvService,
        ExportService,
        LivenessProber,
        HintReplayer,
        CoordinatorGrpcService,
        CoordinatorGrpcLifecycle,
      ],
    };
  }

  onModuleInit(): void {
    this.probes.add('postgres', postgresCheck(this.config.database.url));
    this.probes.add('redis', redisCheck(this.config.redis.url));
    this.metadata.onChange((view) => this.pool.update(view.addresses));
  }
}
