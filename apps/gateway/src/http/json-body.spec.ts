import { GatewayError } from '../errors/gateway-error';
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body';
import { JsonText, RawJson, writeJson } from './json-text';

const code = (input: Buffer) => {
  try {
    parseJsonBody(input);
    return 'ok';
  } catch (error) {
    return (error as GatewayError).code;
  }
};

describe('JSON bodies', () => {
  it('keeps the raw bytes beside the parsed value', () => {
    const raw = Buffer.from('{"a": [1, 2]}');
    expect(parseJsonBody(raw)).toEqual({ raw, value: { a: [1, 2] } });
    expect(parseJsonBody(Buffer.alloc(0)).value).toBeUndefined();
  });

  it('rejects invalid UTF-8, malformed JSON and excessive nesting as INVALID_REQUEST', () => {
    expect(code(Buffer.from([0x22, 0xc3, 0x28, 0x22]))).toBe('INVALID_REQUEST');
    expect(code(Buffer.from('{"a":'))).toBe('INVALID_REQUEST');
    expect(code(Buffer.from('{"a": 1,}'))).toBe('INVALID_REQUEST');
    expect(code(Buffer.from('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)))).toBe('INVALID_REQUEST');
    expect(code(Buffer.from('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)))).toBe('ok');
  });

  it('writes responses with stored values spliced in verbatim', () => {
    const stored = RawJson.fromBytes(Buffer.from('{"b": 1.50, "c": "é"}'));
    expect(writeJson({ status: 'success', value: stored, clock: { n1: 3n }, skip: undefined, list: [stored] })).toBe(
      '{"status":"success","value":{"b": 1.50, "c": "é"},"clock":{"n1":3},"list":[{"b": 1.50, "c": "é"}]}',
    );
    expect(new JsonText({ a: null }).text).toBe('{"a":null}');
  });
});
