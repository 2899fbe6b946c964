/**
 * The REST key-value API on top of KvService: idempotency for single writes and deletes, and
 * fan-out for batches (every item goes out at once; the session batches them into few
 * messages). Returns plain data; the controller shapes the JSON.
 */
import { Injectable } from '@nestjs/common';
import type { Tenant } from '@ringkv/db';
import { GatewayError } from '../errors/gateway-error';
import { IdempotencyService, IdempotentOutcome, requestDigest } from '../idempotency/idempotency.service';
import type { PutInput, WriteInput } from './kv-request';
import type { ConsistencyName } from './kv.schemas';
import { DeleteOutcome, GetOutcome, KvService, PutOutcome, VectorClock } from './kv.service';

export interface StoredPut {
  vector_clock: VectorClock;
  context: string;
  replica_count: number;
  consistency: ConsistencyName;
}

export interface StoredDelete {
  vector_clock: VectorClock;
  replica_count: number;
}

export type BatchResult = { key: string; status: 'success'; vector_clock: VectorClock } | { key: string; status: 'error'; error_code: string; message: string };

@Injectable()
export class KvApiService {
  constructor(
    private readonly kv: KvService,
    private readonly idempotency: IdempotencyService,
  ) {}

  put(tenant: Tenant, input: PutInput, idempotencyKey: string | undefined): Promise<IdempotentOutcome<StoredPut>> {
    const deadline = this.kv.deadline();
    const digest = requestDigest(['put', input.key, input.consistency, input.ttlSeconds, input.context], input.value);
    return this.idempotency.run({ tenantId: tenant.id, key: input.key, idempotencyKey, digest, deadline }, async () => {
      const done: PutOutcome = await this.kv.put(tenant, input, { retry: idempotencyKey !== undefined }, deadline);
      return { vector_clock: done.vectorClock, context: done.context, replica_count: done.replicaCount, consistency: done.consistency };
    });
  }

  async get(tenant: Tenant, key: string, consistency: ConsistencyName | undefined): Promise<GetOutcome> {
    const found = await this.kv.get(tenant, key, consistency);
    if (!found) throw new GatewayError('KEY_NOT_FOUND', 'key not found');
    return found;
  }

  delete(
    tenant: Tenant,
    key: string,
    input: { consistency?: ConsistencyName; context?: string },
    idempotencyKey: string | undefined,
  ): Promise<IdempotentOutcome<StoredDelete>> {
    const deadline = this.kv.deadline();
    const digest = requestDigest(['delete', key, input.consistency, input.context]);
    return this.idempotency.run({ tenantId: tenant.id, key, idempotencyKey, digest, deadline }, async () => {
      const done: DeleteOutcome = await this.kv.delete(tenant, key, input, { retry: idempotencyKey !== undefined }, deadline);
      return { vector_clock: done.vectorClock, replica_count: done.replicaCount };
    });
  }

  /** Every key's live value or absence; any failed read fails the whole request. */
  async batchGet(tenant: Tenant, keys: string[], consistency: ConsistencyName | undefined): Promise<Array<{ key: string; found?: GetOutcome }>> {
    const deadline = this.kv.deadline();
    const found = await Promise.all(keys.map((key) => this.kv.get(tenant, key, consistency, deadline)));
    return keys.map((key, index) => ({ key, found: found[index] }));
  }

  /** Writes every item; each gets its own result (one failing does not fail the others). */
  async batch(tenant: Tenant, items: WriteInput[], consistency: ConsistencyName | undefined): Promise<BatchResult[]> {
    const deadline = this.kv.deadline();
    return Promise.all(
      items.map(async (item): Promise<BatchResult> => {
        try {
          const done = await this.kv.put(tenant, { ...item, consistency }, {}, deadline);
          return { key: item.key, status: 'success', vector_clock: done.vectorClock };
        } catch (error) {
          if (!(error instanceof GatewayError)) throw error;
          return { key: item.key, status: 'error', error_code: error.code, message: error.message };
        }
      }),
    );
  }
}
