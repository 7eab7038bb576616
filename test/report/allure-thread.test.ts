/**
 * The Allure formatter runs allure-cucumberjs's reporter in a worker thread. Whatever the run does, the
 * results must be the ones the reporter writes when it runs on cucumber's own thread
 * (CIS_BDD_ALLURE_THREAD=0): the same files with the same statuses, labels, steps, attachments and
 * global errors, including when a BeforeAll or AfterAll hook fails and cucumber exits without finishing
 * its formatters.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.js';

const project = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-allure-thread-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

mkdirSync(path.join(project, 'features'));
symlinkSync(path.join(repoRoot, 'node_modules'), path.join(project, 'node_modules'));
writeFileSync(path.join(project, 'features/a.feature'), `Feature: thread or not
  @id:1.1 @level:1
  Scenario: passes with evidence
    Given a step that passes and attaches "some evidence"
    And a step that passes and attaches "more evidence"

  @id:1.2 @level:2
  Scenario: fails
    Given a step that passes and attaches "before the failure"
    Then a step that fails

  Scenario: has a step nobody defined
    Given a step that passes and attaches "x"
    Then a step without a definition

  @hook-fails
  Scenario: the engine's own hook fails
    Given a step that passes and attaches "never runs"

  Scenario Outline: outline <n>
    Given a step that passes and attaches "<n>"

    Examples:
      | n |
      | one |
      | two |
`);
writeFileSync(path.join(project, 'steps.mjs'), `
import { Given, Then, Before, After, BeforeAll, AfterAll, setWorldConstructor, World } from '@cucumber/cucumber';
// a World of its own, as cis-bdd's: with cucumber's default World the reporter stays on this thread
setWorldConstructor(class extends World {});
Given('a step that passes and attaches {string}', function (text) { this.attach(text, 'text/plain'); });
Then('a step that fails', function () { const e = new Error('it failed'); e.name = 'AssertionError'; e.actual = 1; e.expected = 2; throw e; });
Before({ name: 'a named before hook' }, function () {});
// the engine's two scenario hooks (SCENARIO_HOOKS): no container of their own; a failure is a broken step
Before({ name: 'Identify the item and its target', tags: '@hook-fails' }, function () { throw new Error('no audit session'); });
After({ name: 'Record the verdict and its evidence' }, function () {});
After(function () { this.attach(JSON.stringify({ done: true }), 'application/json'); });
BeforeAll(async function () {
  if (process.env.FAIL_BEFORE_ALL) { const e = new Error('before all failed'); e.actual = 'a'; e.expected = 'b'; throw e; }
});
AfterAll(function (callback) { callback(process.env.FAIL_AFTER_ALL ? new Error('after all failed') : undefined); });
`);

interface Files { kinds: Record<string, number>; results: unknown[]; containers: unknown[]; globals: unknown[] }

/** Run cucumber-js with the Allure formatter and read back what it wrote, normalised. */
function run(thread: boolean, env: Record<string, string>): { status: number | null; files: Files } {
  const out = path.join(project, `results-${thread ? 'thread' : 'here'}-${Object.keys(env).join('-') || 'ok'}`);
  const r = spawnSync(process.execPath, [
    path.join(repoRoot, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), 'features', '--import', 'steps.mjs',
    '--format', `${path.join(repoRoot, 'dist/src/report/allure-formatter.js')}:${path.join(project, 'formatter.out')}`,
    '--format-options', JSON.stringify({ resultsDir: out }),
  ], { cwd: project, encoding: 'utf8', env: { ...process.env, ...env, CIS_BDD_ALLURE_THREAD: thread ? '1' : '0' } });
  let names: string[] = [];
  try { names = readdirSync(out); } catch { names = []; }
  const read = (f: string) => readFileSync(path.join(out, f), 'utf8');
  const kinds: Record<string, number> = {};
  for (const f of names) { const k = f.replace(/^[0-9a-f-]{36}-/, ''); kinds[k] = (kinds[k] ?? 0) + 1; }
  const uuidNames = new Map<string, string>();
  const results = names.filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(read(f)));
  for (const x of results) uuidNames.set(x.uuid, x.name);
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (!v || typeof v !== 'object') return typeof v === 'string' ? v.replace(/pid-\d+-/, 'pid-N-') : v;
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'start' || k === 'stop' || k === 'timestamp') continue;
      if (k === 'uuid') o[k] = uuidNames.get(x as string) ?? 'container';
      else if (k === 'children') o[k] = (x as string[]).map((c) => uuidNames.get(c) ?? c);
      else if (k === 'source') o[k] = `${read(x as string)} (${path.extname(x as string)})`;
      // a stack trace names the frames that ran the hook; its first line is the error
      else if (k === 'trace') o[k] = (x as string).split('\n')[0];
      else o[k] = clean(x);
    }
    return o;
  };
  const sorted = (xs: unknown[]) => xs.map(clean).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    status: r.status,
    files: {
      kinds,
      results: sorted(results),
      containers: sorted(names.filter((f) => f.endsWith('-container.json')).map((f) => JSON.parse(read(f)))),
      globals: sorted(names.filter((f) => f.endsWith('-globals.json')).map((f) => JSON.parse(read(f)))),
    },
  };
}

describe('Allure results from the worker thread', () => {
  it('are the results the reporter writes on cucumber\'s thread', () => {
    const here = run(false, {});
    const thread = run(true, {});
    expect(thread.status).toBe(1);
    expect(here.status).toBe(1);
    expect(here.files.kinds['result.json']).toBe(6);
    expect(here.files.kinds['attachment.txt']).toBeGreaterThanOrEqual(6);
    // a step without a definition is broken, not passed (CisAllureReporter's own rule)
    const statuses = (here.files.results as Array<{ name: string; status: string }>).map((x) => `${x.name}: ${x.status}`).sort();
    expect(statuses).toEqual(['fails: failed', 'has a step nobody defined: broken', 'outline one: passed', 'outline two: passed', 'passes with evidence: passed', "the engine's own hook fails: broken"]);
    // the outline's Examples table is not attached again to each of its results; the row is in the parameters
    expect(here.files.kinds['attachment.csv']).toBeUndefined();
    const one = (here.files.results as Array<{ name: string; parameters: unknown[] }>).find((x) => x.name === 'outline one');
    expect(one?.parameters).toEqual([{ name: 'n', value: 'one' }]);
    // the engine's own hooks: never a container; the failing one is a broken step of its result
    const hooks = (here.files.containers as Array<{ name: string }>).map((c) => c.name);
    expect(hooks).not.toContain('Identify the item and its target');
    expect(hooks).not.toContain('Record the verdict and its evidence');
    expect(hooks).toContain('a named before hook');
    const failed = (here.files.results as Array<{ name: string; steps: Array<{ name: string; status: string; statusDetails: { message?: string } }> }>)
      .find((x) => x.name === "the engine's own hook fails");
    expect(failed?.steps.map((x) => `${x.name}: ${x.status}`)).toEqual(['Identify the item and its target: broken', 'Given a step that passes and attaches "never runs": skipped']);
    expect(failed?.steps[0].statusDetails.message).toBe('no audit session');
    expect(thread.files).toEqual(here.files);
  });

  it('report a failing BeforeAll hook as a global error, as on cucumber\'s thread', () => {
    const here = run(false, { FAIL_BEFORE_ALL: '1' });
    const thread = run(true, { FAIL_BEFORE_ALL: '1' });
    expect(here.files.globals).toHaveLength(1);
    expect(JSON.stringify(here.files.globals)).toContain('BeforeAll hook failed: before all failed');
    expect(thread.status).toBe(here.status);
    expect(thread.files).toEqual(here.files);
  });

  it('keep every result when a failing AfterAll hook makes cucumber exit without finishing its formatters', () => {
    const here = run(false, { FAIL_AFTER_ALL: '1' });
    const thread = run(true, { FAIL_AFTER_ALL: '1' });
    expect(here.files.kinds['result.json']).toBe(6);
    expect(JSON.stringify(here.files.globals)).toContain('AfterAll hook failed: after all failed');
    expect(thread.status).toBe(here.status);
    expect(thread.files).toEqual(here.files);
  });
});
