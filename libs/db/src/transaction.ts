/**
 * Runs work atomically whether or not the caller already opened a transaction. Repositories are
 * constructed over a Kysely that may itself be a Transaction (to join a caller's unit of work, e.g.
 * inside RingRepository.withTopologyLock); kysely cannot nest transactions, so a repository that
 * needs atomicity joins the outer one when present and opens its own otherwise.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute((trx: Transaction<Database>) => work(trx));
}
