/**
 * Read-only cluster views for the admin API, from PostgreSQL (libs/db): storage nodes with
 * their state and ring share, and the ring itself. Liveness and per-node key counts and disk
 * usage come from the coordinators' failure detector and the nodes' Stats RPC, which the
 * gateway does not reach yet; they are reported as unknown (null / "UNKNOWN").
 */
import { Injectable } from '@nestjs/common';
import { RingRepository } from '@ringkv/db';
import { ownershipShares } from './ring-ownership';

@Injectable()
export class ClusterAdminService {
  constructor(private readonly rings: RingRepository) {}

  async nodes() {
    const snapshot = await this.rings.load();
    const shares = ownershipShares(snapshot.nodes.flatMap((n) => n.tokens.map((token) => ({ token, nodeId: n.id }))));
    return snapshot.nodes.map((node) => ({
      node_id: node.id,
      host: node.host,
      port: node.port,
      state: node.state,
      liveness: 'UNKNOWN',
      virtual_nodes: node.virtualNodes,
      keys_count: null,
      disk_usage_bytes: null,
      load_share: shares[node.id] ?? 0,
    }));
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
