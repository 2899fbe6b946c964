import { EntryKind } from '../format/entry-kind';
import type { ReconcileFn } from '../options';
import { resolveEntries } from './resolve-entries';

const b = (s: string) => Buffer.from(s);
const concat: ReconcileFn = (_k, existing, incoming) => Buffer.from(`${existing ? existing.toString() : '_'}+${incoming}`);
const put = (v: string) => ({ kind: EntryKind.Put, value: b(v) });
const del = () => ({ kind: EntryKind.Delete, value: Buffer.alloc(0) });
const merge = (v: string) => ({ kind: EntryKind.Merge, value: b(v) });

describe('resolveEntries (newest first)', () => {
  const cases: [string, ReturnType<typeof put>[], boolean, { kind: EntryKind; value: string } | undefined][] = [
    ['nothing', [], false, undefined],
    ['newest put wins', [put('new'), put('old')], false, { kind: EntryKind.Put, value: 'new' }],
    ['tombstone shadows', [del(), put('old')], false, { kind: EntryKind.Delete, value: '' }],
    ['operands fold oldest first onto a put', [merge('b'), merge('a'), put('x'), put('older')], false, { kind: EntryKind.Put, value: 'x+a+b' }],
    ['operands over a tombstone fold onto nothing', [merge('a'), del(), put('x')], true, { kind: EntryKind.Put, value: '_+a' }],
    ['operands alone, nothing older: fold onto nothing', [merge('b'), merge('a')], false, { kind: EntryKind.Put, value: '_+a+b' }],
    ['operands alone, older may exist: stay one operand', [merge('b'), merge('a')], true, { kind: EntryKind.Merge, value: 'a+b' }],
  ];
  it.each(cases)('%s', (_name, entries, olderMayExist, expected) => {
    const r = resolveEntries(concat, b('k'), entries, olderMayExist);
    expect(r && { kind: r.kind, value: r.value.toString() }).toEqual(expected);
  });
});
