/**
 * The layering rules are enforced by lint, not by convention: these snippets are linted as if
 * they lived at the given paths, and each must be rejected with the rule that guards it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@ringkv/launcher';

const root = findWorkspaceRoot(__dirname);

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

function lint(filePath: string, code: string): LintMessage[] {
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', filePath, '-f', 'json'],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  const parsed = JSON.parse(result.stdout) as Array<{ messages: LintMessage[] }>;
  return parsed.flatMap((f) => f.messages).filter((m) => m.severity === 2);
}

describe('module boundaries', () => {
  it('rejects importing a lib by deep path', () => {
    const errors = lint('apps/gateway/src/bad.ts', "import { setting } from '@ringkv/config/src/setting';\nvoid setting;\n");
    expect(errors.map((e) => e.ruleId)).toContain('no-restricted-imports');
  });

  it('rejects a lib importing an app', () => {
    const errors = lint(
      'libs/config/src/bad.ts',
      "import { bootstrap } from '../../../apps/gateway/src/bootstrap';\nvoid bootstrap;\n",
    );
    expect(errors.map((e) => e.ruleId)).toContain('@nx/enforce-module-boundaries');
  });

  it('keeps the storage engine free of framework-shaped libs', () => {
    const errors = lint('libs/storage-engine/src/bad.ts', "import { loadConfig } from '@ringkv/config';\nvoid loadConfig;\n");
    expect(errors.map((e) => e.ruleId)).toContain('@nx/enforce-module-boundaries');
  });

  it('keeps pure libs from importing the Nest platform', () => {
    const errors = lint('libs/config/src/bad.ts', "import { Readiness } from '@ringkv/platform';\nvoid Readiness;\n");
    expect(errors.map((e) => e.ruleId)).toContain('@nx/enforce-module-boundaries');
  });

  it('accepts an app importing a lib through its entry point', () => {
    expect(lint('apps/gateway/src/fine.ts', "import { loadConfig } from '@ringkv/config';\nvoid loadConfig;\n")).toEqual([]);
  });
});
