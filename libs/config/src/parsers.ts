/**
 * Reusable zod parsers for environment strings. Environment values are always strings, so
 * numbers and booleans are coerced here, and lists are comma-separated.
 */
import { z } from 'zod';

export const port = () => z.coerce.number().int().min(1).max(65535);

export const positiveInt = () => z.coerce.number().int().min(1);

export const nonNegativeInt = () => z.coerce.number().int().min(0);

export const boolean = () =>
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a URL with protocol ${protocols.join(' or ')}` },
  );

/** `host:port` pairs, comma-separated, e.g. `127.0.0.1:50051,127.0.0.1:50052`. */
export const hostPortList = () =>
  z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(
      z
        .array(z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'expected host:port'))
        .min(1, 'expected at least one host:port'),
    );

/** Node identifiers: what RingKV accepts as a storage node id. */
export const nodeId = () => z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected [a-z0-9][a-z0-9_-]{0,62}');

export const logLevel = () => z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
