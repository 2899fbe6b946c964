import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appSchemas, listSettings, renderConfigDocs } from './index';

describe('docs/configuration.md', () => {
  it('is up to date with the schemas (run `npm run docs:config` to regenerate)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
    expect(committed).toBe(renderConfigDocs());
  });

  it('documents every variable of every app exactly once per app', () => {
    for (const schema of Object.values(appSchemas)) {
      const names = listSettings(schema).map((s) => s.env);
      expect(new Set(names).size).toBe(names.length);
      for (const s of listSettings(schema)) expect(s.description.length).toBeGreaterThan(10);
    }
  });
});
