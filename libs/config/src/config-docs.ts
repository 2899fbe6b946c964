/**
 * Renders docs/configuration.md from the schemas, so the documentation cannot drift from what
 * the apps actually read. A test compares the committed file with this output.
 */
import { coordinatorConfigSchema } from './coordinator-config';
import { gatewayConfigSchema } from './gateway-config';
import { listSettings } from './load-config';
import { SchemaTree, Setting } from './setting';
import { storageNodeConfigSchema } from './storage-node-config';

export const appSchemas: Readonly<Record<string, SchemaTree>> = {
  gateway: gatewayConfigSchema,
  coordinator: coordinatorConfigSchema,
  'storage-node': storageNodeConfigSchema,
};

export function renderConfigDocs(): string {
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from libs/config by `npm run docs:config`; do not edit by hand. -->',
    '',
    'Every RingKV process is configured only through environment variables. Each process parses',
    'them once at boot and refuses to start if any is invalid, listing every problem with the',
    'variable it came from. Unset or empty variables take their default; a variable without a',
    'default is required.',
    '',
  ];
  for (const [app, schema] of Object.entries(appSchemas)) {
    lines.push(`## ${app}`, '', '| variable | default | description |', '|---|---|---|');
    for (const s of listSettings(schema)) lines.push(`| \`${s.env}\` | ${renderDefault(s)} | ${s.description} |`);
    lines.push('');
  }
  return lines.join('\n');
}

function renderDefault(s: Setting<unknown>): string {
  if (s.default === undefined) return '*(required)*';
  if (s.secret) return s.default === '' ? '*(unset)*' : '*(secret)*';
  if (s.default === '') return '*(unset)*';
  const text = Array.isArray(s.default) ? s.default.join(',') : String(s.default);
  return text === '' ? '*(empty)*' : `\`${text}\``;
}
