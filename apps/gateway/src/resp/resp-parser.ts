/**
 * Streaming RESP2 request parser. Bytes are fed as they arrive; every complete command comes
 * out as an array of Buffers, in order, so pipelined commands and commands split across TCP
 * segments both work. Accepts the two request forms Redis accepts: multibulk
 * (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline (`PING\r\n`, for telnet-style clients).
 *
 * Malformed input throws RespProtocolError; the connection then answers once and closes (a
 * byte stream cannot be resynchronised). Limits bound memory per connection.
 */
export class RespProtocolError extends Error {
  /** Complete commands that preceded the malformed bytes in the same feed. */
  parsed: Buffer[][] = [];

  constructor(message: string) {
    super(message);
    this.name = 'RespProtocolError';
  }
}

export interface RespParserLimits {
  /** Largest bulk string argument. */
  maxBulkBytes: number;
  /** Most arguments in one command. */
  maxArguments: number;
  /** Longest inline command or header line. */
  maxInlineBytes: number;
}

export const DEFAULT_RESP_LIMITS: RespParserLimits = {
  maxBulkBytes: 2 * 1024 * 1024,
  maxArguments: 1024 * 1024,
  maxInlineBytes: 64 * 1024,
};

const CR = 0x0d;
const LF = 0x0a;
const NEED_MORE = Symbol('need more');

export class RespParser {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly limits: RespParserLimits = DEFAULT_RESP_LIMITS) {}

  /** Appends bytes and returns every command now complete. */
  feed(chunk: Buffer): Buffer[][] {
    this.buffer = this.offset < this.buffer.length ? Buffer.concat([this.buffer.subarray(this.offset), chunk]) : chunk;
    this.offset = 0;
    const commands: Buffer[][] = [];
    try {
      while (this.offset < this.buffer.length) {
        const start = this.offset;
        const command = this.buffer[start] === 0x2a /* '*' */ ? this.multibulk() : this.inline();
        if (command === NEED_MORE) {
          this.offset = start;
          break;
        }
        if (command.length > 0) commands.push(command);
      }
    } catch (error) {
      if (error instanceof RespProtocolError) error.parsed = commands;
      throw error;
    }
    return commands;
  }

  /** Bytes received but not yet part of a complete command. */
  get pendingBytes(): number {
    return this.buffer.length - this.offset;
  }

  /** A CRLF-terminated line starting at the offset (without the CRLF), or NEED_MORE. */
  private line(): Buffer | typeof NEED_MORE {
    const end = this.buffer.indexOf(LF, this.offset);
    if (end === -1) {
      if (this.buffer.length - this.offset > this.limits.maxInlineBytes) throw new RespProtocolError('too big inline request');
      return NEED_MORE;
    }
    if (end - this.offset > this.limits.maxInlineBytes) throw new RespProtocolError('too big inline request');
    const line = this.buffer.subarray(this.offset, end > this.offset && this.buffer[end - 1] === CR ? end - 1 : end);
    this.offset = end + 1;
    return line;
  }

  private integer(line: Buffer, what: string): number {
    const text = line.toString('latin1');
    if (!/^-?\d{1,18}$/.test(text)) throw new RespProtocolError(`invalid ${what} length`);
    return Number(text);
  }

  private multibulk(): Buffer[] | typeof NEED_MORE {
    this.offset++; // '*'
    const header = this.line();
    if (header === NEED_MORE) return NEED_MORE;
    const count = this.integer(header, 'multibulk');
    if (count > this.limits.maxArguments) throw new RespProtocolError('invalid multibulk length');
    const args: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      if (this.offset >= this.buffer.length) return NEED_MORE;
      if (this.buffer[this.offset] !== 0x24 /* '$' */) {
        throw new RespProtocolError(`expected '$', got '${String.fromCharCode(this.buffer[this.offset] ?? 0)}'`);
      }
      this.offset++;
      const lengthLine = this.line();
      if (lengthLine === NEED_MORE) return NEED_MORE;
      const length = this.integer(lengthLine, 'bulk');
      if (length < 0 || length > this.limits.maxBulkBytes) throw new RespProtocolError('invalid bulk length');
      if (this.buffer.length - this.offset < length + 2) return NEED_MORE;
      if (this.buffer[this.offset + length] !== CR || this.buffer[this.offset + length + 1] !== LF) {
        throw new RespProtocolError('bulk string not terminated by CRLF');
      }
      // Copy: the argument must not pin (or alias) the connection's buffer.
      args.push(Buffer.from(this.buffer.subarray(this.offset, this.offset + length)));
      this.offset += length + 2;
    }
    return args;
  }

  private inline(): Buffer[] | typeof NEED_MORE {
    const line = this.line();
    if (line === NEED_MORE) return NEED_MORE;
    const text = line.toString('utf8');
    if (text.includes('"') || text.includes("'")) return splitQuoted(text);
    return text
      .split(/[ \t]+/)
      .filter((part) => part.length > 0)
      .map((part) => Buffer.from(part, 'utf8'));
  }
}

/** Inline arguments with double or single quotes (as redis-cli and telnet users type them). */
function splitQuoted(text: string): Buffer[] {
  const args: Buffer[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let consumed = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (text.slice(consumed, match.index).trim() !== '') throw new RespProtocolError('unbalanced quotes in request');
    consumed = match.index + match[0].length;
    if (match[1] !== undefined) args.push(Buffer.from(match[1].replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c), 'utf8'));
    else args.push(Buffer.from(match[2] ?? match[3] ?? '', 'utf8'));
  }
  const quotes = (text.match(/(?<!\\)"/g) ?? []).length;
  if (quotes % 2 !== 0) throw new RespProtocolError('unbalanced quotes in request');
  return args;
}
