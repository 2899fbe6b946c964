/**
 * Parsing of key-value requests into what the coordinator needs. A value is the exact slice of
 * the request body the client sent for it (json-spans.ts), so it is never re-encoded, and its
 * size is checked on those bytes (413 PAYLOAD_TOO_LARGE beyond the configured limit).
 */
import { GatewayError } from '../errors/gateway-error';
import type { JsonBody } from '../http/json-body';
import { arrayElements, objectMembers, Span } from '../http/json-spans';
import { validate } from '../http/validate';
import {
  batchBodySchema,
  batchGetBodySchema,
  ConsistencyName,
  deleteBodySchema,
  importLineSchema,
  keyQuerySchema,
  putBodySchema,
} from './kv.schemas';

export interface WriteInput {
  key: string;
  /** The value's JSON text, as the client sent it. */
  value: Buffer;
  ttlSeconds?: number;
  context?: string;
}

export interface PutInput extends WriteInput {
  consistency?: ConsistencyName;
}

function valueBytes(raw: Buffer, span: Span | undefined, maxValueBytes: number, where: string): Buffer {
  if (!span) throw new GatewayError('INVALID_REQUEST', `${where}: value is required`);
  const length = span.end - span.start;
  if (length > maxValueBytes) {
    throw new GatewayError('PAYLOAD_TOO_LARGE', `${where}: value is ${length} bytes encoded; the limit is ${maxValueBytes}`);
  }
  return raw.subarray(span.start, span.end);
}

export function parsePut(body: JsonBody, maxValueBytes: number): PutInput {
  const parsed = validate(putBodySchema, body.value);
  const value = valueBytes(body.raw, objectMembers(body.raw, 0).get('value'), maxValueBytes, 'body');
  return { key: parsed.key, value, consistency: parsed.consistency, ttlSeconds: parsed.ttl_seconds, context: parsed.context };
}

export function parseKeyQuery(query: unknown): { key: string; consistency?: ConsistencyName } {
  return validate(keyQuerySchema, query ?? {}, 'query');
}

export function parseDeleteBody(body: JsonBody): { context?: string } {
  return body.value === undefined ? {} : validate(deleteBodySchema, body.value);
}

export function parseBatchGet(body: JsonBody): { keys: string[]; consistency?: ConsistencyName } {
  return validate(batchGetBodySchema, body.value);
}

export function parseBatch(body: JsonBody, maxValueBytes: number): { items: WriteInput[]; consistency?: ConsistencyName } {
  const parsed = validate(batchBodySchema, body.value);
  const itemsSpan = objectMembers(body.raw, 0).get('items');
  const elements = itemsSpan ? arrayElements(body.raw, itemsSpan.start) : [];
  const items = parsed.items.map((item, index) => ({
    key: item.key,
    value: valueBytes(body.raw, elements[index] && objectMembers(body.raw, elements[index].start).get('value'), maxValueBytes, `items.${index}`),
    ttlSeconds: item.ttl_seconds,
    context: item.context,
  }));
  return { items, consistency: parsed.consistency };
}

/** One NDJSON import line (already parsed by parseJsonBody). */
export function parseImportLine(line: JsonBody, maxValueBytes: number): WriteInput {
  const parsed = validate(importLineSchema, line.value, 'line');
  const value = valueBytes(line.raw, objectMembers(line.raw, 0).get('value'), maxValueBytes, 'line');
  return { key: parsed.key, value, ttlSeconds: parsed.ttl_seconds };
}
