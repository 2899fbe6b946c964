import { arrayElements, nestingDepthExceeds, objectMembers } from './json-spans';

const slice = (bytes: Buffer, span: { start: number; end: number } | undefined) => (span ? bytes.subarray(span.start, span.end).toString() : undefined);

describe('JSON spans', () => {
  it('finds the exact bytes of each member value, whatever its type and spacing', () => {
    const body = Buffer.from('{ "key" : "a\\"}", "value":\n {"x": [1, "]}", {"y": null}]} , "n": -1.5e3, "t": true }');
    const members = objectMembers(body, 0);
    expect(slice(body, members.get('key'))).toBe('"a\\"}"');
    expect(slice(body, members.get('value'))).toBe('{"x": [1, "]}", {"y": null}]}');
    expect(slice(body, members.get('n'))).toBe('-1.5e3');
    expect(slice(body, members.get('t'))).toBe('true');
  });

  it('takes the last of duplicated members, as JSON.parse does', () => {
    const body = Buffer.from('{"value": 1, "value": [2]}');
    expect(slice(body, objectMembers(body, 0).get('value'))).toBe('[2]');
    expect(JSON.parse(body.toString())).toEqual({ value: [2] });
  });

  it('handles multi-byte UTF-8 and escaped member names', () => {
    const body = Buffer.from('{"k\\u00e9y": "日本", "value": "é"}');
    const members = objectMembers(body, 0);
    expect(slice(body, members.get('kéy'))).toBe('"日本"');
    expect(slice(body, members.get('value'))).toBe('"é"');
  });

  it('lists array elements', () => {
    const body = Buffer.from('{"items": [ {"value": 1}, {"value": "x,y"} ,[] ]}');
    const items = objectMembers(body, 0).get('items')!;
    const elements = arrayElements(body, items.start);
    expect(elements.map((e) => slice(body, e))).toEqual(['{"value": 1}', '{"value": "x,y"}', '[]']);
    expect(arrayElements(Buffer.from('[]'), 0)).toEqual([]);
  });

  it('measures nesting outside strings and stops on unterminated input', () => {
    expect(nestingDepthExceeds(Buffer.from('[[["[[[[[["]]]'), 3)).toBe(false);
    expect(nestingDepthExceeds(Buffer.from('[[[[]]]]'), 3)).toBe(true);
    expect(nestingDepthExceeds(Buffer.from('"unterminated [[[['), 1)).toBe(false);
  });
});
