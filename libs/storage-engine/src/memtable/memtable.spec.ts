import { EntryKind } from '../format/entry-kind';
import type { ReconcileFn } from '../options';
import { Memtable } from './memtable';

const b = (s: string) => Buffer.from(s);
/** Set union over comma-separated tokens: commutative, associative, idempotent. */
const union: ReconcileFn = (_k, existing, incoming) => {
  const set = new Set([...(existing ? existing.toString().split(',') : []), ...incoming.toString().split(',')]);
  return Buffer.from([...set].filter(Boolean).sort().join(','));
};

describe('Memtable', () => {
  let seq = 1;
  it('keeps keys sorted by bytes and finds them', () => {
    const m = new Memtable(1n, union);
    const keys = ['m', 'a', 'z', 'aa', '\u00ff', 'b'];
    for (const k of keys) m.apply(EntryKind.Put, b(k), b(`v-${k}`), seq++);
    expect([...m.iterate()].map((e) => e.key.toString('latin1'))).toEqual(
      [...keys].map((k) => Buffer.from(k)).sort(Buffer.compare).map((k) => k.toString('latin1')),
    );
    expect(m.get(b('aa'))?.value.toString()).toBe('v-aa');
    expect(m.get(b('nope'))).toBeUndefined();
    expect(m.count).toBe(keys.length);
  });

  it('iterates a half-open range', () => {
    const m = new Memtable(1n, union);
    for (const k of ['a', 'b', 'c', 'd']) m.apply(EntryKind.Put, b(k), b(k), seq++);
    expect([...m.iterate(b('b'), b('d'))].map((e) => e.key.toString())).toEqual(['b', 'c']);
    expect([...m.iterate(b('bb'))].map((e) => e.key.toString())).toEqual(['c', 'd']);
  });

  it('folds a second entry for a key', () => {
    const m = new Memtable(1n, union);
    m.apply(EntryKind.Put, b('k'), b('x'), seq++);
    m.apply(EntryKind.Merge, b('k'), b('y'), seq++);
    expect(m.get(b('k'))).toMatchObject({ kind: EntryKind.Put, value: b('x,y') });
    m.apply(EntryKind.Delete, b('k'), b('ignored'), seq++);
    expect(m.get(b('k'))).toMatchObject({ kind: EntryKind.Delete, value: Buffer.alloc(0) });
    m.apply(EntryKind.Merge, b('k'), b('z'), seq++);
    expect(m.get(b('k'))).toMatchObject({ kind: EntryKind.Put, value: b('z') });
    m.apply(EntryKind.Merge, b('j'), b('1'), seq++);
    m.apply(EntryKind.Merge, b('j'), b('2'), seq++);
    expect(m.get(b('j'))).toMatchObject({ kind: EntryKind.Merge, value: b('1,2') });
    expect(m.count).toBe(2);
  });

  it('tracks approximate size (overwritten bytes stay) and refuses writes once frozen', () => {
    const m = new Memtable(1n, union);
    m.apply(EntryKind.Put, b('k'), Buffer.alloc(1000), seq++);
    expect(m.approximateBytes).toBeGreaterThan(1000);
    expect(m.approximateBytes).toBeLessThan(1100);
    const before = m.approximateBytes;
    m.apply(EntryKind.Put, b('k'), Buffer.alloc(10), seq++);
    expect(m.approximateBytes).toBeGreaterThan(before + 10);
    expect(m.approximateBytes).toBeLessThan(before + 100);
    m.freeze();
    expect(() => m.apply(EntryKind.Put, b('x'), b('y'), seq++)).toThrow();
  });

  it('stays consistent with a Map under many random operations', () => {
    const m = new Memtable(1n, union);
    const model = new Map<string, string>();
    let s = 12345;
    const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    for (let i = 0; i < 5000; i++) {
      const k = `k${Math.floor(rnd() * 500)}`;
      const v = `v${i}`;
      m.apply(EntryKind.Put, b(k), b(v), seq++);
      model.set(k, v);
    }
    const got = [...m.iterate()].map((e) => [e.key.toString(), e.value.toString()]);
    expect(got).toEqual([...model.entries()].sort((x, y) => Buffer.compare(b(x[0]), b(y[0]))));
  });

  it('lets an iterator continue while writes happen', () => {
    const m = new Memtable(1n, union);
    for (const k of ['a', 'c', 'e']) m.apply(EntryKind.Put, b(k), b(k), seq++);
    const it = m.iterate();
    expect(it.next().value?.key.toString()).toBe('a');
    m.apply(EntryKind.Put, b('d'), b('d'), seq++);
    expect([...it].map((e) => e.key.toString())).toEqual(['c', 'd', 'e']);
  });

  it('orders keys that agree in their first 8 bytes, zero bytes and long shared prefixes like Buffer.compare', () => {
    const m = new Memtable(1n, union, { arenaChunkBytes: 4096 });
    const rnd = seeded(7);
    const prefix = Buffer.alloc(60, 0x61);
    const keys = new Map<string, Buffer>();
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(rnd() * 80);
      const k = Buffer.alloc(len);
      for (let j = 0; j < len; j++) k[j] = rnd() < 0.5 && j < prefix.length ? prefix[j] : [0, 1, 0x61, 0xff][Math.floor(rnd() * 4)];
      if (len === 0) continue;
      keys.set(k.toString('hex'), k);
      m.apply(EntryKind.Put, k, k, seq++);
    }
    const sorted = [...keys.values()].sort(Buffer.compare).map((k) => k.toString('hex'));
    expect([...m.iterate()].map((e) => e.key.toString('hex'))).toEqual(sorted);
    for (const k of keys.values()) expect(m.get(k)?.value.equals(k)).toBe(true);
    expect(m.get(Buffer.concat([prefix, Buffer.of(0x62)]))).toBeUndefined();
    expect(m.count).toBe(keys.size);
  });

  it('stores values larger than an arena chunk', () => {
    const m = new Memtable(1n, union, { arenaChunkBytes: 4096 });
    const big = Buffer.alloc(100_000, 7);
    m.apply(EntryKind.Put, b('big'), big, seq++);
    m.apply(EntryKind.Put, b('small'), b('s'), seq++);
    expect(m.get(b('big'))?.value.equals(big)).toBe(true);
    expect(m.get(b('small'))?.value.toString()).toBe('s');
  });

  it('copies what it is given and hands out copies from get', () => {
    const m = new Memtable(1n, union);
    const k = b('key');
    const v = b('value');
    m.apply(EntryKind.Put, k, v, seq++);
    k.fill(0);
    v.fill(0);
    const got = m.get(b('key'));
    expect(got?.value.toString()).toBe('value');
    got?.value.fill(0);
    expect(m.get(b('key'))?.value.toString()).toBe('value');
  });

  it('iterates a snapshot: later inserts, overwrites, deletes and merges are invisible', () => {
    const m = new Memtable(1n, union);
    m.apply(EntryKind.Put, b('a'), b('a1'), 1);
    m.apply(EntryKind.Put, b('c'), b('c1'), 2);
    m.apply(EntryKind.Merge, b('e'), b('x'), 3);
    const snap = [...m.iterate(undefined, undefined, { snapshot: 3 })];
    const lazy = m.iterate(undefined, undefined, { snapshot: 3, copy: true });
    expect(lazy.next().value?.key.toString()).toBe('a');
    m.apply(EntryKind.Put, b('b'), b('b1'), 4);
    m.apply(EntryKind.Put, b('c'), b('c2'), 5);
    m.apply(EntryKind.Delete, b('a'), b(''), 6);
    m.apply(EntryKind.Merge, b('e'), b('y'), 7);
    m.apply(EntryKind.Put, b('d'), b('d1'), 8);
    const show = (es: { key: Buffer; kind: EntryKind; value: Buffer }[]) => es.map((e) => `${e.key}:${e.kind}:${e.value}`);
    expect(show([...lazy])).toEqual(['c:1:c1', 'e:3:x']);
    expect(show(snap)).toEqual(['a:1:a1', 'c:1:c1', 'e:3:x']);
    expect(show([...m.iterate(undefined, undefined, { snapshot: 6 })])).toEqual(['a:2:', 'b:1:b1', 'c:1:c2', 'e:3:x']);
    expect(show([...m.iterate()])).toEqual(['a:2:', 'b:1:b1', 'c:1:c2', 'd:1:d1', 'e:3:x,y']);
  });
});

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
}
