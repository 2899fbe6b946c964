/**
 * Typed engine errors. Every error carries a stable string `code` so callers (the storage node's
 * gRPC edge) can map it without parsing messages.
 */
export type EngineErrorCode =
  | 'CORRUPTION'
  | 'IO_ERROR'
  | 'DISK_FULL'
  | 'CLOSED'
  | 'INVALID_ARGUMENT'
  /** A previous fsync or write failed; the engine refuses writes until it is reopened. */
  | 'READ_ONLY'
  /** Another engine (in this or another live process) has the directory open. */
  | 'LOCKED';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Data on disk failed a check. Names the file, where, and how much was discarded (if any). */
export class CorruptionError extends EngineError {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly detail: string,
    readonly bytesDropped = 0,
  ) {
    super('CORRUPTION', `corruption in ${file} at offset ${offset}: ${detail}` +
      (bytesDropped > 0 ? ` (${bytesDropped} bytes dropped)` : ''));
  }
}

/**
 * Wraps a low-level filesystem failure into an EngineError, keeping the original as `cause`.
 * ENOSPC becomes DISK_FULL so the storage node can report disk pressure distinctly.
 */
export function toEngineError(err: unknown, what: string): EngineError {
  if (err instanceof EngineError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ENOSPC') return new EngineError('DISK_FULL', `${what}: ${message}`, { cause: err });
  return new EngineError('IO_ERROR', `${what}: ${message}`, { cause: err });
}
