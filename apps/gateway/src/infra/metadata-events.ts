/**
 * Metadata invalidation over Redis pub/sub, on the channel `<prefix>metadata` that coordinators
 * also listen to. Messages are JSON: `{"kind":"api-key","id":<key id>}` when a key is revoked,
 * `{"kind":"tenant","id":<tenant id>}` when a tenant changes. Every gateway evicts what a
 * message names from its in-process caches as soon as it arrives, which is what makes a
 * revocation effective everywhere within a second.
 *
 * Publishing is best effort (a down Redis must not fail an admin call that already committed
 * to PostgreSQL); the caches' short TTLs bound staleness when a message is lost.
 *
 * `invalidationsSeenSince()` tells since when this gateway cannot have missed a message: the
 * time its subscriber last (re)connected, or undefined while it is disconnected. A cache entry
 * loaded before that moment may have been revoked unnoticed, so it must not outlive its TTL.
 */
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { LOGGER } from '@ringkv/platform';
import type { Logger } from '@ringkv/telemetry';
import type Redis from 'ioredis';
import { GATEWAY_CONFIG, REDIS } from '../gateway.tokens';
import { createRedis } from './redis.provider';

export type MetadataEvent = { kind: 'api-key'; id: string } | { kind: 'tenant'; id: string };
type Listener = (event: MetadataEvent) => void;

export function parseMetadataEvent(message: string): MetadataEvent | undefined {
  try {
    const parsed = JSON.parse(message) as { kind?: unknown; id?: unknown };
    if ((parsed.kind === 'api-key' || parsed.kind === 'tenant') && typeof parsed.id === 'string') {
      return { kind: parsed.kind, id: parsed.id };
    }
  } catch {
    // not ours (e.g. a ring message with another shape): ignore
  }
  return undefined;
}

@Injectable()
export class MetadataEvents implements OnModuleInit, OnApplicationShutdown {
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> = Promise.resolve();
  private seenSince: number | undefined;
  private readonly listeners: Listener[] = [];
  readonly channel: string;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.channel = `${config.redis.keyPrefix}metadata`;
  }

  onModuleInit(): void {
    const subscriber = createRedis(this.config.redis.url, { subscriber: true });
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const event = parseMetadataEvent(message);
      if (event) this.listeners.forEach((listener) => listener(event));
    });
    // After every (re)connection, count invalidations as seen only once SUBSCRIBE is confirmed
    // (ioredis re-subscribes on its own but does not report the result) and only if the
    // connection has not closed since.
    let connection = 0;
    const confirm = () => {
      const mine = connection;
      return subscriber.subscribe(this.channel).then(
        () => {
          if (mine === connection) this.seenSince ??= Date.now();
        },
        (error: Error) => {
          if (mine === connection) this.seenSince = undefined;
          this.logger.warn(
            { err: error.message },
            'metadata channel subscription failed; caches rely on their TTLs',
          );
        },
      );
    };
    subscriber.on('close', () => {
      connection++;
      this.seenSince = undefined;
    });
    subscriber.on('ready', () => void confirm());
    // Resolves once subscribed; at boot Redis may be down, so do not block startup on it.
    this.subscribed = confirm();
  }

  /** Settles once the first subscription attempt has (tests wait for it). */
  whenSubscribed(): Promise<void> {
    return this.subscribed;
  }

  /** Since when no invalidation can have been missed; undefined while the subscriber is down. */
  invalidationsSeenSince(): number | undefined {
    return this.seenSince;
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  onEvent(listener: Listener): void {
    this.listeners.push(listener);
  }

  async publish(event: MetadataEvent): Promise<void> {
    // Local caches first, so this gateway is consistent even if Redis is down.
    this.listeners.forEach((listener) => listener(event));
    try {
      await this.redis.publish(this.channel, JSON.stringify(event));
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, event }, 'could not publish metadata invalidation');
    }
  }
}
