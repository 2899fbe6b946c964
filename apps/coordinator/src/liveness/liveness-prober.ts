/**
 * Brings DOWN storage nodes back: every probe interval, each node the failure detector holds
 * DOWN gets a unary Health call; a serving answer marks it UP (and hint replay then starts for
 * it). Also reports liveness as a metric.
 */
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { LOGGER } from '@ringkv/platform';
import { gauge, type Logger } from '@ringkv/telemetry';
import { MetadataService } from '../metadata/metadata.service';
import { StorageSessionPool } from '../storage/storage-session-pool';
import { FailureDetector } from './failure-detector';

export const PROBE_INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 800;

@Injectable()
export class LivenessProber implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    private readonly detector: FailureDetector,
    private readonly pool: StorageSessionPool,
    private readonly metadata: MetadataService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    gauge('ringkv_coordinator_node_up', 'Storage node liveness as this coordinator sees it (1 UP, 0 DOWN)', () =>
      this.metadata.current().addresses.map((a) => ({
        value: this.detector.isUp(a.nodeId) ? 1 : 0,
        attributes: { node: a.nodeId },
      })),
    );
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.probeDownNodes(), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async probeDownNodes(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.all(
        this.detector.downNodes().map(async (nodeId) => {
          const serving = await this.pool.health(nodeId, PROBE_TIMEOUT_MS).catch(() => false);
          if (serving && this.detector.recordSuccess(nodeId)) this.logger.info({ node: nodeId }, 'storage node is UP again');
        }),
      );
    } finally {
      this.probing = false;
    }
  }
}
