/**
 * The benchmark catalogues in benchmarks/: every item's id, title, level and scored flag. The catalogue,
 * not the features, says what a benchmark contains; an item without a scenario is reported, never hidden.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';

export interface CatalogueItem {
  id: string;
  title: string;
  level: 1 | 2;
  scored: boolean;
  section: string;
}

export interface Benchmark {
  id: string;
  title: string;
  items: CatalogueItem[];
}

export const BENCHMARK_TITLES: Record<string, string> = {
  'cis-ubuntu-18.04-v2.1.0': 'CIS Ubuntu Linux 18.04 LTS Benchmark v2.1.0',
  'cis-aliyun-linux-2-v1.0.0': 'CIS Aliyun Linux 2 Benchmark v1.0.0',
};

export function benchmarkIds(): string[] {
  return readdirSync(path.join(packageRoot(), 'benchmarks'))
    .filter((f) => f.endsWith('.csv'))
    .map((f) => f.replace(/\.csv$/, ''))
    .sort();
}

const cache = new Map<string, Benchmark>();

export function loadBenchmark(id: string): Benchmark {
  const hit = cache.get(id);
  if (hit) return hit;
  if (!benchmarkIds().includes(id)) {
    throw new Error(`unknown benchmark "${id}"; known: ${benchmarkIds().join(', ')}`);
  }
  const rows = parseCsv(readFileSync(path.join(packageRoot(), 'benchmarks', `${id}.csv`), 'utf8'));
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
  const benchmark = { id, title: BENCHMARK_TITLES[id] ?? id, items };
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
