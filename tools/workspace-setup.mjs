// First steps shared by `npm start` and `npm test`, written without dependencies so they run on
// a fresh clone: install npm packages when they are missing, then build the given projects.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function run(command, options = {}) {
  execSync(command, { cwd: workspaceRoot, stdio: 'inherit', env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' }, ...options });
}

export function ensureNodeModules() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20 || major > 22) {
    process.stderr.write(`RingKV needs Node.js 20 or 22 (found ${process.versions.node}).\n`);
    process.exit(1);
  }
  if (existsSync(join(workspaceRoot, 'node_modules', '.package-lock.json'))) return;
  process.stdout.write('installing npm dependencies (first run)…\n');
  try {
    run('npm ci --no-audit --no-fund');
  } catch {
    // `npm ci` can fail on optional binaries for other platforms; the lockfile still pins versions.
    run('npm install --no-audit --no-fund');
  }
}

export function build(projects) {
  run(`npx nx run-many -t build --projects=${projects.join(',')} --output-style=static`, {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
