import { encode, array, bulk, error, integer, simple } from './resp-encoder';
import { RespParser, RespProtocolError } from './resp-parser';

const text = (commands: Buffer[][]) => commands.map((c) => c.map((a) => a.toString('utf8')));
const multibulk = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

describe('RespParser', () => {
  it('parses a multibulk command', () => {
    expect(text(new RespParser().feed(Buffer.from(multibulk('SET', 'k', 'hello world'))))).toEqual([['SET', 'k', 'hello world']]);
  });

  it('parses pipelined commands from one chunk, in order', () => {
    const input = multibulk('PING') + multibulk('GET', 'a') + 'PING\r\n' + multibulk('ECHO', 'x');
    expect(text(new RespParser().feed(Buffer.from(input)))).toEqual([['PING'], ['GET', 'a'], ['PING'], ['ECHO', 'x']]);
  });

  it('reassembles commands split at every possible byte', () => {
    const input = Buffer.from(multibulk('SET', 'key', 'välue\r\nwith crlf') + multibulk('GET', 'key'));
    for (let cut = 1; cut < input.length; cut++) {
      const parser = new RespParser();
      const first = parser.feed(input.subarray(0, cut));
      const second = parser.feed(input.subarray(cut));
      expect(text([...first, ...second])).toEqual([['SET', 'key', 'välue\r\nwith crlf'], ['GET', 'key']]);
    }
  });

  it('reassembles a command fed one byte at a time', () => {
    const parser = new RespParser();
    const input = Buffer.from(multibulk('MSET', 'a', '1', 'b', '2'));
    const out: Buffer[][] = [];
    for (const byte of input) out.push(...parser.feed(Buffer.from([byte])));
    expect(text(out)).toEqual([['MSET', 'a', '1', 'b', '2']]);
    expect(parser.pendingBytes).toBe(0);
  });

  it('keeps binary bulk strings intact', () => {
    const value = Buffer.from([0, 255, 13, 10, 42]);
    const input = Buffer.concat([Buffer.from('*2\r\n$3\r\nSET\r\n$5\r\n'), value, Buffer.from('\r\n')]);
    expect(new RespParser().feed(input)[0]![1]).toEqual(value);
  });

  it('parses inline commands with quotes and skips empty lines', () => {
    expect(text(new RespParser().feed(Buffer.from('\r\nSET k "a b\\"c"\r\nget  k\n')))).toEqual([
      ['SET', 'k', 'a b"c'],
      ['get', 'k'],
    ]);
  });

  it.each([
    ['a non-numeric multibulk length', '*x\r\n'],
    ['a bulk without $', '*1\r\n+PING\r\n'],
    ['a negative bulk length', '*1\r\n$-5\r\n'],
    ['a bulk not followed by CRLF', '*1\r\n$4\r\nPINGXX'],
    ['unbalanced quotes inline', 'SET k "abc\r\n'],
  ])('rejects %s', (_name, input) => {
    expect(() => new RespParser().feed(Buffer.from(input))).toThrow(RespProtocolError);
  });

  it('reports the commands parsed before a malformed one', () => {
    try {
      new RespParser().feed(Buffer.from(multibulk('PING') + '*1\r\n+bad\r\n'));
      throw new Error('expected a protocol error');
    } catch (failure) {
      expect(failure).toBeInstanceOf(RespProtocolError);
      expect(text((failure as RespProtocolError).parsed)).toEqual([['PING']]);
    }
  });

  it('bounds memory: oversized bulks and endless inline lines are protocol errors', () => {
    const limits = { maxBulkBytes: 10, maxArguments: 4, maxInlineBytes: 16 };
    expect(() => new RespParser(limits).feed(Buffer.from('*1\r\n$11\r\n'))).toThrow('invalid bulk length');
    expect(() => new RespParser(limits).feed(Buffer.from('*5\r\n'))).toThrow('invalid multibulk length');
    expect(() => new RespParser(limits).feed(Buffer.from('x'.repeat(17)))).toThrow('too big inline request');
  });
});

describe('RESP encoder', () => {
  it('encodes every reply type', () => {
    expect(encode(simple('OK')).toString()).toBe('+OK\r\n');
    expect(encode(error('ERR bad\r\nthing')).toString()).toBe('-ERR bad thing\r\n');
    expect(encode(integer(-2)).toString()).toBe(':-2\r\n');
    expect(encode(bulk('héllo')).toString()).toBe('$6\r\nhéllo\r\n');
    expect(encode(bulk(null)).toString()).toBe('$-1\r\n');
    expect(encode(array([bulk('a'), bulk(null), integer(1)])).toString()).toBe('*3\r\n$1\r\na\r\n$-1\r\n:1\r\n');
    expect(encode(array(null)).toString()).toBe('*-1\r\n');
  });
});
