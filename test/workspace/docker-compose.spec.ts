/**
 * docker-compose.yml stays valid and in step with the configuration schema: every RingKV
 * variable it sets is one the services actually read, checked with the `docker-compose` binary
 * (`npm test` installs it); there is no Docker engine here, so nothing is started.
 */
import { spawnSync } from 'node:child_process';
import { appSchemas, listSettings } from '@ringkv/config';
import { findWorkspaceRoot } from '@ringkv/launcher';

const root = findWorkspaceRoot(__dirname);

function compose(args: string[], env: Record<string, string> = {}) {
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('docker-compose.yml', () => {
  const adminKey = { RINGKV_ADMIN_KEY: 'x'.repeat(40) };

  it('is valid and runs the whole stack', () => {
    const result = compose(['config', '--services'], adminKey);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual([
      'coordinator-1',
      'coordinator-2',
      'gateway',
      'postgres',
      'prometheus',
      'redis',
      'storage-node-1',
      'storage-node-2',
      'storage-node-3',
    ]);
  });

  it('refuses to render without an admin key', () => {
    const result = compose(['config', '-q'], { RINGKV_ADMIN_KEY: '' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('RINGKV_ADMIN_KEY');
  });

  it('sets only variables that the services read', () => {
    const known = new Set(Object.values(appSchemas).flatMap((schema) => listSettings(schema).map((s) => s.env)));
    const rendered = compose(['config'], adminKey).stdout;
    const used = [...rendered.matchAll(/^\s+((?:RINGKV|DATABASE|REDIS)_[A-Z_]+):/gm)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((name) => !known.has(name))).toEqual([]);
  });
});
