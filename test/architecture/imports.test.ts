/**
 * The house's import rules, checked over the real import graph of src/ and steps/ (TypeScript's own
 * pre-processor lists each file's imports):
 * - src/model imports nothing of the project; everything may import it;
 * - facts do not import the engine, the reports, remediation or steps;
 * - targets import only targets and the model;
 * - reports do not import targets, facts or remediation;
 * - no step definition file is imported by another file (shared step code lives in steps/support/);
 * - reports do not decide waivers: the engine decides each item's waiver once, with its verdict.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../support/fixtures.js';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(repoRoot, dir))) {
    const rel = path.join(dir, e);
    if (statSync(path.join(repoRoot, rel)).isDirectory()) out.push(...files(rel));
    else if (e.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** file → the project files it imports (relative specifiers, .js mapped back to .ts) */
const graph = new Map<string, string[]>();
for (const f of [...files('src'), ...files('steps')]) {
  const info = ts.preProcessFile(readFileSync(path.join(repoRoot, f), 'utf8'), true, true);
  graph.set(f, info.importedFiles.map((i) => i.fileName).filter((s) => s.startsWith('.'))
    .map((s) => path.normalize(path.join(path.dirname(f), s)).replace(/\.js$/, '.ts')));
}

const under = (f: string, dir: string) => f.startsWith(`${dir}/`);
function violations(from: (f: string) => boolean, forbidden: (to: string) => boolean): string[] {
  const out: string[] = [];
  for (const [f, deps] of graph) if (from(f)) for (const d of deps) if (forbidden(d)) out.push(`${f} imports ${d}`);
  return out;
}

describe('import rules', () => {
  it('the graph is real: it has the files and their imports', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('src/api.ts')!.length).toBeGreaterThan(5);
  });

  it('src/model imports nothing of the project outside itself', () => {
    expect([...graph.keys()].some((f) => under(f, 'src/model'))).toBe(true);
    expect(violations((f) => under(f, 'src/model'), (d) => !under(d, 'src/model'))).toEqual([]);
  });

  it('facts do not import the engine, reports, remediation or steps', () => {
    expect(violations((f) => under(f, 'src/facts'), (d) => ['src/engine', 'src/report', 'src/remediation', 'steps'].some((x) => under(d, x)))).toEqual([]);
  });

  it('targets import only targets and the model', () => {
    expect(violations((f) => under(f, 'src/targets'), (d) => !under(d, 'src/targets') && !under(d, 'src/model'))).toEqual([]);
  });

  it('reports do not import targets, facts or remediation', () => {
    expect(violations((f) => under(f, 'src/report'), (d) => ['src/targets', 'src/facts', 'src/remediation'].some((x) => under(d, x)))).toEqual([]);
  });

  it('reports do not decide waivers (the engine does, once per item)', () => {
    const deciding = ['src/policy/apply.ts', 'src/engine/waivers.ts'];
    expect(violations((f) => under(f, 'src/report'), (d) => deciding.includes(d))).toEqual([]);
    // the engine's verdict module is what the hooks call: the decision is made in one place
    expect(graph.get('steps/support/hooks.ts')).toContain('src/engine/verdict.ts');
  });

  it('a fact module exports only what it defines: no re-exports of other modules (import from where a thing lives)', () => {
    const reexports = [...graph.keys()].filter((f) => under(f, 'src/facts'))
      .flatMap((f) => readFileSync(path.join(repoRoot, f), 'utf8').split('\n').map((l, i) => [f, i + 1, l] as const))
      .filter(([, , l]) => /^export\s+(type\s+)?(\*|\{[^}]*\})\s+from\s/.test(l)).map(([f, n, l]) => `${f}:${n}: ${l}`);
    expect(reexports).toEqual([]);
  });

  it('no step definition file is imported by another file', () => {
    const stepFiles = (f: string) => under(f, 'steps') && !under(f, 'steps/support');
    expect(violations(() => true, stepFiles)).toEqual([]);
  });
});
