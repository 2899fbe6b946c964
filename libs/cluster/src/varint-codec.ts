/**
 * Byte writer and reader for the object format: unsigned LEB128 varints (minimal, <= 2^53-1),
 * length-prefixed UTF-8 strings and byte strings. The reader never reads past its input and
 * reports every problem as a MalformedBytesError with the offending offset, so decoders built on
 * it cannot crash or return garbage on hostile bytes.
 */
import { Buffer } from 'node:buffer';
import { ClusterError, MalformedBytesError } from './errors';
import { MAX_VARINT, MAX_VARINT_BYTES } from './object-format';

type MalformedCode = 'MALFORMED_OBJECT' | 'INVALID_CONTEXT' | 'MALFORMED_STORAGE_KEY';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class ByteWriter {
  private chunks: Uint8Array[] = [];
  private scratch = Buffer.allocUnsafe(MAX_VARINT_BYTES);
  private length = 0;

  u8(value: number): this {
    return this.push(Uint8Array.of(value & 0xff));
  }

  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ClusterError('INVALID_ARGUMENT', `varint out of range: ${value}`);
    }
    let n = 0;
    let v = value;
    // Division, not bit shifts: shifts truncate to 32 bits.
    while (v >= 0x80) {
      this.scratch[n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.scratch[n++] = v;
    return this.push(Uint8Array.prototype.slice.call(this.scratch, 0, n));
  }

  bytes(value: Uint8Array): this {
    this.varint(value.length);
    return this.push(value);
  }

  string(value: string): this {
    return this.bytes(Buffer.from(value, 'utf8'));
  }

  raw(value: Uint8Array): this {
    return this.push(value);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }

  private push(chunk: Uint8Array): this {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return this;
  }
}

export class ByteReader {
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly code: MalformedCode,
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  fail(detail: string, offset = this.pos): never {
    throw new MalformedBytesError(this.code, offset, detail);
  }

  u8(what: string): number {
    if (this.pos >= this.buf.length) this.fail(`unexpected end of input reading ${what}`);
    return this.buf[this.pos++];
  }

  varint(what: string): number {
    const start = this.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const byte = this.u8(what);
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        // A trailing zero byte means a longer-than-needed encoding: two byte strings for one
        // value would break "equal objects encode to equal bytes".
        if (byte === 0 && i > 0) this.fail(`non-minimal varint for ${what}`, start);
        if (value > MAX_VARINT) this.fail(`${what} exceeds 2^53-1`, start);
        return value;
      }
      scale *= 0x80;
    }
    return this.fail(`varint for ${what} longer than ${MAX_VARINT_BYTES} bytes`, start);
  }

  /** A length-prefixed byte string, copied (the caller's buffer may be reused). */
  bytes(what: string, maxLength = Infinity): Buffer {
    const start = this.pos;
    const length = this.varint(`${what} length`);
    if (length > maxLength) this.fail(`${what} length ${length} exceeds ${maxLength}`, start);
    if (length > this.remaining) this.fail(`${what} length ${length} runs past the end`, start);
    // Buffer.from copies; Buffer#slice would not (and the caller may reuse its buffer).
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return out;
  }

  /** A length-prefixed, valid UTF-8 string of 1..maxLength bytes. */
  string(what: string, maxLength: number): string {
    const start = this.pos;
    const raw = this.bytes(what, maxLength);
    if (raw.length === 0) this.fail(`empty ${what}`, start);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail(`${what} is not valid UTF-8`, start);
    }
  }

  rest(): Buffer {
    const out = Buffer.from(this.buf.subarray(this.pos));
    this.pos = this.buf.length;
    return out;
  }

  end(): void {
    if (this.pos !== this.buf.length) this.fail(`${this.remaining} trailing bytes`);
  }
}
