/**
 * Public entry point of @ringkv/db: the schema, the database factory, schema migrations, the
 * repositories with their domain types, the typed errors, and the test-database helper.
 * Consumers import only from here.
 */
export * from './schema';
export { createDatabase, ringkvTypeParsers } from './database';
export type { DatabaseOptions } from './database';
export * from './errors';
export { inTransaction } from './transaction';
export {
  migrateToLatest,
  openMigratedDatabase,
  StaticMigrationProvider,
  SCHEMA_MIGRATION_TABLE,
  SCHEMA_MIGRATION_LOCK_TABLE,
} from './migrate';
export type { MigrationSummary, MigrateOptions } from './migrate';
export { SCHEMA_MIGRATIONS } from './migrations';
export * from './tenant.repository';
export * from './api-key.repository';
export * from './storage-node.repository';
export * from './ring.repository';
export * from './topology-change.repository';
export * from './hint.repository';
export { createTestDatabase, DEFAULT_TEST_ADMIN_URL } from './test-database';
export type { TestDatabase, TestDatabaseOptions } from './test-database';
