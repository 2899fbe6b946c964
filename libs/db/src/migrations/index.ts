/**
 * The registry of schema migrations, in order. Migrations are listed statically (not discovered on
 * disk) because apps are compiled and bundled: a directory scan would find nothing, or the wrong
 * files. To add one: create `NNNN-name.ts` exporting `up` (and `down`), then append it here.
 * Names sort lexicographically in application order and are stored in the database: never rename.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001-initial-schema';

export const SCHEMA_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-initial-schema': m0001,
});
