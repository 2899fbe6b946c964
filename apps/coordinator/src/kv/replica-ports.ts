/**
 * What the request drivers need from the outside world, as narrow interfaces: the storage
 * nodes (StorageSessionPool), liveness (FailureDetector), and durable hints (HintRepository).
 * Keeping them narrow keeps the drivers readable and lets unit tests run them over real
 * in-process objects.
 */
import type { storageV1 } from '@ringkv/proto';

export interface ReplicaTransport {
  coordinate(nodeId: string, request: storageV1.CoordinateRequest, timeoutMs: number): Promise<Buffer>;
  apply(nodeId: string, request: storageV1.ApplyRequest, timeoutMs: number): Promise<void>;
  get(nodeId: string, request: storageV1.GetRequest, timeoutMs: number): Promise<Buffer | undefined>;
}

export interface Liveness {
  isUp(nodeId: string): boolean;
  recordSuccess(nodeId: string): unknown;
  recordFailure(nodeId: string): unknown;
}

export interface HintToWrite {
  targetNode: string;
  tenantId: string;
  key: string;
  token: bigint;
  object: Buffer;
}

export interface HintSink {
  /** Persists hints durably; resolves once they are stored. */
  write(hints: HintToWrite[]): Promise<void>;
}
