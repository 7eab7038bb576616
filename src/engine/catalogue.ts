/**
 * The benchmark catalogues (each benchmark's catalogue.csv, named by its manifest): every item's id, title,
 * level and scored flag. The catalogue, not the features, says what a benchmark contains; an item without
 * a scenario is reported, never hidden.
 */
import { readFileSync } from 'node:fs';
import { benchmarkManifest } from './benchmarks.js';
import type { CatalogueItem } from '../model/benchmark.js';

export interface Benchmark {
  id: string;
  title: string;
  items: CatalogueItem[];
}

const cache = new Map<string, Benchmark>();

export function loadBenchmark(id: string): Benchmark {
  const hit = cache.get(id);
  if (hit) return hit;
  const manifest = benchmarkManifest(id);
  const rows = parseCsv(readFileSync(manifest.catalogue, 'utf8'));
  const [header, ...body] = rows;
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`catalogue ${id} has no column ${name}`);
    return i;
  };
  const [ci, ct, cl, cs, cse] = ['id', 'title', 'level', 'scored', 'section'].map(col);
  const items = body.filter((r) => r.length > 1).map((r) => ({
    id: r[ci],
    title: r[ct],
    level: Number(r[cl]) as 1 | 2,
    scored: r[cs] === 'scored',
    section: r[cse],
  }));
  const benchmark = { id, title: manifest.title, items };
  cache.set(id, benchmark);
  return benchmark;
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** Compare two dotted ids numerically (1.1.10 after 1.1.9). */
export function compareIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}
