// Compiles the engine and its benchmark with swc into a temp dir and runs the benchmark there.
// Usage (from the repository root):
//   node libs/storage-engine/bench/run.mjs [--count N] [--batch B]       RingKV vs LevelDB
//   node libs/storage-engine/bench/run.mjs compaction [--count N] [--tables T]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const lib = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(lib, '../..');
const out = mkdtempSync(path.join(tmpdir(), 'ringkv-bench-build-'));
try {
  const rc = path.join(out, '.swcrc');
  writeFileSync(
    rc,
    JSON.stringify({
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }),
  );
  execFileSync(
    path.join(root, 'node_modules/.bin/swc'),
    [
      path.join(lib, 'src'),
      path.join(lib, 'bench'),
      '-d',
      path.join(out, 'build'),
      '--config-file',
      rc,
      '--ignore',
      '**/*.spec.ts',
      '--strip-leading-paths',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const [which, ...rest] =
    process.argv[2] === 'compaction'
      ? ['compaction-bench.js', ...process.argv.slice(3)]
      : ['engine-bench.js', ...process.argv.slice(2)];
  const bench = path.join(out, 'build', path.relative(path.join(root, 'libs'), lib), 'bench', which);
  const r = spawnSync(process.execPath, [bench, ...rest], {
    stdio: 'inherit',
    env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
  });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
