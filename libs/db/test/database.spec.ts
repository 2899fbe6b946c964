import { sql } from 'kysely';
import { Client } from 'pg';
import { createDatabase, createTestDatabase, DEFAULT_TEST_ADMIN_URL } from '../src';
import type { TestDatabase } from '../src';

describe('createDatabase', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  it('reads int8 as bigint without losing precision past 2^53', async () => {
    const { rows } = await sql<{ v: bigint }>`SELECT 9007199254740993::int8 AS v`.execute(testDb.db);
    expect(rows[0]!.v).toBe(9007199254740993n);
  });

  it('reads integral numeric (uint64 tokens) as bigint and fractional numeric as text', async () => {
    const { rows } = await sql<{ max: bigint; frac: string; neg: bigint }>`
      SELECT 18446744073709551615::numeric(20, 0) AS max, 1.5::numeric AS frac, (-3)::numeric AS neg
    `.execute(testDb.db);
    expect(rows[0]).toEqual({ max: 18446744073709551615n, frac: '1.5', neg: -3n });
  });

  it('leaves pg’s global parsers alone for other clients in the process', async () => {
    const client = new Client({ connectionString: testDb.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: unknown }>('SELECT 42::int8 AS v');
      expect(rows[0]!.v).toBe('42');
    } finally {
      await client.end();
    }
  });

  it('survives the server killing a connection that is idle in a transaction', async () => {
    const db = createDatabase(testDb.url, { max: 1, applicationName: 'ringkv-db-kill' });
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let backend = 0;
      const entered = new Promise<void>((resolve) => {
        void db
          .transaction()
          .execute(async (trx) => {
            const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
            backend = rows[0]!.pid;
            resolve();
            await held;
            await sql`SELECT 1`.execute(trx);
          })
          .then(
            () => {
              throw new Error('the transaction should have failed');
            },
            () => undefined,
          )
          .finally(() => undefined);
      });
      await entered;
      await sql`SELECT pg_terminate_backend(${backend})`.execute(testDb.db);
      release();
      // The pool replaced the dead connection: the next query works on a new backend.
      await expect(
        (async () => {
          for (let attempt = 0; ; attempt++) {
            try {
              return (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0]!.pid;
            } catch (error) {
              if (attempt > 50) throw error;
            }
          }
        })(),
      ).resolves.not.toBe(backend);
    } finally {
      await db.destroy();
    }
  });

  it('labels its connections with the application name', async () => {
    const db = createDatabase(testDb.url, { max: 1, applicationName: 'ringkv-db-spec' });
    try {
      const { rows } = await sql<{ name: string }>`SELECT current_setting('application_name') AS name`.execute(db);
      expect(rows[0]!.name).toBe('ringkv-db-spec');
    } finally {
      await db.destroy();
    }
  });
});

describe('createTestDatabase', () => {
  async function exists(name: string): Promise<boolean> {
    const client = new Client({ connectionString: process.env['RINGKV_TEST_DATABASE_URL'] ?? DEFAULT_TEST_ADMIN_URL });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      return rowCount === 1;
    } finally {
      await client.end();
    }
  }

  it('creates a migrated database of its own and drops it on destroy, idempotently', async () => {
    const testDb = await createTestDatabase();
    try {
      expect(testDb.name).toMatch(new RegExp(`^ringkv_test_${process.pid}_[0-9a-f]{8}$`));
      expect(testDb.url).toContain(`/${testDb.name}`);
      expect(await exists(testDb.name)).toBe(true);
      expect(await testDb.db.selectFrom('tenants').selectAll().execute()).toEqual([]);
    } finally {
      await testDb.destroy();
    }
    expect(await exists(testDb.name)).toBe(false);
    await testDb.destroy();
  });

  it('drops the database even when a connection is still busy in a transaction', async () => {
    const testDb = await createTestDatabase();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let stuck!: Promise<unknown>;
    await new Promise<void>((entered) => {
      stuck = testDb.db
        .transaction()
        .execute(async (trx) => {
          await sql`SELECT 1`.execute(trx);
          entered();
          await held;
        })
        .catch(() => undefined);
    });
    await testDb.destroy();
    expect(await exists(testDb.name)).toBe(false);
    release();
    await stuck;
  });
});
