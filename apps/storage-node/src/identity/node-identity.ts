/**
 * The node id is this node's vector-clock actor, so it must stay bound to its data: the first
 * start writes it into the data directory, and a later start with a different id on the same
 * data refuses to run (two ids incrementing one clock history would corrupt causality).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const NODE_ID_FILE = 'NODE_ID';

export class NodeIdentityMismatchError extends Error {
  readonly code = 'NODE_ID_MISMATCH';
  constructor(
    readonly dataDir: string,
    readonly stored: string,
    readonly configured: string,
  ) {
    super(
      `data directory ${dataDir} belongs to node "${stored}" but RINGKV_NODE_ID is "${configured}"; ` +
        `start it with RINGKV_NODE_ID=${stored} or point RINGKV_DATA_DIR at an empty directory`,
    );
  }
}

/** Returns the node id after checking it against (or recording it in) the data directory. */
export async function claimNodeIdentity(dataDir: string, nodeId: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, NODE_ID_FILE);
  const stored = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
  if (stored === undefined) {
    await writeFile(`${file}.tmp`, `${nodeId}\n`);
    await rename(`${file}.tmp`, file);
    return nodeId;
  }
  if (stored !== nodeId) throw new NodeIdentityMismatchError(dataDir, stored, nodeId);
  return nodeId;
}
