/**
 * Byte spans of JSON members inside a request body that JSON.parse has already accepted. The
 * gateway keeps a client's value as the exact bytes it sent (SYSTEM.md §12: no re-encoding
 * between hops), so it needs to know where `value` starts and ends rather than re-stringify the
 * parsed value. Structural characters are ASCII, so scanning UTF-8 bytes is safe.
 *
 * Contract: the input must be valid JSON (the scanner trusts it and does not re-validate). A
 * duplicated member name resolves to its last occurrence, as JSON.parse does.
 */
export interface Span {
  start: number;
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export function skipWhitespace(bytes: Uint8Array, at: number): number {
  while (isWhitespace(bytes[at])) at++;
  return at;
}

function skipString(bytes: Uint8Array, at: number): number {
  at++; // opening quote
  while (at < bytes.length && bytes[at] !== QUOTE) at += bytes[at] === BACKSLASH ? 2 : 1;
  return at + 1;
}

/** End (exclusive) of the JSON value starting at `at`. */
export function skipValue(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return skipString(bytes, at);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    while (at < bytes.length) {
      const byte = bytes[at];
      if (byte === QUOTE) {
        at = skipString(bytes, at);
        continue;
      }
      if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return at + 1;
      }
      at++;
    }
    return at;
  }
  // number, true, false, null
  while (at < bytes.length) {
    const byte = bytes[at];
    if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || isWhitespace(byte)) break;
    at++;
  }
  return at;
}

/** Member name → span of its value, for the object starting at `at` (after whitespace). */
export function objectMembers(bytes: Uint8Array, at: number): Map<string, Span> {
  const members = new Map<string, Span>();
  at = skipWhitespace(bytes, at);
  if (bytes[at] !== OPEN_OBJECT) return members;
  at = skipWhitespace(bytes, at + 1);
  while (bytes[at] === QUOTE) {
    const nameEnd = skipString(bytes, at);
    const name = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + at, nameEnd - at).toString('utf8')) as string;
    at = skipWhitespace(bytes, nameEnd);
    if (bytes[at] !== COLON) break;
    const start = skipWhitespace(bytes, at + 1);
    const end = skipValue(bytes, start);
    members.set(name, { start, end });
    at = skipWhitespace(bytes, end);
    if (bytes[at] !== COMMA) break;
    at = skipWhitespace(bytes, at + 1);
  }
  return members;
}

/** Spans of the elements of the array starting at `at` (after whitespace). */
export function arrayElements(bytes: Uint8Array, at: number): Span[] {
  const elements: Span[] = [];
  at = skipWhitespace(bytes, at);
  if (bytes[at] !== OPEN_ARRAY) return elements;
  at = skipWhitespace(bytes, at + 1);
  if (bytes[at] === CLOSE_ARRAY) return elements;
  while (at < bytes.length) {
    const end = skipValue(bytes, at);
    elements.push({ start: at, end });
    at = skipWhitespace(bytes, end);
    if (bytes[at] !== COMMA) break;
    at = skipWhitespace(bytes, at + 1);
  }
  return elements;
}

/** Greatest nesting depth of arrays and objects, scanning at most until `limit` is passed. */
export function nestingDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      at = skipString(bytes, at) - 1;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}
