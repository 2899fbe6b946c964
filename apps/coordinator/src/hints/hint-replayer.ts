/**
 * Replays hints to storage nodes that are UP again (SYSTEM.md §5).
 *
 * A BullMQ job scheduler fires a `replay` job every `intervalMs`; BullMQ hands each job to one
 * coordinator's worker, so coordinators share the work without replaying the same hint twice
 * at the same time. A tick: drop hints older than the hint window (anti-entropy repairs those
 * replicas instead), then for every node this coordinator sees UP send up to `batchPerNode` due
 * hints with Apply (which reconciles by clock, so a replay never clobbers newer data), delete
 * the ones that landed and push back the ones that failed.
 */
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { CoordinatorConfig } from '@ringkv/config';
import { Hint, HintRepository } from '@ringkv/db';
import { LOGGER, Readiness } from '@ringkv/platform';
import { counter, gauge, type Logger } from '@ringkv/telemetry';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { COORDINATOR_CONFIG } from '../coordinator.tokens';
import { FailureDetector } from '../liveness/failure-detector';
import { MetadataService } from '../metadata/metadata.service';
import { StorageSessionPool } from '../storage/storage-session-pool';
import { DEFAULT_HINT_REPLAY, HintReplayPolicy, nextAttemptAt } from './hint-replay.policy';

export const HINT_QUEUE = 'hint-replay';

const replayed = counter('ringkv_coordinator_hints_replayed', 'Hints delivered to their target node');
const replayFailures = counter('ringkv_coordinator_hint_replay_failures', 'Hint deliveries that failed and were rescheduled');
const expired = counter('ringkv_coordinator_hints_expired', 'Hints dropped because they outlived the hint window');

@Injectable()
export class HintReplayer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly policy: HintReplayPolicy = DEFAULT_HINT_REPLAY;
  private queue: Queue | undefined;
  private worker: Worker | undefined;
  private connection: Redis | undefined;
  private pending: Record<string, number> = {};

  constructor(
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    private readonly hints: HintRepository,
    private readonly pool: StorageSessionPool,
    private readonly detector: FailureDetector,
    private readonly metadata: MetadataService,
    @Inject(LOGGER) private readonly logger: Logger,
    readiness: Readiness,
  ) {
    gauge('ringkv_coordinator_hints_pending', 'Hints waiting for their target node, per node', () =>
      Object.entries(this.pending).map(([node, value]) => ({ value, attributes: { node } })),
    );
    readiness.register('hint-replay', () => {
      if (!this.worker?.isRunning()) throw new Error('hint replay worker is not running');
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const prefix = `${this.config.redis.keyPrefix}bull`;
    this.connection = new Redis(this.config.redis.url, { maxRetriesPerRequest: null });
    this.connection.on('error', (error) => this.logger.warn({ err: error }, 'hint replay Redis connection error'));
    this.queue = new Queue(HINT_QUEUE, { connection: this.connection, prefix });
    await this.queue.upsertJobScheduler('replay-hints', { every: this.policy.intervalMs }, { name: 'replay' });
    this.worker = new Worker(HINT_QUEUE, () => this.tick(), {
      connection: this.connection.duplicate(),
      prefix,
      concurrency: 1,
      removeOnComplete: { count: 10 },
      removeOnFail: { count: 100 },
    });
    this.worker.on('error', (error) => this.logger.warn({ err: error }, 'hint replay worker error'));
    this.worker.on('failed', (_job, error) => this.logger.warn({ err: error }, 'hint replay tick failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    this.connection?.disconnect();
  }

  /** One replay pass over every node; exported for tests and on-demand runs. */
  async tick(): Promise<void> {
    const now = Date.now();
    const dropped = await this.hints.expireOlderThan(new Date(now - this.config.hintWindowSeconds * 1000));
    for (const [node, count] of Object.entries(dropped.perTarget)) expired.add(count, { node });
    this.pending = await this.hints.pendingCounts();
    const targets = Object.keys(this.pending).filter(
      (node) => this.detector.isUp(node) && this.metadata.current().addresses.some((a) => a.nodeId === node),
    );
    await Promise.all(targets.map((node) => this.replayTo(node, now)));
  }

  private async replayTo(node: string, now: number): Promise<void> {
    const due = await this.hints.duePerTarget(node, this.policy.batchPerNode, new Date(now));
    if (due.length === 0) return;
    const delivered: bigint[] = [];
    const failed: Hint[] = [];
    await Promise.all(
      due.map((hint) =>
        this.pool
          .apply(node, { tenantId: hint.tenantId, key: hint.key, object: hint.object }, this.policy.applyTimeoutMs)
          .then(
            () => delivered.push(hint.id),
            () => failed.push(hint),
          ),
      ),
    );
    if (delivered.length > 0) {
      await this.hints.delete(delivered);
      replayed.add(delivered.length, { node });
      this.detector.recordSuccess(node);
    }
    for (const hint of failed) await this.hints.reschedule([hint.id], nextAttemptAt(this.policy, hint.attempts, now));
    if (failed.length > 0) {
      replayFailures.add(failed.length, { node });
      this.logger.info({ node, delivered: delivered.length, failed: failed.length }, 'hint replay incomplete');
    }
  }
}
