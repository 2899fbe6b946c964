/**
 * PostgreSQL for the coordinator: one kysely instance per process, migrated to the latest
 * schema at boot (safe when several coordinators start together: migrations take a lock), and
 * the repositories built on it.
 */
import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import type { CoordinatorConfig } from '@ringkv/config';
import { Database, HintRepository, openMigratedDatabase, RingRepository, TenantRepository } from '@ringkv/db';
import type { Kysely } from 'kysely';
import { COORDINATOR_CONFIG } from '../coordinator.tokens';

export const DATABASE = Symbol('ringkv.coordinator.database');

@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

export const databaseProviders: Provider[] = [
  {
    provide: DATABASE,
    inject: [COORDINATOR_CONFIG],
    useFactory: (config: CoordinatorConfig) =>
      openMigratedDatabase(config.database.url, { max: config.database.poolSize, applicationName: config.serviceName }),
  },
  DatabaseLifecycle,
  { provide: RingRepository, inject: [DATABASE], useFactory: (db: Kysely<Database>) => new RingRepository(db) },
  { provide: TenantRepository, inject: [DATABASE], useFactory: (db: Kysely<Database>) => new TenantRepository(db) },
  { provide: HintRepository, inject: [DATABASE], useFactory: (db: Kysely<Database>) => new HintRepository(db) },
];
