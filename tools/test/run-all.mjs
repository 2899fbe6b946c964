#!/usr/bin/env node
// `npm test`: the whole suite in one command. Installs npm packages if missing, makes sure
// PostgreSQL and Redis are up (starting local ones if installed) and the Debian tools the tests
// drive are installed (system-tools.mjs), then: proto generation, lint,
// type-check, build, and every Jest project (unit and integration, real processes included).
// Ends with one summary line: `tests: N passed, N failed`.
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureNodeModules, run, workspaceRoot } from '../workspace-setup.mjs';
import { ensureSystemTools } from './system-tools.mjs';

const step = (name) => process.stdout.write(`\n== ${name}\n`);
const args = process.argv.slice(2);

ensureNodeModules();

step('services (PostgreSQL, Redis)');
build(['launcher']);
const require = createRequire(import.meta.url);
const launcher = require(join(workspaceRoot, 'dist/launcher/tools/launcher/src/index.js'));
const log = (line) => process.stdout.write(`${line}\n`);
try {
  await launcher.ensurePostgres(process.env.RINGKV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', log);
  await launcher.ensureRedis(process.env.RINGKV_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', log);
  log('PostgreSQL and Redis are reachable');
  step('test tools (docker-compose, redis-tools, chromium)');
  ensureSystemTools(log);
  log('all present');
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

try {
  step('proto generation');
  run('npx nx run proto:generate --output-style=static', { stdio: ['ignore', 'ignore', 'inherit'] });
  step('lint');
  run('npx nx run-many -t lint --output-style=static');
  step('type-check');
  run('npx tsc -p tsconfig.typecheck.json');
  step('build');
  build(['gateway', 'coordinator', 'storage-node', 'launcher']);
} catch {
  process.stdout.write('\ntests: 0 passed, 1 failed\n');
  process.exit(1);
}

step('tests');
mkdirSync(join(workspaceRoot, 'tmp'), { recursive: true });
const resultsFile = join(workspaceRoot, 'tmp', 'jest-results.json');
let jestFailed = false;
try {
  run(`npx jest --ci --maxWorkers=2 --json --outputFile=${resultsFile} ${args.join(' ')}`);
} catch {
  jestFailed = true;
}
let summary;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  summary = `tests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped`;
  jestFailed ||= failed > 0 || !results.success;
} catch {
  summary = 'tests: 0 passed, 1 failed';
  jestFailed = true;
}
process.stdout.write(`\n${summary}\n`);
process.exit(jestFailed ? 1 : 0);
