/**
 * Readiness checks for the shared services a process depends on. Each owns one small
 * connection used only for probing, so a saturated application pool cannot make a healthy
 * dependency look down; `close()` releases it at shutdown.
 */
import { Pool } from 'pg';
import Redis from 'ioredis';

export interface DependencyCheck {
  check: () => Promise<void>;
  close: () => Promise<void>;
}

export function postgresCheck(url: string): DependencyCheck {
  const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 1_000, idleTimeoutMillis: 10_000 });
  pool.on('error', () => undefined); // surfaced through the check instead
  return {
    check: async () => {
      try {
        await pool.query('select 1');
      } catch (error) {
        throw new Error(`PostgreSQL unreachable: ${(error as Error).message}`);
      }
    },
    close: () => pool.end(),
  };
}

export function redisCheck(url: string): DependencyCheck {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000 });
  client.on('error', () => undefined); // surfaced through the check instead
  return {
    check: async () => {
      try {
        if (client.status === 'wait' || client.status === 'end') await client.connect();
        await client.ping();
      } catch (error) {
        throw new Error(`Redis unreachable: ${(error as Error).message}`);
      }
    },
    close: async () => {
      client.disconnect();
    },
  };
}
