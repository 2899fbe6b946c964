/** `npm run docs:config`: writes docs/configuration.md from the schemas. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigDocs } from './config-docs';

const target = join(process.cwd(), 'docs', 'configuration.md');
writeFileSync(target, renderConfigDocs());
process.stdout.write(`wrote ${target}\n`);
