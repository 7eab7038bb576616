/**
 * Absolute paths the features of a benchmark name in their steps ("/etc/passwd", "/etc/cron.d"): they are
 * stat'ed together in one round trip when the session opens, instead of one round trip per step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { featuresDir } from './benchmarks.js';

const cache = new Map<string, string[]>();

export function pathsNamedInFeatures(benchmarkId: string): string[] {
  const hit = cache.get(benchmarkId);
  if (hit) return hit;
  const dir = featuresDir(benchmarkId);
  const found = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.feature'));
  } catch {
    files = [];
  }
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    for (const line of text.split('\n')) {
      // only step lines and example rows: descriptions are prose
      if (!/^\s*(Given|When|Then|And|But|\|)/.test(line)) continue;
      for (const m of line.matchAll(/(?:"|\|\s*)(\/[A-Za-z0-9._+\/-]+)(?="|\s*\|)/g)) found.add(m[1]);
    }
  }
  const paths = [...found].sort();
  cache.set(benchmarkId, paths);
  return paths;
}
