/**
 * Response bodies that embed stored values verbatim. A stored value is the JSON text a client
 * sent; reads splice it into the response (RawJson) instead of parsing and re-encoding it.
 * `JsonText` is what a controller returns; the reply serializer (installJsonTextSerializer) sends
 * its text as is, and Fastify labels it application/json like any object reply.
 */
export class RawJson {
  constructor(readonly text: string) {}

  static fromBytes(bytes: Uint8Array): RawJson {
    return new RawJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }
}

/** JSON text of `value`: RawJson is inserted as is, bigint as an integer, undefined members dropped. */
export function writeJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : writeJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const members: string[] = [];
    for (const [name, member] of Object.entries(value)) {
      if (member !== undefined) members.push(`${JSON.stringify(name)}:${writeJson(member)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export class JsonText {
  readonly text: string;
  constructor(body: object) {
    this.text = writeJson(body);
  }
}

/**
 * Fastify's reply serializer for the whole app: JsonText goes out as its text, anything else as
 * JSON.stringify would write it (Fastify's own default without a response schema). Done here
 * rather than in a Nest interceptor, which would cost an rxjs pipeline on every request.
 */
export function installJsonTextSerializer(fastify: { setReplySerializer(fn: (payload: unknown) => string): unknown }): void {
  fastify.setReplySerializer((payload) => (payload instanceof JsonText ? payload.text : JSON.stringify(payload)));
}
