/**
 * The storage engine's merge hook: what a replica stores when an object arrives for a key that
 * may already hold one (a replicated write, a hint replay, read repair, a streamed range, or two
 * SSTable entries meeting in compaction). It decodes both, merges them by clock and re-encodes,
 * so a stale object never overwrites a newer one and the result is the same in any order.
 *
 * Malformed bytes on either side throw MALFORMED_OBJECT: the incoming side is a caller error to
 * reject, and a corrupt stored side must surface rather than be silently replaced.
 */
import { Buffer } from 'node:buffer';
import { decodeObject, encodeObject } from './object-codec';
import { mergeObjects } from './object-merge';

export function reconcileObjects(_key: Uint8Array, existing: Uint8Array | undefined, incoming: Uint8Array): Buffer {
  const next = decodeObject(incoming);
  if (existing === undefined) return encodeObject(mergeObjects(next));
  return encodeObject(mergeObjects(decodeObject(existing), next));
}
