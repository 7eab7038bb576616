/**
 * Allure results are written from the run's result (src/report/allure-results.ts): by `cis-bdd audit`
 * after the run, and by the Allure formatter when cucumber-js is run directly. Both paths must write the
 * same results for the same target; the formatter must still write every result, and the hook's error,
 * when a BeforeAll or AfterAll hook fails.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { allureStepStatus } from '../../src/report/allure-results.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-allure-results-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cucumberBin = path.join(repoRoot, 'node_modules/@cucumber/cucumber/bin/cucumber.js');
const formatter = path.join(repoRoot, 'dist/src/report/allure-formatter.js');

/** Every value but the run's own (uuids, times, attachment file names), keys sorted: what a reader sees. */
function canonical(v: unknown, key?: string): unknown {
  if (key === 'uuid' || key === 'start' || key === 'stop' || key === 'source') return 0;
  if (Array.isArray(v)) return v.map((x) => canonical(x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k], k)]));
  if (typeof v === 'string') return v.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g, 'TIME');
  return v;
}

function results(dir: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('-result.json'))) {
    const r = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { fullName: string };
    out.set(r.fullName, canonical(r));
  }
  return out;
}

describe('Allure results, from the run\'s result', () => {
  it('are the same from `cis-bdd audit` and from cucumber-js with the Allure formatter', async () => {
    const root = ensureUbuntuBase();
    const target = `rootfs:${root}`;
    const out = path.join(work, 'audit');
    const { report, allureResultsDir } = await audit({ target, benchmark: 'cis-ubuntu-18.04-v2.1.0', out, allureResults: true, only: ['1.1.1', '5.2', '5.3.10', '6.1.2'] });
    const viaAudit = results(allureResultsDir!);
    const ran = report.items.filter((i) => i.status !== 'not-selected');
    expect(viaAudit.size).toBe(ran.length);
    expect(ran.length).toBeGreaterThan(10);

    const resultsDir = path.join(work, 'cucumber-results');
    const run = spawnSync(process.execPath, [
      cucumberBin, '-p', 'cis-ubuntu-18.04-v2.1.0', '--tags', '@id:1.1.1.1 or @id:1.1.1.2 or @id:1.1.1.3 or @id:1.1.1.4 or @id:1.1.1.5 or @id:1.1.1.6 or @id:1.1.1.7 or @id:5.2.1 or @id:5.2.2 or @id:5.2.3 or @id:5.3.10 or @id:6.1.2',
      '--format', `${formatter}:${path.join(work, 'allure.out')}`, '--format-options', JSON.stringify({ resultsDir }),
    ], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CIS_BDD_TARGET: target, CIS_BDD_COMPLIANCE_JSON: path.join(work, 'cucumber-compliance.json') } });
    expect(run.status, run.stderr).toBe(1); // items fail on the stock tree
    const viaCucumber = results(resultsDir);
    expect([...viaCucumber.keys()].sort()).toEqual([...viaAudit.keys()].sort());
    for (const [name, r] of viaAudit) expect(viaCucumber.get(name), name).toEqual(r);
    // and they say what compliance.json says: one failing item, by its status and title
    const shadow = [...viaAudit.values()].find((r) => (r as { name: string }).name.startsWith('5.3.10 ')) as { status: string; name: string };
    expect(report.items.find((i) => i.id === '5.3.10')!.status).toBe('fail');
    expect(shadow.status).toBe('failed');
    expect(shadow.name).toContain(`— fail on ${target}`);
  }, 120_000);

  describe('when a BeforeAll or AfterAll hook fails (cucumber-js run directly)', () => {
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, 'features'), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(project, 'node_modules'));
    writeFileSync(path.join(project, 'features/a.feature'), [
      'Feature: run hooks',
      '  Scenario: passes', '    Given a step that passes',
      '  Scenario: fails', '    Then a step that fails',
      '',
    ].join('\n'));
    writeFileSync(path.join(project, 'steps.mjs'), [
      "import { Given, Then, BeforeAll, AfterAll } from '@cucumber/cucumber';",
      "Given('a step that passes', function () {});",
      "Then('a step that fails', function () { const e = new Error('it failed'); e.name = 'AssertionError'; throw e; });",
      "BeforeAll(function () { if (process.env.FAIL_BEFORE_ALL) throw new Error('before all failed'); });",
      "AfterAll(function (callback) { callback(process.env.FAIL_AFTER_ALL ? new Error('after all failed') : undefined); });",
      '',
    ].join('\n'));
    const runWith = (env: Record<string, string>) => {
      const resultsDir = path.join(project, `results-${Object.keys(env).join('-') || 'ok'}`);
      const r = spawnSync(process.execPath, [cucumberBin, 'features', '--import', 'steps.mjs', '--format', `${formatter}:${path.join(project, 'f.out')}`,
        '--format-options', JSON.stringify({ resultsDir })], { cwd: project, encoding: 'utf8', env: { ...process.env, ...env } });
      const names = readdirSync(resultsDir);
      const read = (suffix: string) => names.filter((n) => n.endsWith(suffix)).map((n) => JSON.parse(readFileSync(path.join(resultsDir, n), 'utf8')));
      return { status: r.status, results: read('-result.json') as Array<{ name: string; status: string }>, globals: read('-globals.json') };
    };

    it('without a failing hook: a result per scenario, its status its worst step\'s, no global error', () => {
      const { results: rs, globals } = runWith({});
      expect(Object.fromEntries(rs.map((r) => [r.name, r.status]))).toEqual({ passes: 'passed', fails: 'failed' });
      expect(globals).toEqual([]);
    });

    it('a failing BeforeAll hook is a global error', () => {
      const { status, globals } = runWith({ FAIL_BEFORE_ALL: '1' });
      expect(status).not.toBe(0);
      expect(JSON.stringify(globals)).toContain('before all failed');
    });

    it('a failing AfterAll hook is a global error, and every result is kept', () => {
      const { status, results: rs, globals } = runWith({ FAIL_AFTER_ALL: '1' });
      expect(status).not.toBe(0);
      expect(rs.map((r) => r.name).sort()).toEqual(['fails', 'passes']);
      expect(JSON.stringify(globals)).toContain('after all failed');
    });
  });

  it('a step that did not run, or threw something other than a violation, is broken, never passed', () => {
    expect(allureStepStatus({ outcome: 'PASSED' })).toBe('passed');
    expect(allureStepStatus({ outcome: 'SKIPPED' })).toBe('skipped');
    expect(allureStepStatus({ outcome: 'FAILED', error: { type: 'CheckFailed', message: 'mode 0644' } })).toBe('failed');
    expect(allureStepStatus({ outcome: 'FAILED', error: { type: 'Error', trace: 'AssertionError: x\n  at y' } })).toBe('failed');
    expect(allureStepStatus({ outcome: 'FAILED', error: { type: 'CheckError', message: 'EACCES' } })).toBe('broken');
    for (const outcome of ['PENDING', 'UNDEFINED', 'AMBIGUOUS', 'UNKNOWN']) expect(allureStepStatus({ outcome }), outcome).toBe('broken');
    // an engine hook that failed (no session, a verdict that could not be recorded) is broken, whatever its error says
    expect(allureStepStatus({ outcome: 'FAILED', hook: true, error: { type: 'AssertionError' } })).toBe('broken');
  });
});
