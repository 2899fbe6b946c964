/**
 * How RESP strings map to RingKV's JSON values: SET stores its argument as a JSON string, so
 * REST reads it back as that string; GET of a JSON string returns the string itself, and of
 * any other JSON value returns its JSON text (so REST-written objects are still readable).
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The argument as text, or undefined when it is not valid UTF-8 (keys and values must be). */
export function utf8Text(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function toStoredValue(text: string): Buffer {
  return Buffer.from(JSON.stringify(text), 'utf8');
}

export function fromStoredValue(stored: Buffer): Buffer {
  if (stored[0] !== 0x22 /* '"' */) return stored;
  return Buffer.from(JSON.parse(stored.toString('utf8')) as string, 'utf8');
}

const EMPTY = Buffer.alloc(0);

/** Argument `index` (commands are arity-checked first; a missing one reads as empty). */
export function at(args: readonly Buffer[], index: number): Buffer {
  return args[index] ?? EMPTY;
}
