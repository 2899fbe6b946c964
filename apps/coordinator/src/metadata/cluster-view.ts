/**
 * An immutable snapshot of the cluster as one coordinator sees it: ring epoch, the ring
 * (placement), and where each node listens. Replaced whole on every reload, so a request
 * computes its preference list from one consistent epoch.
 */
import { Ring } from '@ringkv/cluster';
import type { NodeAddress } from '../storage/storage-session-pool';
import type { ClusterSnapshotSource } from './metadata-source';

export class ClusterView {
  readonly ring: Ring;
  readonly addresses: NodeAddress[];

  constructor(readonly epoch: bigint, source: ClusterSnapshotSource['nodes']) {
    const nodes = source.filter((n) => n.state !== 'REMOVED');
    this.ring = new Ring(nodes.map((n) => ({ nodeId: n.id, state: n.state, tokens: n.tokens })));
    this.addresses = nodes.map((n) => ({ nodeId: n.id, host: n.host, port: n.port }));
  }

  static empty(): ClusterView {
    return new ClusterView(0n, []);
  }

  get nodeCount(): number {
    return this.addresses.length;
  }
}
