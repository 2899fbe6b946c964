/**
 * The coordinator's key-value operations: validate, look up the tenant and the ring, compute
 * the preference list, run the write or read driver, and shape the answer. Everything that can
 * fail here throws a CoordinatorError with a RingKV code; the gRPC edge maps it.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  Consistency,
  counterOf,
  decodeContext,
  decodeObject,
  encodeClock,
  encodeContext,
  requiredAcks,
  resolveRead,
  tokenOf,
  VectorClock,
  Version,
  VersionedObject,
} from '@ringkv/cluster';
import type { CoordinatorConfig } from '@ringkv/config';
import { coordinatorV1 } from '@ringkv/proto';
import { COORDINATOR_CONFIG } from '../coordinator.tokens';
import { MetadataService } from '../metadata/metadata.service';
import { TenantSettings } from '../metadata/metadata-source';
import { CoordinatorError, invalidRequest } from './coordinator-error';
import { runGet } from './get-driver';
import { KvMetrics } from './kv.metrics';
import { runPut } from './put-driver';
import { KV_DEPS, KvDeps } from './kv.deps';

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MAX_KEY_BYTES = 1024;
const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

const CONSISTENCY: Record<number, Consistency | undefined> = {
  [coordinatorV1.Consistency.CONSISTENCY_ONE]: 'ONE',
  [coordinatorV1.Consistency.CONSISTENCY_QUORUM]: 'QUORUM',
  [coordinatorV1.Consistency.CONSISTENCY_ALL]: 'ALL',
};
const TO_PROTO: Record<Consistency, coordinatorV1.Consistency> = {
  ONE: coordinatorV1.Consistency.CONSISTENCY_ONE,
  QUORUM: coordinatorV1.Consistency.CONSISTENCY_QUORUM,
  ALL: coordinatorV1.Consistency.CONSISTENCY_ALL,
};

interface Target {
  tenant: TenantSettings;
  consistency: Consistency;
  token: bigint;
  deadline: number;
}

@Injectable()
export class KvService {
  constructor(
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    private readonly metadata: MetadataService,
    @Inject(KV_DEPS) private readonly deps: KvDeps,
    private readonly metrics: KvMetrics,
  ) {}

  async put(request: coordinatorV1.PutRequest): Promise<coordinatorV1.PutResponse> {
    const target = await this.target(request.tenantId, request.key, request.consistency, request.timeoutMs);
    if (request.ttlSeconds > MAX_TTL_SECONDS) throw invalidRequest(`ttl_seconds must be at most ${MAX_TTL_SECONDS}`);
    const { version, acks } = await this.write(target, request.key, request.value, false, request.context, request.ttlSeconds);
    return {
      vectorClock: toProtoClock(version.clock),
      context: encodeContext(version.clock),
      replicaCount: acks,
      consistency: TO_PROTO[target.consistency],
    };
  }

  async delete(request: coordinatorV1.DeleteRequest): Promise<coordinatorV1.DeleteResponse> {
    const target = await this.target(request.tenantId, request.key, request.consistency, request.timeoutMs);
    const { version, acks } = await this.write(target, request.key, Buffer.alloc(0), true, request.context, 0);
    return { vectorClock: toProtoClock(version.clock), replicaCount: acks };
  }

  async get(request: coordinatorV1.GetRequest): Promise<coordinatorV1.GetResponse> {
    const target = await this.target(request.tenantId, request.key, request.consistency, request.timeoutMs);
    const n = target.tenant.replicationFactor;
    const replicas = this.metadata.current().ring.preferenceList(target.token, n);
    const outcome = await runGet(
      {
        tenantId: target.tenant.id,
        key: request.key,
        replicas,
        r: requiredAcks(target.consistency, n),
        deadline: target.deadline,
        repairTimeoutMs: this.config.request.timeoutMs,
      },
      {
        transport: this.deps.transport,
        liveness: this.deps.liveness,
        onRepair: (_repair, ok) => this.metrics.readRepair(ok),
      },
    );
    if (outcome.kind !== 'ok') {
      this.metrics.quorumFailure('get', target.consistency);
      throw new CoordinatorError(
        'QUORUM_NOT_REACHED',
        `read reached ${outcome.answers} of ${requiredAcks(target.consistency, n)} required replicas` +
          (outcome.kind === 'deadline' ? ' before the deadline' : ''),
      );
    }
    return this.shapeRead(outcome.object, target.tenant);
  }

  private shapeRead(object: VersionedObject | undefined, tenant: TenantSettings): coordinatorV1.GetResponse {
    const read = resolveRead(object, Date.now(), tenant.conflictPolicy);
    const context = encodeContext(read.context);
    if (!read.found) return { found: false, value: Buffer.alloc(0), vectorClock: {}, context, siblings: [], expiresAtMs: 0n };
    const siblings =
      tenant.conflictPolicy === 'siblings' && read.siblings.length > 1
        ? read.siblings.map((v) => ({ value: Buffer.from(v.value ?? []), vectorClock: toProtoClock(v.clock) }))
        : [];
    return {
      found: true,
      value: Buffer.from(read.value),
      vectorClock: toProtoClock(read.version.clock),
      context,
      siblings,
      expiresAtMs: BigInt(read.version.expiresAt ?? 0),
    };
  }

  private async write(
    target: Target,
    key: string,
    value: Buffer,
    tombstone: boolean,
    contextText: string,
    ttlSeconds: number,
  ): Promise<{ version: Version; acks: number }> {
    const context = contextText === '' ? undefined : parseContext(contextText);
    const n = target.tenant.replicationFactor;
    const ring = this.metadata.current().ring;
    const w = requiredAcks(target.consistency, n);
    const report = await runPut(
      {
        tenantId: target.tenant.id,
        key,
        token: target.token,
        replicas: ring.preferenceList(target.token, n),
        pending: ring.pendingReplicas(target.token, n),
        n,
        w,
        deadline: target.deadline,
        coordinateAttemptMs: Math.max(100, Math.floor((target.deadline - Date.now()) / 3)),
        request: {
          tenantId: target.tenant.id,
          key,
          value,
          tombstone,
          context: context ? encodeClock(context) : Buffer.alloc(0),
          ttlSeconds,
          supersedeExisting: target.tenant.conflictPolicy === 'lww' && context === undefined,
        },
      },
      {
        transport: this.deps.transport,
        liveness: this.deps.liveness,
        hints: this.deps.hints,
        onBackgroundError: (error) => this.deps.onBackgroundError(error),
      },
    );
    this.metrics.hintsWritten(report.hinted);
    if (report.outcome.kind !== 'ok' || report.object === undefined || report.coordinator === undefined) {
      this.metrics.quorumFailure(tombstone ? 'delete' : 'put', target.consistency);
      throw new CoordinatorError(
        'QUORUM_NOT_REACHED',
        `write acknowledged by ${report.outcome.acks} of ${w} required replicas` +
          (report.outcome.kind === 'deadline' ? ' before the deadline' : '') +
          '; it may still have been applied on some replicas',
      );
    }
    return { version: newestBy(decodeObject(report.object), report.coordinator), acks: report.outcome.acks };
  }

  private async target(tenantId: string, key: string, consistency: number, timeoutMs: number): Promise<Target> {
    if (!TENANT_ID.test(tenantId)) throw invalidRequest('tenant_id must match [a-z0-9][a-z0-9_-]{0,62}');
    const keyBytes = Buffer.byteLength(key, 'utf8');
    if (keyBytes < 1 || keyBytes > MAX_KEY_BYTES) throw invalidRequest(`key must be 1..${MAX_KEY_BYTES} UTF-8 bytes`);
    if (consistency !== coordinatorV1.Consistency.CONSISTENCY_UNSPECIFIED && !CONSISTENCY[consistency]) {
      throw invalidRequest('unknown consistency level');
    }
    const tenant = await this.metadata.tenant(tenantId);
    const budget = timeoutMs > 0 ? Math.min(timeoutMs, this.config.request.timeoutMs * 5) : this.config.request.timeoutMs;
    return {
      tenant,
      consistency: CONSISTENCY[consistency] ?? tenant.defaultConsistency,
      token: tokenOf(tenantId, key),
      deadline: Date.now() + budget,
    };
  }
}

function parseContext(text: string): VectorClock {
  try {
    return decodeContext(text);
  } catch (error) {
    throw invalidRequest(`malformed context: ${(error as Error).message}`);
  }
}

/** The version the coordinating node just created: its own entry is highest there. */
function newestBy(object: VersionedObject, actor: string): Version {
  let best: Version | undefined;
  for (const v of object.versions) {
    if (v.actor === actor && (!best || counterOf(v.clock, actor) > counterOf(best.clock, actor))) best = v;
  }
  if (!best) throw new CoordinatorError('INTERNAL_ERROR', `object returned by ${actor} lacks the version it created`);
  return best;
}

export function toProtoClock(clock: VectorClock): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const [actor, counter] of Object.entries(clock)) out[actor] = BigInt(counter);
  return out;
}

