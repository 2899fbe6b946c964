/**
 * The engine's one key order: unsigned bytewise (memcmp, a shorter prefix first), identical to
 * `Buffer.compare`. Hot paths (memtable search, merge heaps) use this JavaScript version: keys
 * usually differ in their first bytes, and a JS loop that V8 inlines beats the ~50 ns native
 * call boundary of `Buffer.compare` several times over.
 */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
