import { BlockBuilder } from './block-builder';
import { BlockCache } from './block-cache';
import { BlockReader } from './block-reader';

/** A block whose contents are exactly `size` bytes (size >= 4). */
function blockOf(size: number): BlockReader {
  const builder = new BlockBuilder(16);
  if (size > 4) builder.add(Buffer.alloc(0), Buffer.alloc(size - 4 - 4 - 3 - (size - 11 >= 128 ? 1 : 0)));
  const contents = builder.finish();
  return new BlockReader(contents, 'f', 0);
}

describe('BlockCache', () => {
  it('charges blocks by their size', () => {
    expect(blockOf(100).byteLength).toBe(100);
    expect(blockOf(1000).byteLength).toBe(1000);
  });

  it('counts hits and misses', () => {
    const cache = new BlockCache(10_000);
    expect(cache.get(1, 0)).toBeUndefined();
    const block = blockOf(100);
    cache.set(1, 0, block);
    expect(cache.get(1, 0)).toBe(block);
    expect(cache.get(1, 0)).toBe(block);
    expect(cache.get(2, 0)).toBeUndefined();
    expect(cache.stats()).toEqual({ hits: 2, misses: 2, bytes: 100, capacity: 10_000 });
  });

  it('keys blocks by file and offset', () => {
    const cache = new BlockCache(10_000);
    const a = blockOf(100);
    const b = blockOf(100);
    cache.set(1, 4096, a);
    cache.set(2, 4096, b);
    expect(cache.get(1, 4096)).toBe(a);
    expect(cache.get(2, 4096)).toBe(b);
    expect(cache.get(1, 0)).toBeUndefined();
  });

  it('evicts the least recently used block and never exceeds capacity', () => {
    const cache = new BlockCache(300);
    cache.set(1, 0, blockOf(100));
    cache.set(1, 100, blockOf(100));
    cache.set(1, 200, blockOf(100));
    cache.get(1, 0); // now the most recently used
    cache.set(1, 300, blockOf(100));
    expect(cache.stats().bytes).toBe(300);
    expect(cache.get(1, 100)).toBeUndefined();
    expect(cache.get(1, 0)).toBeDefined();
    expect(cache.get(1, 200)).toBeDefined();
    expect(cache.get(1, 300)).toBeDefined();
    cache.set(1, 400, blockOf(250));
    expect(cache.stats().bytes).toBeLessThanOrEqual(300);
    expect(cache.get(1, 400)).toBeDefined();
  });

  it('stays within capacity under many insertions of mixed sizes', () => {
    const cache = new BlockCache(5000);
    for (let i = 0; i < 500; i++) {
      cache.set(i % 7, i * 10, blockOf(50 + ((i * 37) % 900)));
      expect(cache.stats().bytes).toBeLessThanOrEqual(5000);
    }
    expect(cache.stats().bytes).toBeGreaterThan(4000);
  });

  it('replaces a block set twice without double-charging', () => {
    const cache = new BlockCache(1000);
    cache.set(1, 0, blockOf(100));
    cache.set(1, 0, blockOf(200));
    expect(cache.stats().bytes).toBe(200);
  });

  it('does not cache a block larger than its capacity', () => {
    const cache = new BlockCache(100);
    cache.set(1, 0, blockOf(50));
    cache.set(1, 50, blockOf(500));
    expect(cache.get(1, 50)).toBeUndefined();
    expect(cache.get(1, 0)).toBeDefined();
    const disabled = new BlockCache(0);
    disabled.set(1, 0, blockOf(4));
    expect(disabled.stats().bytes).toBe(0);
  });

  it('evicts every block of one file', () => {
    const cache = new BlockCache(10_000);
    for (let offset = 0; offset < 500; offset += 100) {
      cache.set(1, offset, blockOf(100));
      cache.set(2, offset, blockOf(100));
    }
    cache.evictFile(1);
    expect(cache.stats().bytes).toBe(500);
    expect(cache.get(1, 0)).toBeUndefined();
    expect(cache.get(2, 0)).toBeDefined();
    cache.evictFile(3);
    expect(cache.stats().bytes).toBe(500);
  });
});
