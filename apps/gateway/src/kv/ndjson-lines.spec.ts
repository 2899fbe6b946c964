import { ndjsonLines, NdjsonLine } from './ndjson-lines';

async function collect(chunks: string[], max = 100): Promise<Array<[number, string]>> {
  async function* source() {
    for (const chunk of chunks) yield Buffer.from(chunk);
  }
  const out: Array<[number, string]> = [];
  for await (const line of ndjsonLines(source(), max)) out.push([line.line, 'tooLong' in line ? 'TOO LONG' : (line as Extract<NdjsonLine, { bytes: Buffer }>).bytes.toString()]);
  return out;
}

describe('NDJSON lines', () => {
  it('splits lines across chunk boundaries, with CRLF, blank lines and no final newline', async () => {
    expect(await collect(['{"a":', '1}\r\n\n  \n{"b"', ':2}\n{"c":3}'])).toEqual([
      [1, '{"a":1}'],
      [4, '{"b":2}'],
      [5, '{"c":3}'],
    ]);
  });

  it('reports an over-long line once and carries on after it', async () => {
    expect(await collect(['short\n', 'x'.repeat(60), 'y'.repeat(60), '\nafter\n'], 100)).toEqual([
      [1, 'short'],
      [2, 'TOO LONG'],
      [3, 'after'],
    ]);
  });
});
