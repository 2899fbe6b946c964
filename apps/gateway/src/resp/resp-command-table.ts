/**
 * What `COMMAND`, `COMMAND COUNT`, `COMMAND INFO` and `COMMAND DOCS` report: the commands this
 * port serves, in Redis's format (name, arity, flags, first key, last key, key step), enough for
 * clients that probe the server at connect time (redis-cli's hints, cluster-aware libraries).
 */
import { array, bulk, integer, RespReply, simple } from './resp-encoder';

interface CommandSpec {
  arity: number;
  flags: string[];
  firstKey: number;
  lastKey: number;
  step: number;
}

const spec = (arity: number, flags: string[], firstKey = 0, lastKey = 0, step = 0): CommandSpec => ({
  arity,
  flags,
  firstKey,
  lastKey,
  step,
});

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  ping: spec(-1, ['fast', 'stale']),
  echo: spec(2, ['fast']),
  quit: spec(-1, ['fast', 'noauth']),
  hello: spec(-1, ['fast', 'noauth']),
  auth: spec(-2, ['fast', 'noauth']),
  get: spec(2, ['readonly', 'fast'], 1, 1, 1),
  set: spec(-3, ['write', 'denyoom'], 1, 1, 1),
  del: spec(-2, ['write'], 1, -1, 1),
  exists: spec(-2, ['readonly', 'fast'], 1, -1, 1),
  expire: spec(3, ['write', 'fast'], 1, 1, 1),
  pexpire: spec(3, ['write', 'fast'], 1, 1, 1),
  ttl: spec(2, ['readonly', 'fast'], 1, 1, 1),
  pttl: spec(2, ['readonly', 'fast'], 1, 1, 1),
  mget: spec(-2, ['readonly', 'fast'], 1, -1, 1),
  mset: spec(-3, ['write', 'denyoom'], 1, -1, 2),
  info: spec(-1, ['stale']),
  command: spec(-1, ['stale']),
  client: spec(-2, ['stale']),
  select: spec(2, ['fast']),
  consistency: spec(-1, ['fast']),
};

function info(name: string): RespReply {
  const command = COMMANDS[name];
  if (!command) return bulk(null);
  return array([
    bulk(name),
    integer(command.arity),
    array(command.flags.map(simple)),
    integer(command.firstKey),
    integer(command.lastKey),
    integer(command.step),
  ]);
}

export function commandReply(args: string[]): RespReply {
  const sub = args[0]?.toLowerCase();
  if (sub === undefined) return array(Object.keys(COMMANDS).map(info));
  if (sub === 'count') return integer(Object.keys(COMMANDS).length);
  if (sub === 'info') return array(args.slice(1).map((name) => info(name.toLowerCase())));
  // Documentation is optional for clients; an empty map says "none" without failing them.
  if (sub === 'docs') return array([]);
  if (sub === 'list') return array(Object.keys(COMMANDS).map((name) => bulk(name)));
  return { type: 'error', value: `ERR unknown subcommand '${sub.slice(0, 64)}'. Try COMMAND HELP.` };
}

/** Arity check in Redis's convention: n exact, -n at least n (both counting the name). */
export function arityOk(name: string, argc: number): boolean {
  const command = COMMANDS[name];
  if (!command) return true;
  return command.arity >= 0 ? argc === command.arity : argc >= -command.arity;
}
