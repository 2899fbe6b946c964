/**
 * Typed errors of the cluster logic. Every error carries a stable string `code` so the apps'
 * edges (gRPC interceptors, HTTP exception filters) can map it to a status without parsing the
 * message. Nothing in this lib throws an untyped error on bad input.
 */
export type ClusterErrorCode =
  /** A storage key's bytes do not follow docs/formats/storage-key.md. */
  | 'MALFORMED_STORAGE_KEY'
  /** An object's bytes do not follow docs/formats/object.md. */
  | 'MALFORMED_OBJECT'
  /** A client-supplied context string is not one we issued (or is from an unknown version). */
  | 'INVALID_CONTEXT'
  /** A caller passed a value outside the function's contract (bad n, w, tenant id, ...). */
  | 'INVALID_ARGUMENT'
  /** Two ring nodes claim the same token. */
  | 'TOKEN_COLLISION'
  /** A quorum core got an answer from a node it did not ask. */
  | 'UNKNOWN_REPLICA'
  /** A quorum core's outcome was read before the request finished. */
  | 'NOT_DONE'
  /** A Merkle tree builder was fed keys out of ring order or outside its range. */
  | 'OUT_OF_ORDER'
  /** Two Merkle trees cover different ranges or depths and cannot be compared. */
  | 'TREE_MISMATCH';

export class ClusterError extends Error {
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bytes that failed validation; `offset` is where the decoder gave up. */
export class MalformedBytesError extends ClusterError {
  constructor(
    code: 'MALFORMED_STORAGE_KEY' | 'MALFORMED_OBJECT' | 'INVALID_CONTEXT',
    readonly offset: number,
    readonly detail: string,
  ) {
    super(code, `${code.toLowerCase().replace(/_/g, ' ')} at byte ${offset}: ${detail}`);
  }
}
