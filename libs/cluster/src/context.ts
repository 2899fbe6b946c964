/**
 * The opaque `context` string a read returns and a write may send back: base64url (no padding)
 * of [CONTEXT_FORMAT_VERSION:u8][clock bytes]. Clients must treat it as opaque; the version byte
 * lets the encoding change later. Decoding accepts only strings this module could have produced
 * and throws a MalformedBytesError with code INVALID_CONTEXT (a 400 at the gateway) otherwise.
 */
import { Buffer } from 'node:buffer';
import { readClock, writeClock } from './clock-codec';
import { MalformedBytesError } from './errors';
import { CONTEXT_FORMAT_VERSION, MAX_CONTEXT_CHARS } from './object-format';
import { ByteReader, ByteWriter } from './varint-codec';
import { VectorClock } from './vector-clock';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function encodeContext(clock: VectorClock): string {
  const writer = new ByteWriter();
  writer.u8(CONTEXT_FORMAT_VERSION);
  writeClock(writer, clock);
  return writer.finish().toString('base64url');
}

export function decodeContext(text: string): VectorClock {
  const fail = (detail: string): never => {
    throw new MalformedBytesError('INVALID_CONTEXT', 0, detail);
  };
  if (typeof text !== 'string' || text.length === 0) fail('context must be a non-empty string');
  if (text.length > MAX_CONTEXT_CHARS) fail(`context longer than ${MAX_CONTEXT_CHARS} characters`);
  if (!BASE64URL.test(text)) fail('context is not base64url');
  const bytes = Buffer.from(text, 'base64url');
  // Node ignores stray trailing bits; re-encoding catches strings we never issued.
  if (bytes.toString('base64url') !== text) fail('context is not canonical base64url');
  const reader = new ByteReader(bytes, 'INVALID_CONTEXT');
  const version = reader.u8('context version');
  if (version !== CONTEXT_FORMAT_VERSION) reader.fail(`unknown context version ${version}`, 0);
  const clock = readClock(reader);
  reader.end();
  return clock;
}
