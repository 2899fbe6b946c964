/**
 * Command-line entry for schema migrations: `DATABASE_URL=postgres://... node migrate-cli.js`.
 * Applies every pending migration and prints one summary line; exits non-zero (with the failing
 * migration's name) on error. Operators run it before rolling out a release whose apps would
 * otherwise race to migrate at boot (which is safe, only slower to diagnose).
 */
import { createDatabase } from './database';
import { DbError } from './errors';
import { migrateToLatest } from './migrate';

/** Default matches the DATABASE_URL default of @ringkv/config, for local development. */
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/ringkv';

export interface MigrateCliIo {
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  error: (line: string) => void;
}

/** Runs the migrations; resolves to the process exit code (0 on success). */
export async function main(
  io: MigrateCliIo = { env: process.env, log: (line) => console.log(line), error: (line) => console.error(line) },
): Promise<number> {
  const url = io.env['DATABASE_URL'] || DEFAULT_DATABASE_URL;
  const db = createDatabase(url, { max: 1, applicationName: 'ringkv-migrate' });
  try {
    const summary = await migrateToLatest(db);
    const applied = summary.executed.length === 0 ? 'none' : summary.executed.join(', ');
    io.log(`schema up to date at ${summary.known[summary.known.length - 1] ?? '(no migrations)'}; applied now: ${applied}`);
    return 0;
  } catch (error) {
    const detail = error instanceof DbError ? `${error.code}: ${error.message}` : String(error);
    io.error(`schema migration failed: ${detail}`);
    return 1;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
