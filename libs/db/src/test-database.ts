/**
 * createTestDatabase(): a fresh, migrated PostgreSQL database for one test file, so test files
 * can run in parallel (Jest workers, other projects' suites) without seeing each other's rows.
 *
 * Contract: the database is named `ringkv_test_<pid>_<random>`, created through the admin URL
 * (default postgres://postgres@127.0.0.1:5432/test, overridable with RINGKV_TEST_DATABASE_URL),
 * and dropped by `destroy()` (call it from afterAll; it runs even when tests failed). If setup
 * itself fails, the half-made database is dropped before the error propagates.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Kysely } from 'kysely';
import { createDatabase } from './database';
import { migrateToLatest } from './migrate';
import type { Database } from './schema';

export const DEFAULT_TEST_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** How long destroy() waits for the pool to drain before dropping the database anyway. */
const POOL_CLOSE_GRACE_MS = 2_000;

export interface TestDatabase {
  /** Database name, e.g. ringkv_test_4242_1a2b3c4d. */
  name: string;
  /** Connection URL of the new database (for code under test that opens its own pool). */
  url: string;
  /** A pool on the new database; closed by destroy(). */
  db: Kysely<Database>;
  /** Closes the pool and drops the database (forcing out leftover connections). Idempotent. */
  destroy(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** URL of an existing database to connect to while creating and dropping. */
  adminUrl?: string;
  /** Apply the schema migrations (default true). */
  migrate?: boolean;
  /** Pool size of `db` (default 5). */
  max?: number;
}

async function withAdminClient<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, application_name: 'ringkv-test-admin' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? process.env['RINGKV_TEST_DATABASE_URL'] ?? DEFAULT_TEST_ADMIN_URL;
  // pid keeps parallel workers apart; the random part keeps several files in one worker apart.
  const name = `ringkv_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(adminUrl, name);
  // The name is generated from [a-z0-9_] only, so quoting it as an identifier is safe.
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));

  const db = createDatabase(url, { max: options.max ?? 5, applicationName: 'ringkv-test' });
  let destroyed = false;
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    // A failed test can leave a transaction checked out forever (e.g. waiting on a promise that
    // never resolves), and pool.end() waits for it. Give the pool a bounded chance to close
    // cleanly; the forced DROP below terminates whatever is left either way.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      db.destroy(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, POOL_CLOSE_GRACE_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    await withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };

  try {
    if (options.migrate ?? true) await migrateToLatest(db);
  } catch (error) {
    await destroy().catch(() => undefined);
    throw error;
  }
  return { name, url, db, destroy };
}
