/**
 * The RESP commands that touch data, on top of KvService (the same path as REST; idempotency
 * is REST-only). Each takes the connection's tenant and consistency and returns a reply;
 * GatewayErrors become Redis error replies (`-ERR …` for bad input, `-<CODE> …` otherwise, so
 * a client can tell QUORUM_NOT_REACHED from TIMEOUT).
 */
import type { Tenant } from '@ringkv/db';
import { GatewayError } from '../errors/gateway-error';
import { keySchema, MAX_TTL_SECONDS, ConsistencyName } from '../kv/kv.schemas';
import type { KvService } from '../kv/kv.service';
import { array, bulk, error, integer, ok, RespReply } from './resp-encoder';
import { at, fromStoredValue, toStoredValue, utf8Text } from './resp-values';

export interface DataContext {
  kv: KvService;
  tenant: Tenant;
  consistency: ConsistencyName | undefined;
  maxValueBytes: number;
}

export class RespInputError extends Error {}

export function toErrorReply(failure: unknown): RespReply {
  if (failure instanceof RespInputError) return error(`ERR ${failure.message}`);
  if (failure instanceof GatewayError) {
    const prefix = failure.code === 'INVALID_REQUEST' || failure.code === 'PAYLOAD_TOO_LARGE' ? 'ERR' : failure.code;
    return error(`${prefix} ${failure.message}`);
  }
  return error('ERR internal error');
}

function key(arg: Buffer): string {
  const text = utf8Text(arg);
  if (text === undefined || !keySchema.safeParse(text).success) {
    throw new RespInputError('invalid key: keys are 1..1024 bytes of valid UTF-8');
  }
  return text;
}

function storedValue(arg: Buffer, ctx: DataContext): Buffer {
  const text = utf8Text(arg);
  if (text === undefined) throw new RespInputError('values must be valid UTF-8');
  const stored = toStoredValue(text);
  if (stored.length > ctx.maxValueBytes) throw new RespInputError(`value is larger than ${ctx.maxValueBytes} bytes encoded`);
  return stored;
}

function integerArg(arg: Buffer | undefined): number {
  const text = arg?.toString('latin1') ?? '';
  if (!/^-?\d{1,15}$/.test(text)) throw new RespInputError('value is not an integer or out of range');
  return Number(text);
}

function ttlSeconds(amount: number, unit: 's' | 'ms'): number {
  const seconds = unit === 's' ? amount : Math.ceil(amount / 1000);
  if (seconds < 1 || seconds > MAX_TTL_SECONDS) throw new RespInputError(`invalid expire time (1..${MAX_TTL_SECONDS} seconds)`);
  return seconds;
}

export async function get(ctx: DataContext, args: Buffer[]): Promise<RespReply> {
  const found = await ctx.kv.get(ctx.tenant, key(at(args, 0)), ctx.consistency);
  return bulk(found ? fromStoredValue(found.value) : null);
}

/** Redis SET options that need an atomic read-then-write, which a leaderless store cannot offer. */
const UNSUPPORTED_SET_OPTIONS = new Set(['NX', 'XX', 'GET', 'KEEPTTL', 'EXAT', 'PXAT']);

export async function set(ctx: DataContext, args: Buffer[]): Promise<RespReply> {
  const name = key(at(args, 0));
  const value = storedValue(at(args, 1), ctx);
  let ttl: number | undefined;
  for (let i = 2; i < args.length; i++) {
    const option = at(args, i).toString('latin1').toUpperCase();
    if ((option === 'EX' || option === 'PX') && ttl === undefined && i + 1 < args.length) {
      ttl = ttlSeconds(integerArg(args[++i]), option === 'EX' ? 's' : 'ms');
    } else if (UNSUPPORTED_SET_OPTIONS.has(option)) {
      throw new RespInputError(`SET ${option} is not supported: RingKV replicas take writes without a global check-and-set`);
    } else {
      throw new RespInputError('syntax error');
    }
  }
  await ctx.kv.put(ctx.tenant, { key: name, value, ttlSeconds: ttl, consistency: ctx.consistency });
  return ok;
}

export async function del(ctx: DataContext, args: Buffer[]): Promise<RespReply> {
  const keys = args.map(key);
  const removed = await Promise.all(
    keys.map(async (name) => {
      const found = await ctx.kv.get(ctx.tenant, name, ctx.consistency);
      if (!found) return 0;
      // With the read's context, the delete supersedes exactly what was read.
      await ctx.kv.delete(ctx.tenant, name, { consistency: ctx.consistency, context: found.context });
      return 1;
    }),
  );
  return integer(removed.reduce<number>((sum, n) => sum + n, 0));
}

export async function exists(ctx: DataContext, args: Buffer[]): Promise<RespReply> {
  const found = await Promise.all(args.map((arg) => ctx.kv.get(ctx.tenant, key(arg), ctx.consistency)));
  return integer(found.filter((f) => f !== undefined).length);
}

/** EXPIRE / PEXPIRE: rewrites the current value with the new TTL (the read's context supersedes it). */
export async function expire(ctx: DataContext, args: Buffer[], unit: 's' | 'ms'): Promise<RespReply> {
  const name = key(at(args, 0));
  const amount = integerArg(args[1]);
  const found = await ctx.kv.get(ctx.tenant, name, ctx.consistency);
  if (!found) return integer(0);
  if (amount <= 0) {
    await ctx.kv.delete(ctx.tenant, name, { consistency: ctx.consistency, context: found.context });
    return integer(1);
  }
  const ttl = ttlSeconds(amount, unit);
  await ctx.kv.put(ctx.tenant, { key: name, value: found.value, ttlSeconds: ttl, context: found.context, consistency: ctx.consistency });
  return integer(1);
}

export async function ttl(ctx: DataContext, args: Buffer[], unit: 's' | 'ms'): Promise<RespReply> {
  const found = await ctx.kv.get(ctx.tenant, key(at(args, 0)), ctx.consistency);
  if (!found) return integer(-2);
  if (found.expiresAtMs === undefined) return integer(-1);
  const remaining = Math.max(0, found.expiresAtMs - Date.now());
  return integer(unit === 'ms' ? remaining : Math.round(remaining / 1000));
}

export async function mget(ctx: DataContext, args: Buffer[]): Promise<RespReply> {
  const keys = args.map(key);
  const found = await Promise.all(keys.map((name) => ctx.kv.get(ctx.tenant, name, ctx.consistency)));
  return array(found.map((f) => bulk(f ? fromStoredValue(f.value) : null)));
}

export async function mset(ctx: DataContext, args: Buffer[]): Promise<RespReply> {
  if (args.length % 2 !== 0) throw new RespInputError("wrong number of arguments for 'mset' command");
  const pairs: Array<{ name: string; value: Buffer }> = [];
  for (let i = 0; i < args.length; i += 2) pairs.push({ name: key(at(args, i)), value: storedValue(at(args, i + 1), ctx) });
  await Promise.all(pairs.map((p) => ctx.kv.put(ctx.tenant, { key: p.name, value: p.value, consistency: ctx.consistency })));
  return ok;
}
