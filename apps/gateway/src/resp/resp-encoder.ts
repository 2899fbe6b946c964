/** RESP2 reply encoding. Strings in simple replies and errors must not contain CR or LF. */
export type RespReply =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: number }
  | { type: 'bulk'; value: Buffer | string | null }
  | { type: 'array'; value: RespReply[] | null };

export const ok: RespReply = { type: 'simple', value: 'OK' };
export const simple = (value: string): RespReply => ({ type: 'simple', value });
export const error = (value: string): RespReply => ({ type: 'error', value });
export const integer = (value: number): RespReply => ({ type: 'integer', value });
export const bulk = (value: Buffer | string | null): RespReply => ({ type: 'bulk', value });
export const array = (value: RespReply[] | null): RespReply => ({ type: 'array', value });

const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

export function encodeReply(reply: RespReply, out: Buffer[] = []): Buffer[] {
  switch (reply.type) {
    case 'simple':
      out.push(Buffer.from(`+${oneLine(reply.value)}\r\n`));
      break;
    case 'error':
      out.push(Buffer.from(`-${oneLine(reply.value)}\r\n`));
      break;
    case 'integer':
      out.push(Buffer.from(`:${Math.trunc(reply.value)}\r\n`));
      break;
    case 'bulk': {
      if (reply.value === null) {
        out.push(Buffer.from('$-1\r\n'));
        break;
      }
      const data = typeof reply.value === 'string' ? Buffer.from(reply.value, 'utf8') : reply.value;
      out.push(Buffer.from(`$${data.length}\r\n`), data, Buffer.from('\r\n'));
      break;
    }
    case 'array':
      if (reply.value === null) {
        out.push(Buffer.from('*-1\r\n'));
        break;
      }
      out.push(Buffer.from(`*${reply.value.length}\r\n`));
      for (const item of reply.value) encodeReply(item, out);
      break;
  }
  return out;
}

export function encode(reply: RespReply): Buffer {
  return Buffer.concat(encodeReply(reply));
}
