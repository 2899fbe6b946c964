/**
 * The bootstrap admin key of a local cluster: RINGKV_ADMIN_KEY when set, otherwise generated
 * once (256 random bits) and kept in `<dataDir>/admin-key` (mode 0600) so restarts reuse it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function resolveAdminKey(
  dataDir: string,
  fromEnv: string | undefined,
): { key: string; source: string } {
  if (fromEnv) return { key: fromEnv, source: 'RINGKV_ADMIN_KEY' };
  const file = join(dataDir, 'admin-key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), source: file };
  mkdirSync(dataDir, { recursive: true });
  const key = `rkv_admin_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, source: `${file} (generated)` };
}
