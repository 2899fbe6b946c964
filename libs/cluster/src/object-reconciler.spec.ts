import { decodeObject, encodeObject } from './object-codec';
import { mergeObjects } from './object-merge';
import { reconcileObjects } from './object-reconciler';
import { bytes, randomObject, Rng } from './test-support/random';
import { makeClock } from './vector-clock';

const KEY = bytes('key');
const enc = (clock: Record<string, number>, value: string) =>
  encodeObject({ versions: [{ clock: makeClock(clock), value: bytes(value), writtenAt: 1, actor: Object.keys(clock)[0]! }] });

describe('reconcileObjects', () => {
  it('stores the incoming object canonically when nothing exists', () => {
    expect(reconcileObjects(KEY, undefined, enc({ a: 1 }, 'x'))).toEqual(enc({ a: 1 }, 'x'));
  });

  it('never lets a stale object overwrite a newer one', () => {
    expect(reconcileObjects(KEY, enc({ a: 2 }, 'new'), enc({ a: 1 }, 'old'))).toEqual(enc({ a: 2 }, 'new'));
    expect(reconcileObjects(KEY, enc({ a: 1 }, 'old'), enc({ a: 2 }, 'new'))).toEqual(enc({ a: 2 }, 'new'));
  });

  it('gives identical bytes whatever order objects arrive in', () => {
    const rng = new Rng(12);
    for (let i = 0; i < 100; i++) {
      const objects = Array.from({ length: 4 }, () => encodeObject(randomObject(rng)));
      const expected = encodeObject(mergeObjects(...objects.map((o) => decodeObject(o))));
      let stored: Buffer | undefined;
      for (const o of rng.shuffle(objects)) stored = reconcileObjects(KEY, stored, o);
      expect(stored).toEqual(expected);
    }
  });

  it('rejects malformed bytes on either side with MALFORMED_OBJECT', () => {
    expect(() => reconcileObjects(KEY, undefined, bytes('junk'))).toThrow(expect.objectContaining({ code: 'MALFORMED_OBJECT' }));
    expect(() => reconcileObjects(KEY, bytes('junk'), enc({ a: 1 }, 'x'))).toThrow(expect.objectContaining({ code: 'MALFORMED_OBJECT' }));
  });
});
