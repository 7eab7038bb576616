/**
 * The benchmark catalogues and the seed exemption table of ../shared/benchmarks, read by the tests on
 * their own (a small CSV reader with quoted fields), independently of the engine's catalogue loader.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedDir } from './fixtures.js';

export function readCsv(name: string): Array<Record<string, string>> {
  const text = readFileSync(path.join(sharedDir, 'benchmarks', name), 'utf8');
  const rows: string[][] = [];
  let field = '', row: string[] = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else if (ch !== '\r') field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.filter((r) => r.length > 1).map((r) => Object.fromEntries(head.map((h, k) => [h, r[k] ?? ''])));
}

export interface Row { id: string; title: string; level: string; scored: string }

/** One benchmark's catalogue: id, title, level, scored flag. */
export function catalogue(benchmark: string): Row[] {
  return readCsv(`${benchmark}.csv`).map((r) => ({ id: r.id, title: r.title, level: r.level, scored: r.scored }));
}

/** The seed table's exemptions of one vendor (origin matching), as item ids. */
export function exemptions(benchmark: string, origin: RegExp): string[] {
  return readCsv('seed-exemptions.csv').filter((r) => r.benchmark === benchmark && origin.test(r.origin)).map((r) => r.id);
}
