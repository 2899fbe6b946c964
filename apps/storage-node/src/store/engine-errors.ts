/**
 * Translates storage-engine failures into the node's StoreErrors. A full disk reaches us either
 * as DISK_FULL or as READ_ONLY whose cause chain holds ENOSPC (a commit-log failure is sticky in
 * the engine), and both must read DISK_FULL to clients so that they back off rather than retry.
 */
import { EngineError } from '@ringkv/storage-engine';
import { StoreError } from './store-error';

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && chain.length < 8; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}

/** Whether the failure (or anything it wraps) is the disk running out of space. */
export function isDiskFull(error: unknown): boolean {
  return causeChain(error).some((e) => {
    const code = (e as { code?: unknown }).code;
    return code === 'DISK_FULL' || code === 'ENOSPC' || (e instanceof Error && /\bENOSPC\b/.test(e.message));
  });
}

/** StoreErrors pass through; engine errors get their node-level code; anything else is rethrown as is. */
export function fromEngineError(error: unknown): unknown {
  if (error instanceof StoreError || !(error instanceof EngineError)) return error;
  if (isDiskFull(error)) return new StoreError('DISK_FULL', error.message, { cause: error });
  switch (error.code) {
    case 'INVALID_ARGUMENT':
      return new StoreError('INVALID_REQUEST', error.message, { cause: error });
    case 'CLOSED':
      return new StoreError('NOT_SERVING', 'the storage engine is not open', { cause: error });
    case 'READ_ONLY':
      return new StoreError('STORAGE_READ_ONLY', error.message, { cause: error });
    case 'CORRUPTION':
      return new StoreError('CORRUPTION', error.message, { cause: error });
    default:
      return error;
  }
}
