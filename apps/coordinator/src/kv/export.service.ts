/**
 * Export: every live key of a tenant, for `GET /v1/export`. A cold path, done range by range:
 * for each token range of the ring, every live replica of that range is scanned (tenant
 * filter), their objects are merged by clock like a read at ALL would, and the live value of
 * each key is emitted (the LWW winner when siblings exist). Memory is bounded by one range's
 * keys. A range with no live replica fails the export with QUORUM_NOT_REACHED rather than
 * silently skipping data.
 */
import { Injectable } from '@nestjs/common';
import { decodeObject, mergeObjects, resolveRead, VersionedObject } from '@ringkv/cluster';
import type { coordinatorV1 } from '@ringkv/proto';
import { FailureDetector } from '../liveness/failure-detector';
import { MetadataService } from '../metadata/metadata.service';
import { StorageSessionPool } from '../storage/storage-session-pool';
import { CoordinatorError, invalidRequest } from './coordinator-error';

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Deadline of one replica's scan of one range. */
const RANGE_SCAN_TIMEOUT_MS = 30_000;

@Injectable()
export class ExportService {
  constructor(
    private readonly metadata: MetadataService,
    private readonly pool: StorageSessionPool,
    private readonly detector: FailureDetector,
  ) {}

  /** Yields the tenant's live items, one batch per token range that has any. */
  async *export(tenantId: string): AsyncGenerator<coordinatorV1.ExportItem[]> {
    if (!TENANT_ID.test(tenantId)) throw invalidRequest('tenant_id must match [a-z0-9][a-z0-9_-]{0,62}');
    const tenant = await this.metadata.tenant(tenantId);
    const ring = this.metadata.current().ring;
    const tokens = ring.tokens();
    for (let i = 0; i < tokens.length; i++) {
      const end = tokens[i]!.token;
      const start = tokens[(i - 1 + tokens.length) % tokens.length]!.token;
      const replicas = ring.preferenceList(end, tenant.replicationFactor).filter((id) => this.detector.isUp(id));
      const merged = await this.scanRange(tenantId, start, end, replicas);
      const now = Date.now();
      const items: coordinatorV1.ExportItem[] = [];
      for (const [key, object] of merged) {
        const read = resolveRead(object, now, tenant.conflictPolicy);
        if (read.found) items.push({ key, value: Buffer.from(read.value), expiresAtMs: BigInt(read.version.expiresAt ?? 0) });
      }
      if (items.length > 0) yield items;
    }
  }

  private async scanRange(tenantId: string, start: bigint, end: bigint, replicas: string[]): Promise<Map<string, VersionedObject>> {
    const merged = new Map<string, VersionedObject>();
    let answered = 0;
    for (const nodeId of replicas) {
      try {
        const request = { start, end, tenantId, cursor: Buffer.alloc(0), limit: 0 };
        for await (const entries of this.pool.scanRange(nodeId, request, RANGE_SCAN_TIMEOUT_MS)) {
          for (const entry of entries) merged.set(entry.key, mergeObjects(merged.get(entry.key), decodeObject(entry.object)));
        }
        answered += 1;
      } catch {
        // Another replica of the range may still answer; one that answers is enough.
      }
    }
    if (answered === 0) {
      throw new CoordinatorError('QUORUM_NOT_REACHED', `no replica of token range (${start}, ${end}] could be scanned`);
    }
    return merged;
  }
}
