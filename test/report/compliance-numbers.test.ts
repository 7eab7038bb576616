/**
 * One set of numbers (issue 21, point 5): for the fixture audits, the counts and the score printed on the
 * terminal (its table and its final line), in summary.txt, in compliance.json's summary and in the fleet
 * entry made of that report are the same, and equal headlineCounts of the items (src/model/counts.ts).
 * CIS-CAT's view beside them agrees on Pass and Fail; plain cucumber-js writes the same summary.
 * (Fleets and merge: test/fleet/fleet-numbers.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureAcl2Base, ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import type { ComplianceReport } from '../../src/model/result.js';
import type { HeadlineCounts } from '../../src/model/counts.js';

const dist = (p: string) => pathToFileURL(path.join(repoRoot, 'dist/src', p)).href;
const { headlineCounts } = await import(dist('model/counts.js')) as typeof import('../../src/model/counts.js');
const { entryOf } = await import(dist('fleet.js')) as typeof import('../../src/fleet.js');

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

const ROWS: Record<string, keyof HeadlineCounts> = {
  'Total items': 'total', Selected: 'selected', Scored: 'scored', 'Pass (scored)': 'pass', 'Fail (scored)': 'fail',
  'Not scored: pass': 'notScoredPass', 'Not scored: fail': 'notScoredFail', Error: 'error', Unknown: 'unknown',
  'Not applicable': 'notApplicable', 'Manual (not checked)': 'manual', Waived: 'waived', 'Not selected': 'notSelected',
};
const CIS_CAT: Record<string, string> = {
  Total: 'total', Scored: 'scored', Pass: 'pass', Fail: 'fail', Error: 'error', Unknown: 'unknown', 'Not Applicable': 'notApplicable',
  'Not Checked/Manual': 'notChecked', 'Not Selected': 'notSelected', Informational: 'informational',
};
const OUTCOME: Record<string, HeadlineCounts['outcome']> = { 'NOT COMPLIANT': 'not-compliant', INCOMPLETE: 'incomplete', COMPLIANT: 'compliant' };

/** The numbers a summary (terminal or summary.txt) shows: its table, its score line and its final line. */
function parseSummary(text: string) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^Counts\s+CIS-CAT's view$/.test(l));
  expect(start, text).toBeGreaterThan(0);
  const table: Record<string, number> = {};
  const cisCat: Record<string, number> = {};
  for (const l of lines.slice(start + 1)) {
    if (l.startsWith('---')) break;
    const left = l.slice(0, 24).trim();
    if (left) table[ROWS[left]] = Number(l.slice(24, 30));
    const right = l.slice(32, 54).trim();
    if (right) cisCat[CIS_CAT[right]] = Number(l.slice(54, 60));
  }
  const scoreLine = lines.find((l) => l.startsWith('Score: '))!;
  const m = /^Score: (?:n\/a|(\d+\.\d)% = (\d+) pass ÷ \((\d+) pass \+ (\d+) fail\))/.exec(scoreLine);
  expect(m, scoreLine).not.toBeNull();
  const final = lines.filter(Boolean).pop()!;
  const f = /^(NOT COMPLIANT|INCOMPLETE|COMPLIANT): score (n\/a|\d+\.\d%); (\d+) pass, (\d+) fail, (\d+) error, (\d+) unknown, (\d+) not applicable, (\d+) manual, (\d+) waived(?:; not scored: (\d+) pass, (\d+) fail)? — /.exec(final);
  expect(f, final).not.toBeNull();
  const finalCounts = {
    outcome: OUTCOME[f![1]], score: f![2] === 'n/a' ? null : Number(f![2].slice(0, -1)),
    pass: Number(f![3]), fail: Number(f![4]), error: Number(f![5]), unknown: Number(f![6]), notApplicable: Number(f![7]), manual: Number(f![8]), waived: Number(f![9]),
    notScoredPass: Number(f![10] ?? 0), notScoredFail: Number(f![11] ?? 0),
  };
  const score = m![1] === undefined ? null : Number(m![1]);
  if (m![1] !== undefined) expect([Number(m![2]), Number(m![3])]).toEqual([table.pass, table.pass]);
  return { table, cisCat, score, scoreFail: m![4] === undefined ? undefined : Number(m![4]), finalCounts };
}

const headline = (s: Record<string, unknown>) => Object.fromEntries(Object.keys(headlineCounts([])).map((k) => [k, s[k]]));

const AUDITS: Array<[string, string[]]> = [
  ['Ubuntu 18.04 stock tree', ['--target', `rootfs:${ensureUbuntuBase()}`, '--benchmark', 'cis-ubuntu-18.04-v2.1.0']],
  ['ACL2 stock tree, ACK policy (waivers)', ['--target', `rootfs:${ensureAcl2Base('stock')}`, '--policy', path.join(repoRoot, 'policies/ack-reinforcement.yaml')]],
  ['ACL2 hardened tree, Level 1', ['--target', `rootfs:${ensureAcl2Base('hardened')}`, '--benchmark', 'cis-aliyun-linux-2-v1.0.0', '--level', '1']],
];

describe('one set of numbers in every report of an audit', () => {
  it.each(AUDITS)('%s: terminal, summary.txt, compliance.json and the fleet entry agree with headlineCounts', (_name, args) => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-numbers-'));
    const r = cli('audit', ...args, '--no-allure', '--formats', 'none', '--out', out);
    expect([0, 1, 3], r.stderr).toContain(r.status);
    const report = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')) as ComplianceReport;
    const counts = headlineCounts(report.items);
    const { score, outcome, ...integers } = counts;

    // compliance.json
    expect(headline(report.summary as unknown as Record<string, unknown>)).toEqual(counts);
    // the terminal and summary.txt: the same table, score and final line
    for (const [where, text] of [['terminal', r.stdout], ['summary.txt', readFileSync(path.join(out, 'summary.txt'), 'utf8')]] as const) {
      const shown = parseSummary(text);
      expect(shown.table, where).toEqual(integers);
      expect(shown.score, where).toBe(score);
      if (score !== null) expect(shown.scoreFail, where).toBe(counts.fail);
      expect(shown.finalCounts, where).toEqual({ outcome, score, pass: counts.pass, fail: counts.fail, error: counts.error, unknown: counts.unknown, notApplicable: counts.notApplicable, manual: counts.manual, waived: counts.waived, notScoredPass: counts.notScoredPass, notScoredFail: counts.notScoredFail });
      // CIS-CAT's view: the same Pass and Fail, the not-scored ones as Informational
      expect(shown.cisCat, where).toEqual(report.summary.cisCat);
      expect([shown.cisCat.pass, shown.cisCat.fail, shown.cisCat.informational]).toEqual([counts.pass, counts.fail, counts.notScoredPass + counts.notScoredFail]);
      // the headings of the lists
      const failed = counts.fail + counts.notScoredFail ? `Failed (${counts.notScoredFail ? `${counts.fail} scored, ${counts.notScoredFail} not scored` : counts.fail}):` : undefined;
      for (const heading of [failed, counts.error ? `Errors (${counts.error}):` : undefined, counts.waived ? `Waived (${counts.waived};` : undefined]) {
        if (heading) expect(text.split('\n').filter((l) => l.startsWith(heading)), `${where}: ${heading}`).toHaveLength(1);
      }
      if (!counts.waived) expect(text).not.toMatch(/^Waived \(/m);
    }
    // summary.txt lists every failing item under its heading
    const txt = readFileSync(path.join(out, 'summary.txt'), 'utf8').split('\n');
    const from = txt.findIndex((l) => l.startsWith('Failed ('));
    if (from >= 0) expect(txt.slice(from + 1).findIndex((l) => !l.startsWith('  '))).toBe(counts.fail + counts.notScoredFail);
    // the fleet entry an audit or a merge makes of this report
    const entry = entryOf(report, path.join(out, 'compliance.json'));
    expect(entry.counts).toEqual(counts);
    expect(entry.score).toBe(score);
    expect([entry.failing.length, entry.failingNotScored.length, entry.errors.length]).toEqual([counts.fail, counts.notScoredFail, counts.error]);
    expect(entry.exitCode).toBe(r.status);
    expect(entry.benchmark).toBe(report.benchmark.id);
    expect(entry.selection).toEqual(report.selection);
    console.log(`${_name}: ${counts.pass} pass, ${counts.fail} fail, not scored ${counts.notScoredPass}/${counts.notScoredFail}, ${counts.waived} waived, score ${score} — the same in 5 places`);
  }, 180_000);

  it('plain cucumber-js (the benchmark profile, the same formatter) writes the summary cis-bdd audit writes', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-numbers-'));
    const target = `rootfs:${ensureUbuntuBase()}`;
    const plain = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), '--profile', 'cis-ubuntu-18.04-v2.1.0'], {
      cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CIS_BDD_TARGET: target, CIS_BDD_COMPLIANCE_JSON: path.join(out, 'cucumber.json') },
    });
    expect(plain.status, plain.stderr).toBe(1);
    const viaCucumber = JSON.parse(readFileSync(path.join(out, 'cucumber.json'), 'utf8')) as ComplianceReport;
    const r = cli('audit', '--target', target, '--benchmark', 'cis-ubuntu-18.04-v2.1.0', '--no-allure', '--formats', 'none', '--out', out);
    const viaAudit = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')) as ComplianceReport;
    expect(r.status).toBe(1);
    expect(viaCucumber.summary).toEqual(viaAudit.summary);
    expect(headline(viaCucumber.summary as unknown as Record<string, unknown>)).toEqual(headlineCounts(viaCucumber.items));
  }, 180_000);
});
