#!/usr/bin/env node
// `npm run bench`: build the services and the bench tool, then run the YCSB-style benchmark.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureNodeModules, workspaceRoot } from '../workspace-setup.mjs';

ensureNodeModules();
build(['gateway', 'coordinator', 'storage-node', 'launcher', 'bench']);
const result = spawnSync(process.execPath, [join(workspaceRoot, 'dist/bench/tools/bench/src/ycsb.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
