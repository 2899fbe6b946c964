import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceSection } from './benchmarks-doc';

describe('replaceSection', () => {
  it('appends a new section and later replaces only that section', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-doc-')), 'benchmarks.md');
    writeFileSync(file, '# Benchmarks\n\n## Engine\nengine numbers\n');
    replaceSection(file, 'ycsb', '## Cluster\nfirst run');
    replaceSection(file, 'ycsb', '## Cluster\nsecond run');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('engine numbers');
    expect(text).toContain('second run');
    expect(text).not.toContain('first run');
    expect(text.match(/ycsb:begin/g)).toHaveLength(1);
  });
});
