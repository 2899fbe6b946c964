import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONCAT_RULES_PATH } from '../test/fixtures/concat-rules';
import { loadRulesModule } from './rules-module';

describe('loadRulesModule', () => {
  let dir: string;
  const moduleWith = (name: string, source: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, source);
    return file;
  };
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'ringkv-rules-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the rules once per module and config', () => {
    const a = loadRulesModule({ path: CONCAT_RULES_PATH, config: { markThread: false } });
    expect(loadRulesModule({ path: CONCAT_RULES_PATH, config: { markThread: false } })).toBe(a);
    expect(loadRulesModule({ path: CONCAT_RULES_PATH, config: { markThread: true } })).not.toBe(a);
    expect(a.reconcile?.(Buffer.from('k'), Buffer.from('x'), Buffer.from('y')).toString()).toBe('x+y');
  });

  it('names the module in every refusal', () => {
    const cases: [string, RegExp][] = [
      [path.join(dir, 'absent.js'), /absent\.js cannot be loaded/],
      [
        moduleWith('throws.js', 'throw new Error("boom at load")'),
        /throws\.js cannot be loaded: boom at load/,
      ],
      [moduleWith('no-export.js', 'exports.other = 1'), /no-export\.js does not export createEngineRules/],
      [
        moduleWith('bad-filter.js', 'exports.createEngineRules = () => ({ compactionFilter: 42 })'),
        /bad-filter\.js: compactionFilter must be a function/,
      ],
    ];
    for (const config of [new Map([['gcGraceMs', 1]]), { n: 1n }, { at: new Date() }, { x: Number.NaN }]) {
      expect(() => loadRulesModule({ path: CONCAT_RULES_PATH, config })).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: expect.stringContaining('config must be JSON data'),
        }),
      );
    }
    for (const [file, message] of cases) {
      expect(() => loadRulesModule({ path: file })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }),
      );
    }
  });
});
