/**
 * Unsigned LEB128 varints of at most 32 bits, as used for lengths inside SSTable blocks: seven
 * bits per byte, least significant group first, high bit set on every byte but the last. Lengths
 * are small, so most take one byte where a fixed u32 would take four.
 */

/** Longest encoding of a 32-bit value. */
export const MAX_VARINT32_LENGTH = 5;

/** Writes `value` at `target[at]` and returns the offset after it; `target` must have room. */
export function writeVarint32(target: Buffer, at: number, value: number): number {
  let rest = value >>> 0;
  while (rest >= 0x80) {
    target[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  target[at++] = rest;
  return at;
}

export interface DecodedVarint {
  value: number;
  next: number;
}

/**
 * Reads a varint at `source[at]` that must end before `limit`. Returns undefined when it runs
 * past `limit` or past 32 bits, so the caller can report corruption with its own context.
 */
export function readVarint32(source: Buffer, at: number, limit: number): DecodedVarint | undefined {
  let value = 0;
  for (let shift = 0; shift < 35 && at < limit; shift += 7) {
    const byte = source[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value > 0xffffffff ? undefined : { value, next: at };
  }
  return undefined;
}
