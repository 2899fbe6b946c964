/**
 * Recognizes PostgreSQL errors by SQLSTATE so repositories can turn constraint violations into
 * typed DbErrors. Kept apart from the repositories because every one of them needs the same
 * checks, and because pg's error class is an implementation detail we do not re-export.
 */
import { DbValidationError } from './errors';

/** SQLSTATE codes we react to (PostgreSQL appendix A). */
export const SqlState = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  invalidTextRepresentation: '22P02',
  numericValueOutOfRange: '22003',
} as const;

export interface PgErrorInfo {
  code: string;
  constraint?: string;
  message: string;
}

/** The SQLSTATE and constraint of `error` when it came from PostgreSQL, else undefined. */
export function pgErrorInfo(error: unknown): PgErrorInfo | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  return {
    code,
    constraint: typeof constraint === 'string' ? constraint : undefined,
    message: typeof message === 'string' ? message : String(error),
  };
}

export function isPgError(error: unknown, sqlState: string, constraint?: string): boolean {
  const info = pgErrorInfo(error);
  return info !== undefined && info.code === sqlState && (constraint === undefined || info.constraint === constraint);
}

/** Constraint names whose violation means something more specific than INVALID_ARGUMENT. */
const CONSTRAINT_CODES: Record<string, 'INVALID_REPLICATION_FACTOR' | 'INVALID_NODE_CONFIG'> = {
  tenants_replication_factor_range: 'INVALID_REPLICATION_FACTOR',
  storage_nodes_id_format: 'INVALID_NODE_CONFIG',
  storage_nodes_host_not_empty: 'INVALID_NODE_CONFIG',
  storage_nodes_port_range: 'INVALID_NODE_CONFIG',
  storage_nodes_virtual_nodes_range: 'INVALID_NODE_CONFIG',
};

/**
 * Rethrows a CHECK / NOT NULL / out-of-range violation as a DbValidationError; returns normally
 * for anything else so the caller can handle or rethrow it.
 */
export function throwIfValidationError(error: unknown): void {
  const info = pgErrorInfo(error);
  if (!info) return;
  if (
    info.code === SqlState.checkViolation ||
    info.code === SqlState.notNullViolation ||
    info.code === SqlState.numericValueOutOfRange ||
    info.code === SqlState.invalidTextRepresentation
  ) {
    const code = (info.constraint && CONSTRAINT_CODES[info.constraint]) || 'INVALID_ARGUMENT';
    throw new DbValidationError(code, info.constraint, info.message, { cause: error });
  }
}
