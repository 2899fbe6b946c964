/**
 * Read-only cluster views for the admin API: storage nodes with their state and ring share, and
 * the ring itself, from PostgreSQL (libs/db); liveness, key counts and disk usage from a
 * coordinator (its failure detector and the nodes' Stats). When no coordinator answers, those
 * three are reported as unknown ("UNKNOWN" / null) rather than failing the whole view.
 */
import { CoordinatorPool } from '../coordinators/coordinator-pool';
import { Injectable } from '@nestjs/common';
import { HintRepository, RingRepository } from '@ringkv/db';
import { ownershipShares } from './ring-ownership';

@Injectable()
export class ClusterAdminService {
  constructor(
    private readonly rings: RingRepository,
    private readonly coordinators: CoordinatorPool,
    private readonly hintRows: HintRepository,
  ) {}

  /** Hints waiting per target node, and when the oldest of each was written. */
  async hints() {
    const [pending, oldest] = await Promise.all([
      this.hintRows.pendingCounts(),
      this.hintRows.oldestPerTarget(),
    ]);
    return {
      pending,
      oldest: Object.fromEntries(Object.entries(oldest).map(([node, at]) => [node, at.toISOString()])),
    };
  }

  async nodes() {
    const [snapshot, live] = await Promise.all([this.rings.load(), this.coordinators.listNodes()]);
    const status = new Map((live?.nodes ?? []).map((n) => [n.nodeId, n]));
    const shares = ownershipShares(
      snapshot.nodes.flatMap((n) => n.tokens.map((token) => ({ token, nodeId: n.id }))),
    );
    return snapshot.nodes.map((node) => {
      const stats = status.get(node.id);
      const measured = stats?.statsAvailable ? stats : undefined;
      return {
        node_id: node.id,
        host: node.host,
        port: node.port,
        state: node.state,
        liveness: stats?.liveness ?? 'UNKNOWN',
        virtual_nodes: node.virtualNodes,
        keys_count: measured ? Number(measured.keysCount) : null,
        disk_usage_bytes: measured ? Number(measured.diskUsageBytes) : null,
        load_share: shares[node.id] ?? 0,
      };
    });
  }

  async ring() {
    const snapshot = await this.rings.load();
    const tokens = snapshot.nodes
      .flatMap((n) => n.tokens.map((token) => ({ token, nodeId: n.id })))
      .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
    return {
      epoch: snapshot.epoch,
      // Tokens are uint64: strings, so no JSON client rounds them.
      tokens: tokens.map((t) => ({ token: t.token.toString(), node_id: t.nodeId })),
      ownership: ownershipShares(tokens),
    };
  }
}
