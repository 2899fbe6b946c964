/**
 * Response bodies that embed stored values verbatim. A stored value is the JSON text a client
 * sent; reads splice it into the response (RawJson) instead of parsing and re-encoding it.
 * `JsonText` is what a controller returns; JsonTextInterceptor sends it as application/json.
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
