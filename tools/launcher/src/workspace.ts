/** Locating the workspace and the built apps inside it. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppName } from './cluster-plan';

/** The nearest directory at or above `from` that holds nx.json. */
export function findWorkspaceRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${from}: not inside the RingKV workspace`);
    dir = parent;
  }
  return dir;
}

/** The compiled entry point of an app (`npm run build` produces it). */
export function appEntry(workspaceRoot: string, app: AppName): string {
  return join(workspaceRoot, 'dist', app, 'apps', app, 'src', 'main.js');
}
