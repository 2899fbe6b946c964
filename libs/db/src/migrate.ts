/**
 * Applies schema migrations (src/migrations/) with kysely's Migrator.
 *
 * Contract:
 * - All migrations pending at the time of a call run in one transaction: a failure rolls the
 *   whole batch back (the schema stays where it was before the call) and surfaces as a
 *   SchemaMigrationError naming the failing migration.
 * - Safe to call from several processes at once (every app runs it at boot): the Migrator holds a
 *   session-level PostgreSQL advisory lock while it decides and applies, so the second caller
 *   waits, then finds nothing left to do. Its bookkeeping tables are created idempotently.
 */
import { createDatabase } from './database';
import type { DatabaseOptions } from './database';
import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { SchemaMigrationError } from './errors';
import { SCHEMA_MIGRATIONS } from './migrations';
import type { Database } from './schema';

/** Tables where the Migrator records what ran; named for RingKV rather than kysely's defaults. */
export const SCHEMA_MIGRATION_TABLE = 'schema_migrations';
export const SCHEMA_MIGRATION_LOCK_TABLE = 'schema_migrations_lock';

/** Hands a fixed set of migrations to the Migrator (no filesystem access). */
export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>>) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.migrations };
  }
}

export interface MigrationSummary {
  /** Migrations applied by this call, in order. */
  executed: string[];
  /** Every migration known to the code, in order. */
  known: string[];
}

export interface MigrateOptions {
  /** Replaces the registered list; only tests should need this. */
  migrations?: Readonly<Record<string, Migration>>;
}

/** Brings the schema to the latest migration; returns what this call applied. */
export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions = {}): Promise<MigrationSummary> {
  const migrations = options.migrations ?? SCHEMA_MIGRATIONS;
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(migrations),
    migrationTableName: SCHEMA_MIGRATION_TABLE,
    migrationLockTableName: SCHEMA_MIGRATION_LOCK_TABLE,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    throw new SchemaMigrationError(failed?.migrationName, { cause: error });
  }
  return {
    executed: results.filter((result) => result.status === 'Success').map((result) => result.migrationName),
    known: Object.keys(migrations).sort(),
  };
}

/**
 * A process's pool, with the schema brought to the latest migration first: what every RingKV
 * service does at boot, so none ever queries tables an older schema lacks.
 */
export async function openMigratedDatabase(url: string, options: DatabaseOptions = {}): Promise<Kysely<Database>> {
  const db = createDatabase(url, options);
  try {
    await migrateToLatest(db);
    return db;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
