import { GatewayError } from '../errors/gateway-error';
import { parseJsonBody } from '../http/json-body';
import { parseBatch, parseKeyQuery, parsePut } from './kv-request';

const body = (text: string) => parseJsonBody(Buffer.from(text));
const failure = (run: () => unknown) => {
  try {
    run();
    return undefined;
  } catch (error) {
    return { code: (error as GatewayError).code, message: (error as GatewayError).message };
  }
};

describe('key-value request validation', () => {
  it('takes the value as the exact bytes the client sent', () => {
    const put = parsePut(body('{"key":"k","value": {"b" : 1.0, "a":[ ]} ,"ttl_seconds":60}'), 1024);
    expect(put).toEqual({ key: 'k', value: Buffer.from('{"b" : 1.0, "a":[ ]}'), ttlSeconds: 60, consistency: undefined, context: undefined });
    expect(parsePut(body('{"key":"k","value":null}'), 1024).value.toString()).toBe('null');
  });

  it('names what is wrong', () => {
    expect(failure(() => parsePut(body('{"key":1,"value":1}'), 1024))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('key') });
    expect(failure(() => parsePut(body('{"key":"k","value":1,"ttl_seconds":315360001}'), 1024))).toMatchObject({
      message: expect.stringContaining('ttl_seconds'),
    });
    expect(failure(() => parseKeyQuery({ key: ['a', 'b'] }))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(failure(() => parseKeyQuery({}))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('key') });
  });

  it('limits the encoded value size', () => {
    expect(parsePut(body('{"key":"k","value":"12345678"}'), 10).value.length).toBe(10);
    expect(failure(() => parsePut(body('{"key":"k","value":"123456789"}'), 10))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('parses batches item by item, rejecting the whole batch on one bad item', () => {
    const parsed = parseBatch(body('{"items":[{"key":"a","value":[1]},{"key":"b","value":"x","ttl_seconds":5}],"consistency":"all"}'), 100);
    expect(parsed.consistency).toBe('all');
    expect(parsed.items.map((i) => [i.key, i.value.toString(), i.ttlSeconds])).toEqual([
      ['a', '[1]', undefined],
      ['b', '"x"', 5],
    ]);
    expect(failure(() => parseBatch(body('{"items":[{"key":"a","value":1},{"key":"","value":2}]}'), 100))).toMatchObject({
      message: expect.stringContaining('items.1.key'),
    });
    expect(failure(() => parseBatch(body('{"items":[]}'), 100))).toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
