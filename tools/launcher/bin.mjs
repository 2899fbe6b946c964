#!/usr/bin/env node
// `npm start`: install what is missing, build the services, then run the local cluster.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, ensureNodeModules, workspaceRoot } from '../workspace-setup.mjs';

ensureNodeModules();
process.stdout.write('building gateway, coordinator, storage-node…\n');
build(['gateway', 'coordinator', 'storage-node', 'launcher']);
const require = createRequire(import.meta.url);
const { main } = require(join(workspaceRoot, 'dist/launcher/tools/launcher/src/cli.js'));
main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
