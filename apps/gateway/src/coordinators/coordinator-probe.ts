/**
 * Readiness of the coordinator tier from the gateway's side: ready when at least one configured
 * coordinator answers Health within the probe deadline.
 */
import { credentials, Metadata } from '@grpc/grpc-js';
import { coordinatorV1 } from '@ringkv/proto';
import type { DependencyCheck } from '@ringkv/platform';

export function coordinatorProbe(addresses: readonly string[]): DependencyCheck {
  const clients = addresses.map(
    (address) => [address, new coordinatorV1.CoordinatorServiceClient(address, credentials.createInsecure())] as const,
  );
  const ping = (client: coordinatorV1.CoordinatorServiceClient) =>
    new Promise<void>((resolve, reject) =>
      client.health({}, new Metadata(), { deadline: Date.now() + 800 }, (error, reply) =>
        error ? reject(error) : reply.serving ? resolve() : reject(new Error('not serving')),
      ),
    );
  return {
    check: async () => {
      const results = await Promise.allSettled(clients.map(([, client]) => ping(client)));
      if (results.some((r) => r.status === 'fulfilled')) return;
      throw new Error(`no coordinator reachable (${addresses.join(', ')})`);
    },
    close: async () => clients.forEach(([, client]) => client.close()),
  };
}
