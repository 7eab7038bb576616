/**
 * The README's Layout section matches the tree: it names every folder and top-level file of src/, every
 * top-level folder of the repository that git keeps, and the import rules imports.test.ts checks.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const start = readme.indexOf('\n## Layout\n');
const next = readme.indexOf('\n## ', start + 1);
const layout = start < 0 ? '' : readme.slice(start, next < 0 ? undefined : next);
const named = (p: string) => layout.includes(`\`${p}`);
/** Folders that are made by a build or a run, not kept in git. */
const GENERATED = new Set(['dist', 'node_modules', 'reports']);

describe("the README's Layout section", () => {
  it('exists', () => expect(layout.length).toBeGreaterThan(500));

  it('names every folder and top-level file of src/', () => {
    const entries = readdirSync(path.join(repoRoot, 'src')).map((e) => (statSync(path.join(repoRoot, 'src', e)).isDirectory() ? `src/${e}/` : `src/${e}`));
    expect(entries.length).toBeGreaterThan(8);
    expect(entries.filter((e) => !named(e))).toEqual([]);
  });

  it('names every top-level folder of the repository', () => {
    const dirs = readdirSync(repoRoot).filter((e) => !e.startsWith('.') && !GENERATED.has(e) && statSync(path.join(repoRoot, e)).isDirectory());
    expect(dirs.filter((d) => !named(`${d}/`))).toEqual([]);
  });

  it('states the import rules that are checked', () => {
    expect(layout).toMatch(/src\/model\/`[^]*?Imports\s+nothing of the project \*\(checked\)\*/);
    expect(layout).toMatch(/src\/targets\/`[^]*?Import only each other\s+and the model \*\(checked\)\*/);
    expect(layout).toMatch(/src\/facts\/`[^]*?never the\s+engine, reports, remediation or steps \*\(checked\)\*/);
    expect(layout).toMatch(/src\/report\/`[^]*?never targets, facts or\s+remediation \*\(checked\)\*/);
    expect(layout).toMatch(/a step file is never imported by another\s+file \*\(checked\)\*/);
  });
});
