/**
 * The features are the checklist: for each benchmark, exactly one scenario per catalogue item, named
 * "<id> <title>" as in the catalogue and tagged with the catalogue's id, level and scored flag; and
 * cucumber finds a step definition for every step (a dry run with no undefined or ambiguous step).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { repoRoot } from '../support/fixtures.js';
import { catalogue } from '../support/catalogue.js';

interface Pickled { id: string | undefined; name: string; tags: string[]; file: string }

function scenarios(benchmark: string): Pickled[] {
  const dir = path.join(repoRoot, 'features', benchmark);
  const out: Pickled[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.feature')).sort()) {
    const newId = IdGenerator.uuid();
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(path.join(dir, f), 'utf8'));
    for (const p of compile({ ...doc, uri: f }, f, newId)) {
      const tags = p.tags.map((t) => t.name);
      out.push({ id: tags.find((t) => t.startsWith('@id:'))?.slice(4), name: p.name, tags, file: f });
    }
  }
  return out;
}

const BENCHMARKS = { 'cis-ubuntu-18.04-v2.1.0': 242, 'cis-aliyun-linux-2-v1.0.0': 204 } as const;

describe.each(Object.entries(BENCHMARKS))('features/%s', (benchmark, count) => {
  const rows = catalogue(benchmark);
  const found = scenarios(benchmark);

  it(`the catalogue has ${count} items and the features ${count} scenarios, one per item`, () => {
    expect(rows).toHaveLength(count);
    expect(found.filter((s) => !s.id).map((s) => `${s.file}: ${s.name}`)).toEqual([]);
    expect(found.map((s) => s.id).sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it('names and tags every scenario as the catalogue does', () => {
    const byId = new Map(found.map((s) => [s.id!, s]));
    const wrong: string[] = [];
    for (const r of rows) {
      const s = byId.get(r.id);
      if (!s) continue;
      if (s.name !== `${r.id} ${r.title}`) wrong.push(`${r.id}: named "${s.name}", catalogue "${r.id} ${r.title}"`);
      const levels = s.tags.filter((t) => t.startsWith('@level:'));
      if (levels.join() !== `@level:${r.level}`) wrong.push(`${r.id}: ${levels.join(' ') || 'no level tag'}, catalogue level ${r.level}`);
      const scored = /^(true|yes|1|scored)$/i.test(r.scored) ? '@scored' : '@not-scored';
      const flags = s.tags.filter((t) => t === '@scored' || t === '@not-scored');
      if (flags.join() !== scored) wrong.push(`${r.id}: ${flags.join(' ') || 'no scored tag'}, catalogue ${r.scored}`);
      if (s.tags.filter((t) => t.startsWith('@id:')).length !== 1) wrong.push(`${r.id}: more than one @id tag`);
    }
    expect(wrong).toEqual([]);
  });

  it('puts each item in the feature file of its section', () => {
    // "1.1.2" belongs in "1.1-….feature", "1.8" in "1.8-….feature"
    const misplaced = found.filter((s) => s.id && s.file.split('-')[0] !== s.id.split('.').slice(0, 2).join('.')).map((s) => `${s.id} in ${s.file}`);
    expect(misplaced).toEqual([]);
  });

  it('has a step definition for every step (cucumber dry run)', () => {
    const r = spawnSync('npx', ['cucumber-js', '--profile', benchmark, '--dry-run', '--format', 'summary'], {
      cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '--import tsx' },
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).not.toMatch(/undefined|ambiguous/i);
    expect(out).toMatch(new RegExp(`^${count} scenarios? \\(${count} skipped\\)`, 'm'));
  }, 180_000);
});
