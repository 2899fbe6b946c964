/**
 * The shapes of the key-value API's inputs (API.md "Key-value"), as zod schemas: the single
 * source for validation (kv-request.ts) and for the OpenAPI document. Values are checked for
 * presence here; their bytes are taken from the raw body, not from the parsed value.
 */
import { z } from 'zod';

export const MAX_KEY_BYTES = 1024;
export const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;
export const MAX_BATCH_ITEMS = 1000;
/** A context is a few dozen bytes per replica; this is far beyond any real one. */
export const MAX_CONTEXT_CHARS = 8192;

export const consistencySchema = z.enum(['one', 'quorum', 'all']);
export type ConsistencyName = z.infer<typeof consistencySchema>;

export const keySchema = z
  .string()
  .min(1, 'must not be empty')
  .refine((key) => !/\p{Cs}/u.test(key), 'must be valid Unicode (no lone surrogates)')
  .refine((key) => Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES, `must be at most ${MAX_KEY_BYTES} bytes of UTF-8`);

export const ttlSchema = z.number().int('must be an integer').min(1).max(MAX_TTL_SECONDS);
export const contextSchema = z.string().max(MAX_CONTEXT_CHARS);
const anyJson = z.unknown().refine((value) => value !== undefined, 'is required');

export const putBodySchema = z.strictObject({
  key: keySchema,
  value: anyJson,
  consistency: consistencySchema.optional(),
  ttl_seconds: ttlSchema.optional(),
  context: contextSchema.optional(),
});

export const keyQuerySchema = z.strictObject({
  key: keySchema,
  consistency: consistencySchema.optional(),
});

export const deleteBodySchema = z.strictObject({ context: contextSchema.optional() });

export const batchGetBodySchema = z.strictObject({
  keys: z.array(keySchema).min(1).max(MAX_BATCH_ITEMS),
  consistency: consistencySchema.optional(),
});

export const batchItemSchema = z.strictObject({
  key: keySchema,
  value: anyJson,
  ttl_seconds: ttlSchema.optional(),
  context: contextSchema.optional(),
});

export const batchBodySchema = z.strictObject({
  items: z.array(batchItemSchema).min(1).max(MAX_BATCH_ITEMS),
  consistency: consistencySchema.optional(),
});

export const importLineSchema = z.strictObject({
  key: keySchema,
  value: anyJson,
  ttl_seconds: ttlSchema.optional(),
});

export const importQuerySchema = z.strictObject({ consistency: consistencySchema.optional() });
