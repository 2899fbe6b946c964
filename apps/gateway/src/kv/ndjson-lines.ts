/**
 * Splits a byte stream into NDJSON lines as they arrive, without buffering the whole body. A
 * line longer than `maxLineBytes` is reported (and its bytes skipped until the next newline)
 * instead of growing memory without bound. Line numbers start at 1; blank lines are skipped
 * but counted.
 */
export type NdjsonLine = { line: number; bytes: Buffer } | { line: number; tooLong: true };

export async function* ndjsonLines(source: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<NdjsonLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let line = 0;
  const finish = function* (): Generator<NdjsonLine> {
    line++;
    if (skipping) yield { line, tooLong: true };
    else {
      let bytes = Buffer.concat(pending);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
      if (bytes.some((b) => b !== 0x20 && b !== 0x09)) yield { line, bytes };
    }
    pending = [];
    pendingBytes = 0;
    skipping = false;
  };
  for await (const chunk of source) {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a)) {
      if (!skipping) pending.push(data.subarray(0, newline));
      yield* finish();
      data = data.subarray(newline + 1);
    }
    if (data.length > 0 && !skipping) {
      pendingBytes += data.length;
      if (pendingBytes > maxLineBytes) {
        skipping = true;
        pending = [];
      } else pending.push(data);
    }
  }
  if (pending.length > 0 || skipping) yield* finish();
}
