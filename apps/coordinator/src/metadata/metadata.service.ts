/**
 * Cluster metadata for this coordinator: the ring (nodes, tokens, epoch) and tenant settings.
 *
 * - Loaded from PostgreSQL at boot (after registering the bootstrap nodes of a new cluster).
 * - Kept in memory; every change is announced on the Redis channel `<prefix>metadata`
 *   (`{"kind":"ring"}` or `{"kind":"tenant","id":...}`) and applied at once; a periodic full
 *   reload is the safety net for a missed message.
 * - Tenants are cached for a short time and evicted by the same channel.
 */
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { tokensFor } from '@ringkv/cluster';
import type { CoordinatorConfig } from '@ringkv/config';
import { LOGGER, Readiness } from '@ringkv/platform';
import { gauge, type Logger } from '@ringkv/telemetry';
import Redis from 'ioredis';
import { COORDINATOR_CONFIG } from '../coordinator.tokens';
import { CoordinatorError } from '../kv/coordinator-error';
import { ClusterView } from './cluster-view';
import { METADATA_SOURCE, MetadataSource, TenantSettings } from './metadata-source';

export const RELOAD_INTERVAL_MS = 5_000;
const TENANT_CACHE_MS = 5_000;

type Listener = (view: ClusterView) => void;

@Injectable()
export class MetadataService implements OnModuleInit, OnApplicationShutdown {
  private view = ClusterView.empty();
  private loaded = false;
  private readonly listeners: Listener[] = [];
  private readonly tenants = new Map<string, { settings: TenantSettings; until: number }>();
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    @Inject(METADATA_SOURCE) private readonly source: MetadataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    readiness: Readiness,
  ) {
    gauge('ringkv_coordinator_ring_epoch', 'Ring epoch this coordinator routes with', () => Number(this.view.epoch));
    gauge('ringkv_coordinator_ring_nodes', 'Storage nodes on the ring this coordinator routes with', () => this.view.nodeCount);
    readiness.register('ring', () => {
      if (!this.loaded) throw new Error('ring not loaded yet');
      if (this.view.nodeCount === 0) throw new Error('the ring has no storage nodes');
    });
  }

  async onModuleInit(): Promise<void> {
    await this.source.bootstrap(
      this.config.bootstrapNodes.map((entry) => {
        const [id, address] = entry.split('@') as [string, string];
        const colon = address.lastIndexOf(':');
        return {
          id,
          host: address.slice(0, colon),
          port: Number(address.slice(colon + 1)),
          virtualNodes: this.config.virtualNodes,
          tokens: tokensFor(id, this.config.virtualNodes),
        };
      }),
    );
    await this.reload();
    await this.subscribe();
    this.timer = setInterval(() => void this.reload().catch((e) => this.logger.warn({ err: e }, 'metadata reload failed')), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.subscriber?.disconnect();
  }

  current(): ClusterView {
    return this.view;
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
    if (this.loaded) listener(this.view);
  }

  async tenant(id: string): Promise<TenantSettings> {
    const cached = this.tenants.get(id);
    if (cached && cached.until > Date.now()) return cached.settings;
    const settings = await this.source.loadTenant(id);
    if (!settings) {
      this.tenants.delete(id);
      throw new CoordinatorError('TENANT_NOT_FOUND', `tenant ${id} does not exist`);
    }
    this.tenants.set(id, { settings, until: Date.now() + TENANT_CACHE_MS });
    return settings;
  }

  async reload(): Promise<void> {
    const snapshot = await this.source.loadCluster();
    const changed = !this.loaded || snapshot.epoch !== this.view.epoch;
    if (!changed) return;
    this.view = new ClusterView(snapshot.epoch, snapshot.nodes);
    this.loaded = true;
    this.logger.info({ epoch: String(snapshot.epoch), nodes: this.view.nodeCount }, 'ring loaded');
    for (const listener of this.listeners) listener(this.view);
  }

  private async subscribe(): Promise<void> {
    const channel = `${this.config.redis.keyPrefix}metadata`;
    const subscriber = new Redis(this.config.redis.url, { lazyConnect: true, maxRetriesPerRequest: null });
    subscriber.on('error', (error) => this.logger.warn({ err: error }, 'metadata subscription error'));
    subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    this.subscriber = subscriber;
    try {
      await subscriber.connect();
      await subscriber.subscribe(channel);
    } catch (error) {
      // The periodic reload still converges; readiness does not depend on Redis here.
      this.logger.warn({ err: error, channel }, 'cannot subscribe to metadata changes; relying on periodic reload');
    }
  }

  private onMessage(message: string): void {
    let event: { kind?: unknown; id?: unknown };
    try {
      event = JSON.parse(message) as { kind?: unknown; id?: unknown };
    } catch {
      return;
    }
    if (event.kind === 'tenant' && typeof event.id === 'string') this.tenants.delete(event.id);
    if (event.kind === 'ring') void this.reload().catch((e) => this.logger.warn({ err: e }, 'metadata reload failed'));
  }
}
