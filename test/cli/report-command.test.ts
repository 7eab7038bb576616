/**
 * `cis-bdd report DIR`: the HTML report made after the fact of an audit (or a fleet) run with --no-html,
 * with the same totals as compliance.json and no analytics; and a clear refusal (exit 2, one line) of a
 * directory that cannot make one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import type { ComplianceReport } from '../../src/model/result.js';

const BENCHMARK = 'cis-ubuntu-18.04-v2.1.0';
/** what must not be in the report, nor in anything inlined in it */
const ANALYTICS = /googletagmanager|google-analytics|\bgtag\b/i;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const scratch: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-report-'));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** One line on stderr, exit 2, no stack trace. */
function refused(r: ReturnType<typeof cli>, message: RegExp) {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

/** What a single-file report holds: its options (name, ...) and its inlined data files, decoded. */
function readReport(indexHtml: string) {
  const html = readFileSync(indexHtml, 'utf8');
  const options = JSON.parse(/window\.allureReportOptions = (\{[^\n]*\})\s*<\/script>/.exec(html)![1]) as { reportName: string };
  const files = new Map<string, string>();
  for (const m of html.matchAll(/\bd\(\s*"([^"]+)"\s*,\s*"([A-Za-z0-9+/=]*)"\s*\)/g)) files.set(m[1], Buffer.from(m[2], 'base64').toString('utf8'));
  const scripts = [...html.matchAll(/data:[\w/+.-]+;base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1], 'base64').toString('latin1'));
  return { html, options, files, scripts };
}

/** Everything of a report where analytics could hide: the page without its base64, each inlined file and script. */
function analyticsIn(indexHtml: string): string[] {
  const { html, files, scripts } = readReport(indexHtml);
  const units = [['index.html', html.replace(/[A-Za-z0-9+/=]{64,}/g, '')], ...[...files].filter(([n]) => !n.startsWith('data/attachments/')), ...scripts.map((s, i) => [`script ${i}`, s])];
  return units.filter(([, text]) => ANALYTICS.test(text)).map(([name]) => name);
}

/** Allure's totals as the items of compliance.json make them (the statuses of src/report/allure-item.ts). */
function expectedStatistic(reports: ComplianceReport[]): Record<string, number> {
  const allure: Record<string, string> = { pass: 'passed', fail: 'failed', error: 'broken', 'not-applicable': 'skipped', manual: 'skipped', waived: 'skipped' };
  const stat: Record<string, number> = { total: 0 };
  for (const item of reports.flatMap((r) => r.items)) {
    if (item.status === 'not-selected' || item.status === 'unknown') continue; // no scenario ran: no result
    stat.total++;
    stat[allure[item.status]] = (stat[allure[item.status]] ?? 0) + 1;
  }
  return stat;
}

describe('cis-bdd report of an audit made with --no-html', () => {
  let dir: string;
  let report: ComplianceReport;
  let audited: ReturnType<typeof cli>;

  beforeAll(() => {
    dir = path.join(tmp(), 'audit');
    audited = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--benchmark', BENCHMARK, '--out', dir, '--no-html', '--formats', 'none');
    report = JSON.parse(readFileSync(path.join(dir, 'compliance.json'), 'utf8'));
  });

  it('the audit writes no HTML and its closing lines say how to make it', () => {
    expect(audited.code, audited.stderr).toBe(1);
    expect(existsSync(path.join(dir, 'allure-report'))).toBe(false);
    const hint = `Allure report: not generated (--no-html); "cis-bdd report ${dir}" makes it`;
    expect(audited.stdout).toContain(hint);
    expect(readFileSync(path.join(dir, 'summary.txt'), 'utf8')).toContain(hint);
  });

  it('writes DIR/allure-report/index.html with the totals of compliance.json and no analytics', () => {
    const r = cli('report', dir);
    expect(r.code, r.stderr).toBe(0);
    const index = path.join(dir, 'allure-report', 'index.html');
    expect(r.stdout).toBe(`Allure report: ${index}\n`);
    const { options, files } = readReport(index);
    expect(JSON.parse(files.get('widgets/statistic.json')!)).toEqual(expectedStatistic([report]));
    expect(expectedStatistic([report]).total).toBeGreaterThan(200);
    // the name at the top: the score and counts of compliance.json, as the terminal and summary.txt say them
    const s = report.summary;
    expect(options.reportName).toBe(`${report.benchmark.title} — ${report.target!.uri} — score ${s.score!.toFixed(1)}%; `
      + `${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.unknown} unknown, ${s.notApplicable} not applicable, ${s.manual} manual, ${s.waived} waived`
      + `; not scored: ${s.notScoredPass} pass, ${s.notScoredFail} fail`);
    expect(files.size).toBeGreaterThan(expectedStatistic([report]).total);
    expect(analyticsIn(index)).toEqual([]);
    // the check would see Allure's own snippet, were it left in
    const tainted = path.join(tmp(), 'index.html');
    writeFileSync(tainted, readFileSync(index, 'utf8').replace('</body>', '<script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script></body>'));
    expect(analyticsIn(tainted)).toEqual(['index.html']);
  });

  it('--out writes elsewhere; an earlier report is replaced, a directory that is not one refused', () => {
    const out = path.join(tmp(), 'elsewhere');
    expect(cli('report', dir, '--out', out).code).toBe(0);
    writeFileSync(path.join(out, 'stale.txt'), 'from an earlier run');
    expect(cli('report', dir, '--out', out).code).toBe(0);
    expect(existsSync(path.join(out, 'stale.txt'))).toBe(false);
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
    refused(cli('report', dir, '--out', path.join(dir, 'allure-results')), /allure-results exists and does not hold an Allure report; not replacing it/);
  });

  it('refuses a compliance.json that cannot be read or is not one', () => {
    const bad = path.join(tmp(), 'bad');
    mkdirSync(bad);
    cpSync(path.join(dir, 'allure-results'), path.join(bad, 'allure-results'), { recursive: true });
    writeFileSync(path.join(bad, 'compliance.json'), '{"items": [');
    refused(cli('report', bad), /compliance\.json is not JSON/);
    writeFileSync(path.join(bad, 'compliance.json'), '{"items": []}');
    refused(cli('report', bad), /compliance\.json is neither a cis-bdd compliance\.json nor a fleet\.json/);
    rmSync(path.join(bad, 'compliance.json'));
    mkdirSync(path.join(bad, 'compliance.json'));
    refused(cli('report', bad), /compliance\.json cannot be read: EISDIR/);
    expect(existsSync(path.join(bad, 'allure-report'))).toBe(false);
  });
});

describe('cis-bdd report refuses what cannot make a report', () => {
  it('a directory with neither compliance.json nor fleet.json, one that does not exist, no DIR', () => {
    const empty = tmp();
    refused(cli('report', empty), /holds neither compliance\.json \(an audit's output\) nor fleet\.json \(a fleet's\)/);
    refused(cli('report', path.join(empty, 'missing')), /is not a directory/);
    refused(cli('report'), /usage: cis-bdd report DIR \[--out REPORT_DIR\]/);
    refused(cli('report', '--frobnicate', empty), /Unknown option '--frobnicate' for "cis-bdd report"/);
  });

  it('an audit made with --no-allure: says so', () => {
    const dir = path.join(tmp(), 'bare');
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '6.1.2', '--out', dir, '--no-allure', '--formats', 'none');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/cis-bdd report/);
    refused(cli('report', dir), /has no Allure results .*: the audit ran with --no-allure/);
  });
});

describe('cis-bdd report of a fleet made with --no-html', () => {
  it("writes one report of every target's results, read from the targets' own when the fleet's merged results are gone", () => {
    const base = tmp();
    // a second target: the same tree under another name (each target is its own parent suite)
    const other = path.join(base, 'same-tree');
    symlinkSync(ensureUbuntuBase(), other);
    const dir = path.join(base, 'fleet');
    const targets = [`rootfs:${ensureUbuntuBase()}`, `rootfs:${other}`];
    const audited = cli('audit', ...targets.flatMap((t) => ['--target', t]), '--benchmark', BENCHMARK, '--only', '6.1', '--out', dir, '--no-html', '--formats', 'none');
    expect([0, 1], audited.stderr).toContain(audited.code);
    expect(audited.stdout).toContain(`Allure report: not generated (--no-html); "cis-bdd report ${dir}" makes it`);
    expect(existsSync(path.join(dir, 'allure-report'))).toBe(false);
    const fleet = JSON.parse(readFileSync(path.join(dir, 'fleet.json'), 'utf8')) as { targets: Array<{ report: string }> };
    const reports = fleet.targets.map((t) => JSON.parse(readFileSync(t.report, 'utf8')) as ComplianceReport);
    expect(reports.map((r) => r.target!.uri).sort()).toEqual([...targets].sort());

    const r = cli('report', dir);
    expect(r.code, r.stderr).toBe(0);
    const index = path.join(dir, 'allure-report', 'index.html');
    expect(r.stdout).toBe(`Allure report: ${index}\n`);
    const shown = readReport(index);
    expect(shown.options.reportName).toBe('cis-bdd fleet — 2 targets');
    expect(JSON.parse(shown.files.get('widgets/statistic.json')!)).toEqual(expectedStatistic(reports));
    expect(expectedStatistic(reports).total).toBeGreaterThan(20);
    expect(analyticsIn(index)).toEqual([]);

    rmSync(path.join(dir, 'allure-results'), { recursive: true });
    const again = cli('report', dir, '--out', path.join(base, 'again'));
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readReport(path.join(base, 'again', 'index.html')).files.get('widgets/statistic.json')!)).toEqual(expectedStatistic(reports));
    expect(existsSync(path.join(dir, 'allure-results'))).toBe(false); // read where they are, not copied

    // neither merged nor per-target results: a fleet audited with --no-allure
    for (const t of fleet.targets) rmSync(path.join(path.dirname(t.report), 'allure-results'), { recursive: true });
    refused(cli('report', dir), /has no Allure results, neither merged .* nor of its targets/);
  });
});
