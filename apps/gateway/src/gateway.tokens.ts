/** Injection tokens of the gateway's shared resources. */
export const GATEWAY_CONFIG = Symbol('ringkv.gateway.config');
/** The Kysely database (libs/db), migrated at boot. */
export const DATABASE = Symbol('ringkv.gateway.database');
/** The ioredis client for commands (caches, rate limits, idempotency, publishing). */
export const REDIS = Symbol('ringkv.gateway.redis');
