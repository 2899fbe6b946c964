/**
 * The database factory: the one place a pg Pool is created and wrapped in Kysely.
 *
 * Contract: every value that can exceed 2^53 comes back as a `bigint` instead of a silently
 * rounded `number` (pg's default for int8 is a string, which callers then parse inconsistently).
 * The parsers are installed on this pool only, never on pg's global type registry, so other pg
 * users in the same process keep their behaviour. The caller owns the returned instance and must
 * `destroy()` it on shutdown to close the pool.
 */
import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import type { CustomTypesConfig } from 'pg';
import type { Database } from './schema';

export interface DatabaseOptions {
  /** Maximum connections in the pool (default 10, matching RINGKV_DATABASE_POOL_SIZE). */
  max?: number;
  /** Shown in pg_stat_activity so an operator can tell which process holds a connection. */
  applicationName?: string;
}

/** PostgreSQL type oids we parse ourselves. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

const INTEGER_TEXT = /^-?\d+$/;

/**
 * numeric is only used for uint64 tokens (numeric(20,0)), which must be exact; an aggregate that
 * yields a fractional numeric (avg) stays a string rather than being truncated.
 */
function parseNumeric(text: string): bigint | string {
  return INTEGER_TEXT.test(text) ? BigInt(text) : text;
}

export const ringkvTypeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === undefined || format === 'text') {
      if (oid === INT8_OID) return (text: string) => BigInt(text);
      if (oid === NUMERIC_OID) return parseNumeric;
    }
    return pgTypes.getTypeParser(oid, format ?? 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

/** Opens a pool to `url` and returns a typed Kysely over it. */
export function createDatabase(url: string, options: DatabaseOptions = {}): Kysely<Database> {
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'ringkv',
    types: ringkvTypeParsers,
  });
  // A client that loses its server (restart, failover, pg_terminate_backend) emits 'error': on the
  // pool while idle, on the client itself while checked out (e.g. idle inside a transaction).
  // Unhandled, either event crashes the process. The failure still reaches the caller, because
  // the client's next query rejects, and pg-pool discards broken clients instead of reusing them.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
