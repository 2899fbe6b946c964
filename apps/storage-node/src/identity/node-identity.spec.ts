import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimNodeIdentity, NodeIdentityMismatchError } from './node-identity';

describe('claimNodeIdentity', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ringkv-identity-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('records the id on first start and accepts the same id later', async () => {
    await expect(claimNodeIdentity(dir, 'node-a')).resolves.toBe('node-a');
    expect((await readFile(join(dir, 'NODE_ID'), 'utf8')).trim()).toBe('node-a');
    await expect(claimNodeIdentity(dir, 'node-a')).resolves.toBe('node-a');
  });

  it('refuses a different id on the same data, naming both ids', async () => {
    await claimNodeIdentity(dir, 'node-a');
    const attempt = claimNodeIdentity(dir, 'node-b');
    await expect(attempt).rejects.toBeInstanceOf(NodeIdentityMismatchError);
    await expect(attempt).rejects.toThrow(/belongs to node "node-a" but RINGKV_NODE_ID is "node-b"/);
  });
});
