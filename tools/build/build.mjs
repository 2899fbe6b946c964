#!/usr/bin/env node
// Compiles one project (an app or a tool), every lib and the launcher into dist/<project>/ with
// SWC. The output keeps the source tree's layout, and `@ringkv/<lib>` imports are rewritten to
// relative paths, so `node dist/<project>/<root>/src/main.js` runs with no loader or bundler.
// Type-checking is separate (`npm run typecheck`): SWC only strips types.
//
// usage: node tools/build/build.mjs <project-root> [<project-root> ...]   e.g. apps/gateway
import { transformFile } from '@swc/core';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspace = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { compilerOptions } = JSON.parse(
  await import('node:fs').then((fs) => fs.readFileSync(join(workspace, 'tsconfig.base.json'), 'utf8')),
);

async function sources(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

async function libSourceRoots() {
  const libs = await readdir(join(workspace, 'libs'), { withFileTypes: true });
  return libs.filter((d) => d.isDirectory()).map((d) => join(workspace, 'libs', d.name, 'src'));
}

async function build(projectRoot) {
  const name = projectRoot.split('/').pop();
  const outDir = join(workspace, 'dist', name);
  await rm(outDir, { recursive: true, force: true });
  // Tools may import the launcher (`@ringkv/launcher`), so its sources come along too.
  const extra = projectRoot === 'tools/launcher' ? [] : [join(workspace, 'tools', 'launcher', 'src')];
  const roots = [join(workspace, projectRoot, 'src'), ...(await libSourceRoots()), ...extra];
  const files = (await Promise.all(roots.map((r) => sources(r).catch(() => [])))).flat();
  await Promise.all(
    files.map(async (file) => {
      const { code, map } = await transformFile(file, {
        swcrc: false,
        sourceMaps: true,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          baseUrl: workspace,
          paths: compilerOptions.paths,
        },
        module: { type: 'commonjs' },
      });
      const target = join(outDir, relative(workspace, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
      if (map) await writeFile(`${target}.map`, map);
    }),
  );
  process.stdout.write(`built ${projectRoot} -> ${relative(workspace, outDir)} (${files.length} files)\n`);
}

const projects = process.argv.slice(2);
if (projects.length === 0) {
  process.stderr.write('usage: node tools/build/build.mjs <project-root> [...]\n');
  process.exit(2);
}
for (const p of projects) await build(p);
