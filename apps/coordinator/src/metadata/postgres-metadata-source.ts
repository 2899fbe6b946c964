/** MetadataSource over PostgreSQL (libs/db repositories). */
import { Injectable } from '@nestjs/common';
import type { Consistency } from '@ringkv/cluster';
import { RingRepository, TenantRepository } from '@ringkv/db';
import { BootstrapNode, ClusterSnapshotSource, MetadataSource, TenantSettings } from './metadata-source';

const CONSISTENCY: Record<string, Consistency> = { one: 'ONE', quorum: 'QUORUM', all: 'ALL' };

@Injectable()
export class PostgresMetadataSource implements MetadataSource {
  constructor(
    private readonly ring: RingRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async loadCluster(): Promise<ClusterSnapshotSource> {
    const snapshot = await this.ring.load();
    return {
      epoch: snapshot.epoch,
      nodes: snapshot.nodes.map((n) => ({ id: n.id, host: n.host, port: n.port, state: n.state, tokens: n.tokens })),
    };
  }

  async loadTenant(id: string): Promise<TenantSettings | undefined> {
    const tenant = await this.tenants.find(id);
    if (!tenant || tenant.deletedAt !== null) return undefined;
    return {
      id: tenant.id,
      replicationFactor: tenant.replicationFactor,
      defaultConsistency: CONSISTENCY[tenant.defaultConsistency] ?? 'QUORUM',
      conflictPolicy: tenant.conflictPolicy,
    };
  }

  async bootstrap(nodes: BootstrapNode[]): Promise<void> {
    if (nodes.length === 0) return;
    const { bootstrapped } = await this.ring.bootstrap(nodes);
    // An existing cluster whose nodes now listen elsewhere (restarted on other ports or hosts):
    // keep their ids, tokens and data, and route to where they are.
    if (!bootstrapped) await this.ring.refreshAddresses(nodes);
  }
}
