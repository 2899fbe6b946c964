// Lint rules for the whole workspace. Module boundaries are errors: apps compose libs, libs never
// import apps, the storage engine and pure-logic libs import nothing framework-shaped, and a lib
// is reached only through its public entry point `@ringkv/<lib>`.
import nx from '@nx/eslint-plugin';

const onlyLibs = ['type:util', 'type:engine', 'type:proto', 'type:telemetry', 'type:data', 'type:platform'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.data', '**/tmp', 'libs/proto/src/generated/**', '**/*.js', '**/*.mjs'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:engine', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:proto', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:telemetry', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:util', 'type:telemetry', 'type:proto'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:data', 'type:tool'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:util', 'type:data', 'type:tool'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...onlyLibs, 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [...onlyLibs, 'type:testing', 'type:tool'] },
            { sourceTag: 'scope:storage', onlyDependOnLibsWithTags: ['scope:storage'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
            { sourceTag: 'scope:coordinator', onlyDependOnLibsWithTags: ['scope:coordinator', 'scope:shared'] },
            { sourceTag: 'scope:storage-node', onlyDependOnLibsWithTags: ['scope:storage-node', 'scope:storage', 'scope:shared'] },
          ],
        },
      ],
      // A lib is imported only through its index.ts: `@ringkv/config`, never `@ringkv/config/src/x`.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@ringkv/*/*'], message: 'Import a lib only through its public entry point @ringkv/<lib>.' }] },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
