import { WriteBatch } from '@ringkv/storage-engine';
import { WriteCoalescer } from './write-coalescer';

describe('WriteCoalescer', () => {
  it('writes the merges of one tick as one batch, in order, and a later lone merge on its own', async () => {
    const batches: string[][] = [];
    const coalescer = new WriteCoalescer(async (batch: WriteBatch) => {
      batches.push(batch.ops.map((op) => op.key.toString()));
    });
    await Promise.all(['a', 'b', 'c'].map((k) => coalescer.merge(Buffer.from(k), Buffer.from('v'))));
    await coalescer.merge(Buffer.from('d'), Buffer.from('v'));
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('splits a large tick into bounded batches and rejects every merge of a failed batch', async () => {
    let calls = 0;
    const coalescer = new WriteCoalescer(async (batch: WriteBatch) => {
      calls += 1;
      if (batch.ops[0]!.key.toString() === 'k2') throw new Error('disk full');
    }, 2);
    const results = await Promise.allSettled(['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => coalescer.merge(Buffer.from(k), Buffer.from('v'))));
    expect(calls).toBe(3);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  });
});
