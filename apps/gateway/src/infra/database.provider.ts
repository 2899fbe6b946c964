/**
 * The gateway's PostgreSQL pool (libs/db). The schema is brought to the latest migration at
 * boot, as every RingKV process does (migrations are serialised by an advisory lock), so a
 * gateway never queries tables an older schema lacks.
 */
import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import type { GatewayConfig } from '@ringkv/config';
import { ApiKeyRepository, Database, HintRepository, openMigratedDatabase, TenantRepository } from '@ringkv/db';
import type { Kysely } from 'kysely';
import { DATABASE, GATEWAY_CONFIG } from '../gateway.tokens';

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
    inject: [GATEWAY_CONFIG],
    useFactory: (config: GatewayConfig) =>
      openMigratedDatabase(config.database.url, { max: config.database.poolSize, applicationName: config.serviceName }),
  },
  { provide: TenantRepository, inject: [DATABASE], useFactory: (db: Kysely<Database>) => new TenantRepository(db) },
  { provide: ApiKeyRepository, inject: [DATABASE], useFactory: (db: Kysely<Database>) => new ApiKeyRepository(db) },
  { provide: HintRepository, inject: [DATABASE], useFactory: (db: Kysely<Database>) => new HintRepository(db) },
];
