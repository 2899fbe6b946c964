import { status } from '@grpc/grpc-js';
import { ClusterError } from '@ringkv/cluster';
import { EngineError } from '@ringkv/storage-engine';
import { StoreError } from '../store/store-error';
import { REASON_TRAILER, toErrorBody, toServiceError } from './grpc-error-mapping';

describe('gRPC error mapping', () => {
  const enospc = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  const cases: Array<[string, unknown, status, string]> = [
    ['an invalid request', new StoreError('INVALID_REQUEST', 'bad key'), status.INVALID_ARGUMENT, 'INVALID_REQUEST'],
    ['the disk guard', new StoreError('DISK_FULL', 'below floor'), status.RESOURCE_EXHAUSTED, 'DISK_FULL'],
    ['an engine made read-only by ENOSPC', new EngineError('READ_ONLY', 'write not durable', { cause: new EngineError('DISK_FULL', 'x', { cause: enospc }) }), status.RESOURCE_EXHAUSTED, 'DISK_FULL'],
    ['an engine made read-only by EIO', new EngineError('READ_ONLY', 'fsync failed'), status.UNAVAILABLE, 'STORAGE_READ_ONLY'],
    ['a closed engine', new EngineError('CLOSED', 'closed'), status.UNAVAILABLE, 'NOT_SERVING'],
    ['corrupt data', new StoreError('CORRUPTION', 'bad bytes'), status.DATA_LOSS, 'CORRUPTION'],
    ['a caller error found by the cluster logic', new ClusterError('MALFORMED_OBJECT', 'bad'), status.INVALID_ARGUMENT, 'INVALID_REQUEST'],
    ['anything else', new Error('bug'), status.INTERNAL, 'INTERNAL_ERROR'],
  ];

  it.each(cases)('maps %s', (_what, error, code, reason) => {
    expect(toErrorBody(error)).toMatchObject({ code, reason });
    const serviceError = toServiceError(error);
    expect(serviceError.code).toBe(code);
    expect(serviceError.details).toMatch(new RegExp(`^${reason}: `));
    expect(serviceError.metadata?.get(REASON_TRAILER)).toEqual([reason]);
  });
});
