/**
 * The Allure HTML report as an auditor reads it, in Chromium: a fleet of two targets that disagree (the
 * stock and the hardened Ubuntu 18.04 images, audited with a policy that waives one item), and a report
 * made of one item of each compliance status.
 *
 * What a person must see: every target's verdict for an item, each named by its target and with its own
 * status (never filed as a retry of another target's); the report's totals equal to the targets' reports;
 * on an item's page its compliance status in words (pass, fail, waived with reason, owner and expiry, not
 * applicable with why, manual with what to review, error with what could not be read), its evidence and its
 * remediation; labels of an audit; no "Error" box and no stack trace for a verdict.
 *
 * Screenshots of the pages read are written next to the report, or to CIS_BDD_SCREENSHOTS=DIR to keep them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { repoRoot } from '../support/fixtures.js';
import type { ComplianceReport } from '../../src/model/result.js';
import type { VerdictMessage } from '../../src/model/result.js';
import { categories, closeBrowser, openItem, openReport, searchTree, summaryCounts, treeEntries } from './allure-browser.js';

const STOCK = 'docker-image://cis-bdd/ubuntu-18.04-stock';
const HARDENED = 'docker-image://cis-bdd/ubuntu-18.04-hardened';
const BENCHMARK = 'cis-ubuntu-18.04-v2.1.0';
const WAIVER = { id: '5.2.2', reason: 'sudo sessions are recorded by the central PAM session recorder', owner: 'platform security team', expires: '2099-12-31' };

const scratch: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cis-bdd-${prefix}-`));
  scratch.push(dir);
  return dir;
};
afterAll(async () => {
  await closeBrowser();
  if (!process.env.CIS_BDD_KEEP_REPORTS) for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** What a stack trace or the tool's own files look like on a page. */
const STACK = /\bat [\w.<>]+ \(|file:\/\/|\/dist\/|\/steps\/|\.[cm]?js:\d+|AssertionError|CheckError/;
const squeeze = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Labels an audit reads, and the test runner's labels that say nothing about it. */
const AUDIT_LABELS = ['benchmark', 'target', 'chapter', 'section', 'item', 'level', 'scored', 'compliance'];
const RUNNER_LABELS = ['language', 'framework', 'host', 'thread', 'package', 'parentSuite', 'suite', 'subSuite', 'epic', 'story', 'cis_id', 'feature'];

describe('the fleet HTML report of two targets that disagree', () => {
  const out = tmp('allure-fleet');
  const shots = process.env.CIS_BDD_SCREENSHOTS ? path.join(process.env.CIS_BDD_SCREENSHOTS, 'fleet') : path.join(out, 'screenshots');
  let fleet: { targets: Array<{ target: string; report: string; failing: string[]; failingNotScored: string[] }> };
  const reports = new Map<string, ComplianceReport>();
  let page: Page;
  const item = (target: string, id: string) => reports.get(target)!.items.find((i) => i.id === id)!;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    const policy = path.join(out, 'policy.yaml');
    writeFileSync(policy, [
      'name: fleet report test', `benchmark: ${BENCHMARK}`, `extends: ${path.join(repoRoot, 'policies/cis-ubuntu-18.04-level-2.yaml')}`,
      'waivers:', `  - id: "${WAIVER.id}"`, `    reason: "${WAIVER.reason}"`, `    owner: "${WAIVER.owner}"`, `    expires: "${WAIVER.expires}"`, '',
    ].join('\n'));
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), 'audit', '--target', STOCK, '--target', HARDENED,
      '--policy', policy, '--formats', 'none', '--quiet', '--out', path.join(out, 'fleet')], { encoding: 'utf8', timeout: 600_000 });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/Allure report: .*index\.html/);
    fleet = JSON.parse(readFileSync(path.join(out, 'fleet', 'fleet.json'), 'utf8'));
    for (const t of fleet.targets) reports.set(t.target, JSON.parse(readFileSync(t.report, 'utf8')));
    page = await openReport(path.join(out, 'fleet', 'allure-report', 'index.html'));
    await page.screenshot({ path: path.join(shots, 'fleet-summary.png'), fullPage: true });
    console.log(`fleet report screenshots: ${shots}`);
  });

  it("shows the totals of the targets' reports, with no retries", async () => {
    const sum = (f: (r: ComplianceReport) => number) => [...reports.values()].reduce((n, r) => n + f(r), 0);
    const shown = await summaryCounts(page);
    // Allure's statuses hold scored and not-scored items alike: passed = pass + not-scored pass, failed =
    // fail + not-scored fail (fleet.json's failing and failingNotScored), skipped = the statuses Allure lacks
    const expected = {
      total: sum((r) => r.summary.selected),
      failed: fleet.targets.reduce((n, t) => n + t.failing.length + t.failingNotScored.length, 0),
      passed: sum((r) => r.summary.pass + r.summary.notScoredPass),
      skipped: sum((r) => r.summary.notApplicable + r.summary.manual + r.summary.waived),
      broken: sum((r) => r.summary.error + r.summary.unknown),
    };
    expect(expected.failed).toBe(sum((r) => r.summary.fail + r.summary.notScoredFail));
    expect(expected.total).toBe(2 * 242);
    expect(shown.retries ?? 0).toBe(0);
    expect({ ...shown, broken: shown.broken ?? 0 }).toMatchObject(expected);
  });

  it("shows each target's verdict for an item the targets disagree on, named by its target", async () => {
    expect(item(STOCK, '5.3.10').status).toBe('fail');
    expect(item(HARDENED, '5.3.10').status).toBe('pass');
    await searchTree(page, '5.3.10 ');
    await page.screenshot({ path: path.join(shots, 'fleet-5.3.10-tree.png'), fullPage: true });
    const entries = (await treeEntries(page)).filter((e) => e.title.startsWith('5.3.10 '));
    expect(entries).toEqual(expect.arrayContaining([
      { title: `5.3.10 Ensure SSH root login is disabled — fail on ${STOCK}`, status: 'failed' },
      { title: `5.3.10 Ensure SSH root login is disabled — pass on ${HARDENED}`, status: 'passed' },
    ]));
    expect(entries).toHaveLength(2);
    for (const [target, badge] of [[STOCK, 'Failed'], [HARDENED, 'Passed']]) {
      const shown = await openItem(page, `5.3.10 Ensure SSH root login is disabled — ${badge === 'Failed' ? 'fail' : 'pass'} on ${target}`, path.join(shots, `fleet-5.3.10-${badge}.png`));
      expect(shown.title).toBe(`5.3.10 Ensure SSH root login is disabled — ${badge === 'Failed' ? 'fail' : 'pass'} on ${target}`);
      expect(shown.badge).toBe(badge);
      expect(shown.labels.target).toEqual([target]);
      // never filed as a retry of the other target's result
      expect(shown.retries).toBe('Retries');
      expect(squeeze(shown.description)).toContain(`Compliance status: ${badge === 'Failed' ? 'fail' : 'pass'} on ${target}`);
    }
  });

  it('shows a failing item with why, its evidence and what harden would change; no error box, no stack trace', async () => {
    const fail = item(STOCK, '5.3.10');
    await searchTree(page, '5.3.10 ');
    const shown = await openItem(page, `5.3.10 ${fail.title} — fail on ${STOCK}`, path.join(shots, 'fail-5.3.10.png'));
    const description = squeeze(shown.description);
    expect(description).toContain(`Why it fails: ${squeeze(fail.reason!)}`);
    for (const e of fail.evidence) {
      expect(description).toContain(squeeze(e.source));
      expect(description).toContain(squeeze(e.excerpt.split('\n')[0]));
    }
    expect(description).toContain('Remediation: what cis-bdd harden would change');
    expect(description).toContain('PermitRootLogin no');
    expect(description).toContain('sshd -t');
    expect(shown.errorBox).toBe(false);
    expect(shown.text).not.toMatch(STACK);
    expect(shown.description).not.toMatch(STACK);
    // the failing step says why, in one line
    expect(squeeze(shown.text)).toContain(squeeze(fail.reason!));
    expect(Object.keys(shown.labels)).toEqual(expect.arrayContaining(AUDIT_LABELS));
    for (const l of RUNNER_LABELS) expect(shown.labels[l], `label ${l}`).toBeUndefined();
    expect(shown.labels).toMatchObject({ item: ['5.3.10'], level: ['1'], scored: ['scored'], compliance: ['fail'], chapter: ['5 Access, Authentication and Authorization'] });
    expect(shown.labels.benchmark[0]).toContain('CIS Ubuntu Linux 18.04');
  });

  it('shows the steps a person must take where harden cannot fix the item', async () => {
    const fail = item(STOCK, '5.3.4');
    expect(fail.manualFix?.steps.length).toBeGreaterThan(0);
    await searchTree(page, '5.3.4 ');
    const shown = await openItem(page, `5.3.4 ${fail.title} — fail on ${STOCK}`, path.join(shots, 'manual-fix-5.3.4.png'));
    const description = squeeze(shown.description);
    expect(description).toContain('Remediation: a person must do this');
    for (const step of fail.manualFix!.steps) expect(description).toContain(squeeze(step));
  });

  it('shows a waived item as waived, with the reason, owner and expiry, in the "Waived by policy" category', async () => {
    const waived = item(STOCK, WAIVER.id);
    expect(waived.status).toBe('waived');
    await searchTree(page, `${WAIVER.id} `);
    const entries = (await treeEntries(page)).filter((e) => e.title.startsWith(`${WAIVER.id} `));
    expect(entries.map((e) => [e.title.replace(/^.* — /, ''), e.status]).sort()).toEqual([[`waived on ${HARDENED}`, 'skipped'], [`waived on ${STOCK}`, 'skipped']]);
    const shown = await openItem(page, `${WAIVER.id} ${waived.title} — waived on ${STOCK}`, path.join(shots, `waived-${WAIVER.id}.png`));
    expect(shown.errorBox).toBe(false);
    expect(shown.header).toContain('Category: Waived by policy');
    const description = squeeze(shown.description);
    expect(description).toContain(`Compliance status: waived on ${STOCK}`);
    expect(description).toContain('Waived by policy (the audit observed fail');
    expect(description).toContain(`Reason: ${WAIVER.reason}`);
    expect(description).toContain(`Owner: ${WAIVER.owner}`);
    expect(description).toContain(`Expires: ${WAIVER.expires}`);
  });

  it('shows why an item does not apply, and what a person must review', async () => {
    const na = reports.get(STOCK)!.items.find((i) => i.status === 'not-applicable')!;
    const manual = reports.get(STOCK)!.items.find((i) => i.status === 'manual')!;
    for (const [i, word, heading] of [[na, 'not applicable', 'Why it does not apply'], [manual, 'manual review', 'What to review']] as const) {
      await searchTree(page, `${i.id} `);
      const shown = await openItem(page, `${i.id} ${i.title} — ${word} on ${STOCK}`, path.join(shots, `${word.replace(' ', '-')}-${i.id}.png`));
      expect(shown.badge).toBe('Skipped');
      expect(shown.errorBox).toBe(false);
      expect(squeeze(shown.description)).toContain(`${heading}: ${squeeze(i.reason!)}`);
    }
  });

  it('lists the items by compliance status in the Categories tab', async () => {
    await page.goto(page.url().replace(/[?#].*$/, ''));
    const text = squeeze(await categories(page, path.join(shots, 'fleet-categories.png')));
    for (const name of ['Not compliant (fail)', 'Waived by policy', 'Manual review', 'Not applicable', 'Compliant (pass)']) expect(text).toContain(name);
  });
});

describe('an item of each compliance status, on its page', () => {
  type AllureItem = typeof import('../../src/report/allure-item.js');
  type AllureHtml = typeof import('../../src/report/allure-html.js');
  const load = async <T>(file: string) => (await import(/* @vite-ignore */ pathToFileURL(path.join(repoRoot, 'dist/src/report', file)).href)) as T;
  const target = 'ssh://node-7.example.test';
  const run: VerdictMessage['run'] = { benchmarkId: BENCHMARK, target: { kind: 'ssh', uri: target, os: null }, roundTrips: 1, bytesRead: 1, warnings: [], startedAt: new Date(0).toISOString() };
  const verdicts: Record<string, Partial<VerdictMessage>> = {
    '6.1.2': { status: 'error', reason: '/etc/passwd could not be read: permission denied (run as root or with --sudo)' },
    '6.1.3': { status: 'fail', reason: '/etc/shadow has mode 0644, more permissive than 0640', remediation: { summary: 'set the mode of /etc/shadow', changes: [{ kind: 'set-mode', path: '/etc/shadow', mode: 0o640 }] } },
    '6.1.4': { status: 'fail', reason: 'the password of *root* is `set` [and] <b>expired</b>', waived: true } as Partial<VerdictMessage>,
    '6.1.5': { status: 'fail', reason: '/etc/gshadow has mode 0644, more permissive than 0640', expired: true } as Partial<VerdictMessage>,
  };
  let page: Page;
  const dir = tmp('allure-statuses');
  const shots = process.env.CIS_BDD_SCREENSHOTS ? path.join(process.env.CIS_BDD_SCREENSHOTS, 'statuses') : dir;

  beforeAll(async () => {
    const { presentItem } = await load<AllureItem>('allure-item.js');
    const { generateAllureHtml } = await load<AllureHtml>('allure-html.js');
    mkdirSync(shots, { recursive: true });
    const results = path.join(dir, 'allure-results');
    mkdirSync(results);
    for (const [id, v] of Object.entries(verdicts)) {
      const uuid = randomUUID();
      const r = {
        uuid, name: `${id} Ensure permissions on a file are configured`, fullName: `cis-bdd:features/x.feature#${id}`, historyId: 'a:b', status: 'passed', stage: 'finished',
        statusDetails: { message: 'AssertionError: x', trace: 'AssertionError: x\n    at CisWorld.fail (file:///opt/cis-bdd/dist/steps/support/world.js:93:15)' },
        steps: [{ name: 'Then the file has mode at most 0640', status: 'failed', statusDetails: { message: 'AssertionError: x\n    at y (file:///a.js:1:1)', trace: 'at y' }, stage: 'finished', steps: [], attachments: [], parameters: [] }],
        labels: [{ name: 'suite', value: '6 System Maintenance' }, { name: 'feature', value: '6.1 System File Permissions' }, { name: 'thread', value: 'pid-1' }],
        attachments: [], parameters: [], links: [], start: 1, stop: 2, description: 'Who may read the file.',
      };
      const { waived, expired, ...verdict } = v as Partial<VerdictMessage> & { waived?: boolean; expired?: boolean };
      const waiver = waived ? { waiver: { reason: 'root has no password; login is by key only', owner: 'ops', expires: '2099-01-31', declaredAt: 'policy.yaml:12' }, expired: false }
        : expired ? { waiver: { reason: 'until the migration', owner: 'ops', expires: '2020-01-31', declaredAt: 'policy.yaml:20' }, expired: true } : undefined;
      presentItem(r, { id, evidence: [{ source: '/etc/shadow', excerpt: 'mode 0644 owner root:shadow' }], durationMs: 1, run, ...verdict, waiver } as VerdictMessage,
        ['@id:' + id, '@level:1', '@scored']);
      writeFileSync(path.join(results, `${uuid}-result.json`), JSON.stringify(r));
    }
    const report = { benchmark: { id: BENCHMARK, title: 'CIS Ubuntu Linux 18.04 LTS Benchmark v2.1.0' }, target: { kind: 'ssh', uri: target, os: null } } as unknown as ComplianceReport;
    page = await openReport(await generateAllureHtml(results, path.join(dir, 'allure-report'), report));
  });

  it('shows an error as what could not be read, broken, with no error box or stack trace', async () => {
    await searchTree(page, '6.1.2 ');
    const shown = await openItem(page, `6.1.2 Ensure permissions on a file are configured — error on ${target}`, path.join(shots, 'error-6.1.2.png'));
    expect(shown.title).toBe(`6.1.2 Ensure permissions on a file are configured — error on ${target}`);
    expect(shown.badge).toBe('Broken');
    expect(shown.header).toContain('Category: Could not be read (error)');
    expect(squeeze(shown.description)).toContain(`What could not be read: ${verdicts['6.1.2'].reason}`);
    expect(squeeze(shown.description)).toContain('Remediation: first make what could not be read readable');
    expect(shown.errorBox).toBe(false);
    expect(shown.text + shown.description).not.toMatch(STACK);
  });

  it("shows a failing item's change in words, and text from the target as it is, never as markup", async () => {
    await searchTree(page, '6.1.3 ');
    const fail = await openItem(page, `6.1.3 Ensure permissions on a file are configured — fail on ${target}`, path.join(shots, 'fail-6.1.3.png'));
    expect(squeeze(fail.description)).toContain('set the mode of /etc/shadow to 0640');
    await searchTree(page, '6.1.4 ');
    const waived = await openItem(page, `6.1.4 Ensure permissions on a file are configured — waived on ${target}`, path.join(shots, 'waived-6.1.4.png'));
    expect(squeeze(waived.description)).toContain(`observed fail: ${verdicts['6.1.4'].reason}`);
    expect(squeeze(waived.description)).toContain('Expires: 2099-01-31');
    expect(squeeze(waived.description)).toContain('Declared at: policy.yaml:12');
  });

  it('shows an item whose waiver expired with its real verdict, and says the waiver expired', async () => {
    await searchTree(page, '6.1.5 ');
    const shown = await openItem(page, `6.1.5 Ensure permissions on a file are configured — fail on ${target}`, path.join(shots, 'expired-waiver-6.1.5.png'));
    expect(shown.badge).toBe('Failed');
    expect(shown.header).toContain('Category: Not compliant (fail)');
    expect(squeeze(shown.description)).toContain('Expired waiver: the waiver declared at policy.yaml:20 (until the migration) expired on 2020-01-31; the item counts with its verdict.');
  });
});
