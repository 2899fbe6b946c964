/**
 * Writes one section of docs/benchmarks.md, between `<!-- <name>:begin -->` and
 * `<!-- <name>:end -->` markers, leaving every other section as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function replaceSection(file: string, name: string, body: string): void {
  const start = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
