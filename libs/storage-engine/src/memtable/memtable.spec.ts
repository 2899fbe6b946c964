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
  it('keeps keys sorted by bytes and finds them', () => {
    const m = new Memtable(1n, union);
    const keys = ['m', 'a', 'z', 'aa', '\u00ff', 'b'];
    for (const k of keys) m.apply(EntryKind.Put, b(k), b(`v-${k}`));
    expect([...m.iterate()].map((e) => e.key.toString('latin1'))).toEqual(
      [...keys].map((k) => Buffer.from(k)).sort(Buffer.compare).map((k) => k.toString('latin1')),
    );
    expect(m.get(b('aa'))?.value.toString()).toBe('v-aa');
    expect(m.get(b('nope'))).toBeUndefined();
    expect(m.count).toBe(keys.length);
  });

  it('iterates a half-open range', () => {
    const m = new Memtable(1n, union);
    for (const k of ['a', 'b', 'c', 'd']) m.apply(EntryKind.Put, b(k), b(k));
    expect([...m.iterate(b('b'), b('d'))].map((e) => e.key.toString())).toEqual(['b', 'c']);
    expect([...m.iterate(b('bb'))].map((e) => e.key.toString())).toEqual(['c', 'd']);
  });

  it('folds a second entry for a key', () => {
    const m = new Memtable(1n, union);
    m.apply(EntryKind.Put, b('k'), b('x'));
    m.apply(EntryKind.Merge, b('k'), b('y'));
    expect(m.get(b('k'))).toMatchObject({ kind: EntryKind.Put, value: b('x,y') });
    m.apply(EntryKind.Delete, b('k'), b('ignored'));
    expect(m.get(b('k'))).toMatchObject({ kind: EntryKind.Delete, value: Buffer.alloc(0) });
    m.apply(EntryKind.Merge, b('k'), b('z'));
    expect(m.get(b('k'))).toMatchObject({ kind: EntryKind.Put, value: b('z') });
    m.apply(EntryKind.Merge, b('j'), b('1'));
    m.apply(EntryKind.Merge, b('j'), b('2'));
    expect(m.get(b('j'))).toMatchObject({ kind: EntryKind.Merge, value: b('1,2') });
    expect(m.count).toBe(2);
  });

  it('tracks approximate size and refuses writes once frozen', () => {
    const m = new Memtable(1n, union);
    m.apply(EntryKind.Put, b('k'), Buffer.alloc(1000));
    expect(m.approximateBytes).toBeGreaterThan(1000);
    const before = m.approximateBytes;
    m.apply(EntryKind.Put, b('k'), Buffer.alloc(10));
    expect(m.approximateBytes).toBe(before - 990);
    m.freeze();
    expect(() => m.apply(EntryKind.Put, b('x'), b('y'))).toThrow();
  });

  it('stays consistent with a Map under many random operations', () => {
    const m = new Memtable(1n, union);
    const model = new Map<string, string>();
    let s = 12345;
    const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    for (let i = 0; i < 5000; i++) {
      const k = `k${Math.floor(rnd() * 500)}`;
      const v = `v${i}`;
      m.apply(EntryKind.Put, b(k), b(v));
      model.set(k, v);
    }
    const got = [...m.iterate()].map((e) => [e.key.toString(), e.value.toString()]);
    expect(got).toEqual([...model.entries()].sort((x, y) => Buffer.compare(b(x[0]), b(y[0]))));
  });

  it('lets an iterator continue while writes happen', () => {
    const m = new Memtable(1n, union);
    for (const k of ['a', 'c', 'e']) m.apply(EntryKind.Put, b(k), b(k));
    const it = m.iterate();
    expect(it.next().value?.key.toString()).toBe('a');
    m.apply(EntryKind.Put, b('d'), b('d'));
    expect([...it].map((e) => e.key.toString())).toEqual(['c', 'd', 'e']);
  });
});
