/**
 * One RESP client connection: parses pipelined commands, runs them, and writes replies in
 * request order.
 *
 * Ordering: consecutive read-only commands run concurrently (a pipelined MGET-style burst is
 * not serialised behind network round trips); any other command waits for everything before
 * it and holds back everything after it, so a pipelined `SET k v; GET k` reads its own write.
 *
 * Auth: before AUTH only PING, HELLO, AUTH and QUIT are served (-NOAUTH otherwise). The key is
 * re-checked on every data command through ApiKeyResolver's cache, so a revoked key stops
 * working on open connections as quickly as over REST. A malformed frame gets one error reply
 * and closes this connection only.
 */
import type { Socket } from 'node:net';
import type { Tenant } from '@ringkv/db';
import type { Logger } from '@ringkv/telemetry';
import type { ApiKeyResolver } from '../auth/api-key-resolver.service';
import type { TenantDirectory } from '../auth/tenant-directory.service';
import { GatewayError } from '../errors/gateway-error';
import { gatewayMetrics } from '../gateway.metrics';
import { ConsistencyName } from '../kv/kv.schemas';
import type { KvService } from '../kv/kv.service';
import type { RateKind, RateLimitService } from '../rate-limit/rate-limit.service';
import { arityOk, commandReply, COMMANDS } from './resp-command-table';
import * as data from './resp-commands';
import { array, bulk, encode, error, integer, ok, RespReply, simple } from './resp-encoder';
import { RespParser, RespParserLimits, RespProtocolError } from './resp-parser';
import { at } from './resp-values';

export interface RespDeps {
  kv: KvService;
  keys: ApiKeyResolver;
  tenants: TenantDirectory;
  rateLimits: RateLimitService;
  logger: Logger;
  maxValueBytes: number;
  limits: RespParserLimits;
  /** Live connection count, for INFO. */
  connections: () => number;
}

const READ_ONLY = new Set(['get', 'mget', 'exists', 'ttl', 'pttl', 'ping', 'echo']);
const NO_AUTH_NEEDED = new Set(['ping', 'hello', 'auth', 'quit']);
const KNOWN_COMMANDS = new Set(Object.keys(COMMANDS));
/** Stop reading from a client that pipelines faster than we answer. */
const MAX_IN_FLIGHT = 1024;

type DataCommand = (ctx: data.DataContext, args: Buffer[]) => Promise<RespReply>;
const DATA_COMMANDS: Record<string, { kind: RateKind; cost: (args: Buffer[]) => number; run: DataCommand }> = {
  get: { kind: 'read', cost: () => 1, run: data.get },
  mget: { kind: 'read', cost: (a) => a.length, run: data.mget },
  exists: { kind: 'read', cost: (a) => a.length, run: data.exists },
  ttl: { kind: 'read', cost: () => 1, run: (c, a) => data.ttl(c, a, 's') },
  pttl: { kind: 'read', cost: () => 1, run: (c, a) => data.ttl(c, a, 'ms') },
  set: { kind: 'write', cost: () => 1, run: data.set },
  mset: { kind: 'write', cost: (a) => Math.max(1, a.length / 2), run: data.mset },
  del: { kind: 'write', cost: (a) => a.length, run: data.del },
  expire: { kind: 'write', cost: () => 1, run: (c, a) => data.expire(c, a, 's') },
  pexpire: { kind: 'write', cost: () => 1, run: (c, a) => data.expire(c, a, 'ms') },
};

let nextClientId = 1;

export class RespConnection {
  private readonly parser: RespParser;
  private readonly id = nextClientId++;
  private secret: string | undefined;
  private tenant: Tenant | undefined;
  private consistency: ConsistencyName | undefined;
  private name = '';
  /** Settles when every command before the last barrier has been answered. */
  private barrier: Promise<unknown> = Promise.resolve();
  /** Reads started since the last barrier. */
  private reads: Promise<unknown>[] = [];
  /** Replies in request order; each settles when its command finishes. */
  private replyChain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private closing = false;

  constructor(
    private readonly socket: Socket,
    private readonly deps: RespDeps,
  ) {
    this.parser = new RespParser(deps.limits);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    let commands: Buffer[][];
    try {
      commands = this.parser.feed(chunk);
    } catch (failure) {
      if (!(failure instanceof RespProtocolError)) throw failure;
      for (const command of failure.parsed) this.schedule(command);
      this.closing = true;
      // Answer what was parsed before, then the protocol error, then close.
      this.replyChain = this.replyChain.then(() => {
        this.socket.end(encode(error(`ERR Protocol error: ${failure.message}`)));
      });
      return;
    }
    for (const command of commands) {
      if (this.closing) break;
      this.schedule(command);
    }
  }

  private schedule(args: Buffer[]): void {
    const name = at(args, 0).toString('latin1').toLowerCase();
    let run: Promise<RespReply>;
    if (READ_ONLY.has(name)) {
      run = this.barrier.then(() => this.execute(name, args));
      this.reads.push(run);
    } else {
      const before = Promise.all([this.barrier, ...this.reads]);
      run = before.then(() => this.execute(name, args));
      this.barrier = run.catch(() => undefined);
      this.reads = [];
    }
    this.inFlight++;
    if (this.inFlight >= MAX_IN_FLIGHT) this.socket.pause();
    this.replyChain = this.replyChain.then(async () => {
      const reply = await run.catch((failure: unknown) => data.toErrorReply(failure));
      this.inFlight--;
      if (this.inFlight < MAX_IN_FLIGHT / 2) this.socket.resume();
      if (!this.socket.destroyed) this.socket.write(encode(reply));
      if (name === 'quit') {
        this.closing = true;
        this.socket.end();
      }
    });
  }

  private async execute(name: string, args: Buffer[]): Promise<RespReply> {
    if (!arityOk(name, args.length)) return error(`ERR wrong number of arguments for '${name}' command`);
    const rest = args.slice(1);
    // Unknown names are counted together: clients must not create unbounded label values.
    gatewayMetrics.respCommand(KNOWN_COMMANDS.has(name) ? name : 'unknown');
    if (!NO_AUTH_NEEDED.has(name) && !this.tenant) return error('NOAUTH Authentication required.');
    switch (name) {
      case 'ping':
        return rest.length === 0 ? simple('PONG') : bulk(at(rest, 0));
      case 'echo':
        return bulk(at(rest, 0));
      case 'quit':
        return ok;
      case 'auth':
        return this.auth(rest);
      case 'hello':
        return this.hello(rest);
      case 'select':
        return at(rest, 0).toString('latin1') === '0' ? ok : error('ERR DB index is out of range');
      case 'consistency':
        return this.setConsistency(rest);
      case 'client':
        return this.client(rest);
      case 'command':
        return commandReply(rest.map((a) => a.toString('utf8')));
      case 'info':
        return bulk(this.info());
    }
    const command = DATA_COMMANDS[name];
    if (!command) {
      const shown = at(args, 0).toString('utf8').slice(0, 128);
      const preview = rest.slice(0, 3).map((a) => `'${a.toString('utf8').slice(0, 64)}'`).join(' ');
      return error(`ERR unknown command '${shown}', with args beginning with: ${preview}`);
    }
    const tenant = await this.currentTenant();
    if (!tenant) return error('NOAUTH Authentication required.');
    const limit = command.kind === 'write' ? tenant.writeRateLimit : tenant.readRateLimit;
    const decision = await this.deps.rateLimits.consume(tenant.id, command.kind, limit, command.cost(rest));
    if (!decision.allowed) return error(`RATE_LIMIT_EXCEEDED tenant ${tenant.id} exceeds ${limit} ${command.kind}s per second`);
    return command.run({ kv: this.deps.kv, tenant, consistency: this.consistency, maxValueBytes: this.deps.maxValueBytes }, rest);
  }

  /** The tenant, re-checking the key (cached) so a revocation applies to open connections. */
  private async currentTenant(): Promise<Tenant | undefined> {
    const tenantId = this.tenant?.id;
    if (tenantId === undefined) return undefined;
    try {
      const principal = await this.deps.keys.authenticate(this.secret);
      if (principal.kind === 'tenant' && principal.tenantId !== tenantId) return this.logout();
      return (await this.deps.tenants.find(tenantId)) ?? this.logout();
    } catch (failure) {
      if (failure instanceof GatewayError && failure.code === 'UNAUTHORIZED') return this.logout();
      throw failure;
    }
  }

  private logout(): undefined {
    this.secret = undefined;
    this.tenant = undefined;
    return undefined;
  }

  /** `AUTH <api_key>` or `AUTH <user> <api_key>`; with an admin key, <user> names the tenant. */
  private async auth(args: Buffer[]): Promise<RespReply> {
    if (args.length > 2) return error('ERR syntax error');
    const secret = at(args, args.length - 1).toString('utf8');
    const user = args.length === 2 ? at(args, 0).toString('utf8') : undefined;
    const wrong = error('WRONGPASS invalid username-password pair or user is disabled.');
    let principal;
    try {
      principal = await this.deps.keys.authenticate(secret);
    } catch (failure) {
      if (failure instanceof GatewayError && failure.code === 'UNAUTHORIZED') return wrong;
      throw failure;
    }
    const tenantId = principal.kind === 'tenant' ? principal.tenantId : user;
    if (tenantId === undefined) return error('ERR an admin key must name the tenant: AUTH <tenant_id> <admin_key>');
    const tenant = await this.deps.tenants.find(tenantId);
    if (!tenant) return wrong;
    this.secret = secret;
    this.tenant = tenant;
    return ok;
  }

  private async hello(args: Buffer[]): Promise<RespReply> {
    let i = 0;
    if (args.length > 0) {
      const version = at(args, i++).toString('latin1');
      if (version !== '2') return error('NOPROTO unsupported protocol version');
    }
    while (i < args.length) {
      const option = at(args, i).toString('latin1').toUpperCase();
      if (option === 'AUTH' && args[i + 2] !== undefined) {
        const reply = await this.auth([at(args, i + 1), at(args, i + 2)]);
        if (reply.type === 'error') return reply;
        i += 3;
      } else if (option === 'SETNAME' && args[i + 1] !== undefined) {
        this.name = at(args, i + 1).toString('utf8');
        i += 2;
      } else {
        return error(`ERR Syntax error in HELLO option '${option.slice(0, 32)}'`);
      }
    }
    return array([
      bulk('server'), bulk('redis'),
      bulk('version'), bulk('7.0.0'),
      bulk('proto'), integer(2),
      bulk('id'), integer(this.id),
      bulk('mode'), bulk('standalone'),
      bulk('role'), bulk('master'),
      bulk('modules'), array([]),
    ]);
  }

  private setConsistency(args: Buffer[]): RespReply {
    if (args.length === 0) return bulk((this.consistency ?? 'default').toUpperCase());
    const level = at(args, 0).toString('latin1').toLowerCase();
    if (args.length > 1 || (level !== 'one' && level !== 'quorum' && level !== 'all')) {
      return error('ERR CONSISTENCY takes ONE, QUORUM or ALL');
    }
    this.consistency = level;
    return ok;
  }

  private client(args: Buffer[]): RespReply {
    const sub = at(args, 0).toString('latin1').toLowerCase();
    if (sub === 'setname' && args.length === 2) {
      const name = at(args, 1).toString('utf8');
      if (/\s/.test(name)) return error('ERR Client names cannot contain spaces, newlines or special characters.');
      this.name = name;
      return ok;
    }
    if (sub === 'getname') return bulk(this.name === '' ? null : this.name);
    if (sub === 'id') return integer(this.id);
    if (sub === 'setinfo') return ok;
    return error(`ERR unknown subcommand '${sub.slice(0, 64)}'. Try CLIENT HELP.`);
  }

  private info(): string {
    return [
      '# Server',
      'redis_version:7.0.0',
      'redis_mode:standalone',
      'ringkv_resp:1',
      `process_id:${process.pid}`,
      `uptime_in_seconds:${Math.floor(process.uptime())}`,
      '',
      '# Clients',
      `connected_clients:${this.deps.connections()}`,
      '',
      '# Replication',
      'role:master',
      '',
      '# Keyspace',
      '',
    ].join('\r\n');
  }
}
