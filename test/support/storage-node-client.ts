/**
 * Client helpers for storage node integration tests: a Session (multiplexed stream) client,
 * promisified unary calls, ScanRange collection and Ingest, and error inspection (gRPC status
 * plus the `ringkv-reason` trailer).
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { decodeObject, MAX_TOKEN } from '@ringkv/cluster';
import { SessionClient } from '@ringkv/platform';
import { storageV1 } from '@ringkv/proto';
import { unary, type StorageNodeProcess } from './storage-node-process';

export type SessionOp = NonNullable<storageV1.SessionOp['op']>;
export type SessionResult = Exclude<NonNullable<storageV1.SessionResult['result']>, { $case: 'error' }>;

export function openSession(node: StorageNodeProcess): SessionClient<SessionOp, SessionResult> {
  return new SessionClient<SessionOp, SessionResult>(() => node.client.session(), `${node.options.nodeId}`);
}

export function coordinateRequest(tenantId: string, key: string, value: string, extra: Partial<storageV1.CoordinateRequest> = {}): storageV1.CoordinateRequest {
  return {
    tenantId,
    key,
    value: Buffer.from(JSON.stringify(value)),
    tombstone: false,
    context: Buffer.alloc(0),
    ttlSeconds: 0,
    supersedeExisting: false,
    ...extra,
  };
}

export const coordinate = (node: StorageNodeProcess, request: storageV1.CoordinateRequest) =>
  unary<storageV1.CoordinateResponse>((done) => node.client.coordinate(request, done));
export const apply = (node: StorageNodeProcess, request: storageV1.ApplyRequest) =>
  unary<storageV1.ApplyResponse>((done) => node.client.apply(request, done));
export const get = (node: StorageNodeProcess, tenantId: string, key: string) =>
  unary<storageV1.GetResponse>((done) => node.client.get({ tenantId, key }, done));
export const stats = (node: StorageNodeProcess) => unary<storageV1.StatsResponse>((done) => node.client.stats({}, done));
export const compact = (node: StorageNodeProcess) => unary<storageV1.CompactResponse>((done) => node.ranges.compact({}, done));
export const merkle = (node: StorageNodeProcess, request: Partial<storageV1.MerkleTreeRequest>) =>
  unary<storageV1.MerkleTreeResponse>((done) =>
    node.ranges.merkleTree({ start: MAX_TOKEN, end: MAX_TOKEN, tenantId: '', depth: 6, ...request }, done),
  );
export const deleteRange = (node: StorageNodeProcess, request: Partial<storageV1.DeleteRangeRequest>) =>
  unary<storageV1.DeleteRangeResponse>((done) => node.ranges.deleteRange({ start: MAX_TOKEN, end: MAX_TOKEN, tenantId: '', ...request }, done));

/** Values of a Get's object (null for tombstones), or undefined when not found. */
export function valuesOf(response: storageV1.GetResponse): Array<string | null> | undefined {
  if (!response.found) return undefined;
  return decodeObject(response.object).versions.map((v) => (v.value === null ? null : JSON.parse(Buffer.from(v.value).toString()) as string));
}

/** Collects a ScanRange call's batches. */
export function scanRange(node: StorageNodeProcess, request: Partial<storageV1.ScanRangeRequest>): Promise<storageV1.ScanRangeResponse[]> {
  const full: storageV1.ScanRangeRequest = { start: MAX_TOKEN, end: MAX_TOKEN, tenantId: '', cursor: Buffer.alloc(0), limit: 0, ...request };
  return new Promise((resolve, reject) => {
    const batches: storageV1.ScanRangeResponse[] = [];
    const stream = node.ranges.scanRange(full);
    stream.on('data', (batch: storageV1.ScanRangeResponse) => batches.push(batch));
    stream.on('error', reject);
    stream.on('end', () => resolve(batches));
  });
}

/** Sends the messages on one Ingest call. */
export function ingest(node: StorageNodeProcess, messages: storageV1.IngestRequest[]): Promise<storageV1.IngestResponse> {
  return new Promise((resolve, reject) => {
    const stream = node.ranges.ingest((error, response) => (error ? reject(error) : resolve(response!)));
    for (const message of messages) stream.write(message);
    stream.end();
  });
}

/** The status code and RingKV reason of a failed unary or streaming call. */
export function failure(error: unknown): { code: status; reason: string | undefined } {
  const e = error as ServiceError;
  const reason = e.metadata?.get('ringkv-reason')[0];
  return { code: e.code, reason: reason === undefined ? undefined : String(reason) };
}

export async function failureOf(promise: Promise<unknown>): Promise<{ code: status; reason: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { ...failure(error), message: (error as Error).message };
  }
  throw new Error('the call succeeded but was expected to fail');
}
