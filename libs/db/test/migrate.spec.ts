import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import {
  createDatabase,
  createTestDatabase,
  migrateToLatest,
  SCHEMA_MIGRATION_LOCK_TABLE,
  SCHEMA_MIGRATION_TABLE,
  SCHEMA_MIGRATIONS,
  SchemaMigrationError,
  StaticMigrationProvider,
} from '../src';
import type { Database, TestDatabase } from '../src';
import { main } from '../src/migrate-cli';

const ALL = Object.keys(SCHEMA_MIGRATIONS).sort();

async function tableNames(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name
  `.execute(db);
  return rows.map((row) => row.table_name);
}

describe('schema migrations', () => {
  const databases: TestDatabase[] = [];
  const fresh = async (): Promise<TestDatabase> => {
    const testDb = await createTestDatabase({ migrate: false });
    databases.push(testDb);
    return testDb;
  };
  afterAll(async () => {
    await Promise.all(databases.map((testDb) => testDb.destroy()));
  });

  it('has a registered, ordered list starting with the initial schema', () => {
    expect(ALL[0]).toBe('0001-initial-schema');
    for (const name of ALL) expect(name).toMatch(/^\d{4}-[a-z0-9-]+$/);
  });

  it('creates every table on a fresh database, then does nothing the second time', async () => {
    const { db } = await fresh();
    expect(await migrateToLatest(db)).toEqual({ executed: ALL, known: ALL });
    expect(await tableNames(db)).toEqual(
      [
        'api_keys',
        'hints',
        'ring_epoch',
        'ring_tokens',
        SCHEMA_MIGRATION_TABLE,
        SCHEMA_MIGRATION_LOCK_TABLE,
        'storage_nodes',
        'tenants',
        'topology_changes',
      ].sort(),
    );
    expect(await migrateToLatest(db)).toEqual({ executed: [], known: ALL });
    // The singleton epoch row exists exactly once, at 0.
    expect(await db.selectFrom('ring_epoch').select('epoch').execute()).toEqual([{ epoch: 0n }]);
  });

  it('applies each migration exactly once when several processes migrate at the same time', async () => {
    const { url } = await fresh();
    // Separate pools stand in for separate processes: each has its own sessions.
    const pools = Array.from({ length: 3 }, () => createDatabase(url, { max: 2 }));
    try {
      const summaries = await Promise.all(pools.map((db) => migrateToLatest(db)));
      expect(summaries.flatMap((s) => s.executed).sort()).toEqual(ALL);
      const applied = await pools[0]!.selectFrom(SCHEMA_MIGRATION_TABLE as never).selectAll().execute();
      expect(applied).toHaveLength(ALL.length);
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
  });

  it('names the failing migration and rolls back the whole batch', async () => {
    const { db } = await fresh();
    const broken: Migration = {
      async up(trx: Kysely<unknown>) {
        await sql`CREATE TABLE half_done (id int)`.execute(trx);
        await sql`SELECT 1 / 0`.execute(trx);
      },
    };
    const error = await migrateToLatest(db, { migrations: { ...SCHEMA_MIGRATIONS, '9999-broken': broken } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SchemaMigrationError);
    expect(error).toMatchObject({ code: 'SCHEMA_MIGRATION_FAILED', migrationName: '9999-broken' });
    expect((error as Error).message).toContain('division by zero');
    // Pending migrations run in one transaction: nothing of the batch remains.
    const tables = await tableNames(db);
    expect(tables).not.toContain('tenants');
    expect(tables).not.toContain('half_done');
    expect(await migrateToLatest(db)).toEqual({ executed: ALL, known: ALL });

    // On a database already at 0001, only the new migration is rolled back.
    await expect(migrateToLatest(db, { migrations: { ...SCHEMA_MIGRATIONS, '9999-broken': broken } })).rejects.toMatchObject({
      migrationName: '9999-broken',
    });
    expect(await tableNames(db)).toContain('tenants');
    expect(await tableNames(db)).not.toContain('half_done');
  });

  it('can migrate the initial schema down and up again', async () => {
    const { db } = await fresh();
    await migrateToLatest(db);
    const migrator = new Migrator({
      db,
      provider: new StaticMigrationProvider(SCHEMA_MIGRATIONS),
      migrationTableName: SCHEMA_MIGRATION_TABLE,
      migrationLockTableName: SCHEMA_MIGRATION_LOCK_TABLE,
    });
    const down = await migrator.migrateDown();
    expect(down.error).toBeUndefined();
    expect(await tableNames(db)).not.toContain('tenants');
    expect((await migrateToLatest(db)).executed).toEqual(ALL);
  });

  describe('CLI', () => {
    it('migrates the database named by DATABASE_URL and prints a summary', async () => {
      const { url, db } = await fresh();
      const out: string[] = [];
      const err: string[] = [];
      const code = await main({ env: { DATABASE_URL: url }, log: (l) => out.push(l), error: (l) => err.push(l) });
      expect(code).toBe(0);
      expect(err).toEqual([]);
      expect(out.join('\n')).toContain(`applied now: ${ALL.join(', ')}`);
      expect(await tableNames(db)).toContain('hints');

      out.length = 0;
      expect(await main({ env: { DATABASE_URL: url }, log: (l) => out.push(l), error: (l) => err.push(l) })).toBe(0);
      expect(out.join('\n')).toContain('applied now: none');
    });

    it('exits non-zero with a message when the database cannot be reached', async () => {
      const { url } = await fresh();
      const missing = url.replace(/ringkv_test_[a-z0-9_]+/, 'ringkv_test_does_not_exist');
      const err: string[] = [];
      const code = await main({ env: { DATABASE_URL: missing }, log: () => undefined, error: (l) => err.push(l) });
      expect(code).toBe(1);
      expect(err.join('\n')).toContain('schema migration failed');
    });
  });
});
