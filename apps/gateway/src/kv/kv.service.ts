/**
 * The gateway's key-value operations over the coordinators, shared by the REST API and the
 * RESP port: consistency names to the proto enum (absent = the tenant's default), the request
 * deadline, and answers turned into plain data (vector clocks as `{actor: counter}`). Values
 * stay bytes both ways.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import type { Tenant } from '@ringkv/db';
import { coordinatorV1 } from '@ringkv/proto';
import { CoordinatorPool } from '../coordinators/coordinator-pool';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import type { PutInput } from './kv-request';
import type { ConsistencyName } from './kv.schemas';

export type VectorClock = Record<string, number>;

export interface PutOutcome {
  vectorClock: VectorClock;
  context: string;
  replicaCount: number;
  consistency: ConsistencyName;
}

export interface GetOutcome {
  value: Buffer;
  vectorClock: VectorClock;
  context: string;
  siblings: Array<{ value: Buffer; vectorClock: VectorClock }>;
  /** Expiry in ms since the epoch; undefined when the value does not expire. */
  expiresAtMs: number | undefined;
}

export interface DeleteOutcome {
  vectorClock: VectorClock;
  replicaCount: number;
}

export interface WriteOptions {
  /** Safe to send twice after a transport failure (the client supplied an Idempotency-Key). */
  retry?: boolean;
}

const TO_PROTO: Record<ConsistencyName, coordinatorV1.Consistency> = {
  one: coordinatorV1.Consistency.CONSISTENCY_ONE,
  quorum: coordinatorV1.Consistency.CONSISTENCY_QUORUM,
  all: coordinatorV1.Consistency.CONSISTENCY_ALL,
};

function toProto(consistency: ConsistencyName | undefined): coordinatorV1.Consistency {
  return consistency ? TO_PROTO[consistency] : coordinatorV1.Consistency.CONSISTENCY_UNSPECIFIED;
}

function fromProto(consistency: coordinatorV1.Consistency, fallback: ConsistencyName): ConsistencyName {
  const name = (Object.keys(TO_PROTO) as ConsistencyName[]).find((n) => TO_PROTO[n] === consistency);
  return name ?? fallback;
}

export function toClock(clock: Record<string, bigint>): VectorClock {
  const out: VectorClock = {};
  for (const [actor, counter] of Object.entries(clock)) out[actor] = Number(counter);
  return out;
}

@Injectable()
export class KvService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly coordinators: CoordinatorPool,
  ) {}

  deadline(): number {
    return Date.now() + this.config.request.timeoutMs;
  }

  async put(tenant: Tenant, input: PutInput, options: WriteOptions = {}, deadline = this.deadline()): Promise<PutOutcome> {
    const answer = await this.coordinators.put(
      {
        tenantId: tenant.id,
        key: input.key,
        value: input.value,
        consistency: toProto(input.consistency),
        ttlSeconds: input.ttlSeconds ?? 0,
        context: input.context ?? '',
      },
      { deadline, retry: options.retry ?? false },
    );
    return {
      vectorClock: toClock(answer.vectorClock),
      context: answer.context,
      replicaCount: answer.replicaCount,
      consistency: fromProto(answer.consistency, input.consistency ?? tenant.defaultConsistency),
    };
  }

  /** The live value, or undefined when the key is absent, deleted or expired. */
  async get(tenant: Tenant, key: string, consistency?: ConsistencyName, deadline = this.deadline()): Promise<GetOutcome | undefined> {
    const answer = await this.coordinators.get(
      { tenantId: tenant.id, key, consistency: toProto(consistency) },
      { deadline, retry: true },
    );
    if (!answer.found) return undefined;
    return {
      value: answer.value,
      vectorClock: toClock(answer.vectorClock),
      context: answer.context,
      siblings: answer.siblings.map((s) => ({ value: s.value, vectorClock: toClock(s.vectorClock) })),
      expiresAtMs: answer.expiresAtMs > 0n ? Number(answer.expiresAtMs) : undefined,
    };
  }

  async delete(
    tenant: Tenant,
    key: string,
    input: { consistency?: ConsistencyName; context?: string },
    options: WriteOptions = {},
    deadline = this.deadline(),
  ): Promise<DeleteOutcome> {
    const answer = await this.coordinators.delete(
      { tenantId: tenant.id, key, consistency: toProto(input.consistency), context: input.context ?? '' },
      { deadline, retry: options.retry ?? false },
    );
    return { vectorClock: toClock(answer.vectorClock), replicaCount: answer.replicaCount };
  }
}
