/**
 * Where cluster metadata comes from (PostgreSQL through libs/db in production). The metadata
 * service only needs these three reads and the idempotent bootstrap.
 */
import type { ConflictPolicy, Consistency, NodeState } from '@ringkv/cluster';

export interface TenantSettings {
  id: string;
  replicationFactor: number;
  defaultConsistency: Consistency;
  conflictPolicy: ConflictPolicy;
}

export interface StoredNode {
  id: string;
  host: string;
  port: number;
  state: NodeState;
  tokens: bigint[];
}

export interface ClusterSnapshotSource {
  epoch: bigint;
  nodes: StoredNode[];
}

export interface BootstrapNode {
  id: string;
  host: string;
  port: number;
  virtualNodes: number;
  tokens: bigint[];
}

export interface MetadataSource {
  loadCluster(): Promise<ClusterSnapshotSource>;
  loadTenant(id: string): Promise<TenantSettings | undefined>;
  /** Registers the initial nodes as NORMAL when no ring exists yet; a no-op otherwise. */
  bootstrap(nodes: BootstrapNode[]): Promise<void>;
}

export const METADATA_SOURCE = Symbol('ringkv.coordinator.metadata-source');
