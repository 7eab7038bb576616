/**
 * The Allure Report 3 HTML: generated offline, stripped of Allure's Google Analytics, and shown by a real
 * browser (the system's headless Chromium, driven by playwright-core) with as many results as the audit
 * executed, without a single request leaving the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import type { ComplianceReport } from '../../src/model/result.js';

type AllureHtml = typeof import('../../src/report/allure-html.js');
// the compiled module, as the CLI runs it (dist/ is loaded by Node itself, see vitest.config.ts)
const generator = async () => (await import(/* @vite-ignore */ pathToFileURL(path.join(repoRoot, 'dist/src/report/allure-html.js')).href)) as AllureHtml;

const CHROMIUM = process.env.CIS_BDD_CHROMIUM ?? '/usr/bin/chromium';
const BENCHMARK = 'cis-ubuntu-18.04-v2.1.0';
/** what must not be in any file of the report, nor in anything inlined in one (the bundle's `toStringTag` is fine) */
const ANALYTICS = /googletagmanager|google-analytics|\bgtag\b/i;
const scratch: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cis-bdd-${prefix}-`));
  scratch.push(dir);
  return dir;
};

/** Items whose scenario ran: every item but those left out of the selection and those with no scenario. */
const executedCount = (report: ComplianceReport) => report.items.filter((i) => i.status !== 'not-selected' && i.status !== 'unknown').length;

// ---------------------------------------------------------------------------------------------------
// The browser

let browser: BrowserContext | undefined;

async function openBrowser(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
  browser ??= await chromium.launchPersistentContext(tmp('chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      // a request for any host name fails here without touching the network; it is still seen (and counted) below
      '--host-resolver-rules=MAP * ~NOTFOUND',
    ],
  });
  return browser;
}

afterAll(async () => {
  await browser?.close();
  // keep the reports (and report.png) of a run for a look with CIS_BDD_KEEP_REPORTS=1
  if (!process.env.CIS_BDD_KEEP_REPORTS) for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
function isLocal(url: string): boolean {
  const u = new URL(url);
  if (['file:', 'data:', 'blob:', 'about:'].includes(u.protocol)) return true;
  return LOCAL_HOSTS.has(u.hostname) || u.hostname.startsWith('127.');
}

interface PageView {
  title: string;
  heading: string;
  /** the "Total" of the report's summary: how many test results the report holds */
  total: number;
  /** the counter on the "Results" tab */
  resultsTab: number;
  /** the summary's count per status, e.g. { passed: 1, broken: 3 } */
  byStatus: Record<string, number>;
  requests: string[];
  errors: string[];
}

/** Open a report's index.html from disk and read what it shows. */
async function view(indexHtml: string, screenshot?: string): Promise<PageView> {
  const context = await openBrowser();
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(pathToFileURL(indexHtml).href);
    const totalValue = page.locator('[data-testid="metadata-item-total"] [data-testid="metadata-value"]');
    await totalValue.waitFor({ timeout: 30_000 });
    const int = async (text: Promise<string>) => Number.parseInt((await text).replace(/\D+/g, ''), 10);
    const byStatus: Record<string, number> = {};
    for (const item of await page.locator('[data-testid^="metadata-item-"]').all()) {
      const status = (await item.getAttribute('data-testid'))!.slice('metadata-item-'.length);
      byStatus[status] = await int(item.locator('[data-testid="metadata-value"]').innerText());
    }
    const view: PageView = {
      title: await page.title(),
      heading: await page.locator('[data-testid="report-title"]').innerText(),
      total: await int(totalValue.innerText()),
      resultsTab: await int(page.locator('[data-testid="nav-tab-results"] [data-testid="counter"]').innerText()),
      byStatus,
      requests,
      errors,
    };
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return view;
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading a report's files

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Every file of a report, and every base64 payload inlined in one (scripts, styles, data, attachments). */
function reportContents(dir: string): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, 'latin1');
    const name = path.relative(dir, file);
    // long base64 runs are checked decoded, below; as raw text they would match anything by chance
    out.push({ name, text: text.replace(/[A-Za-z0-9+/=]{64,}/g, '') });
    for (const m of text.matchAll(/base64,([A-Za-z0-9+/=]+)/g)) out.push({ name: `${name} (data: URI)`, text: Buffer.from(m[1], 'base64').toString('latin1') });
    for (const m of text.matchAll(/"([A-Za-z0-9+/]{8,}={0,2})"/g)) out.push({ name: `${name} (base64 string)`, text: Buffer.from(m[1], 'base64').toString('latin1') });
  }
  return out;
}

const analyticsIn = (dir: string) => reportContents(dir).filter((c) => ANALYTICS.test(c.text)).map((c) => c.name);

const resultFiles = (resultsDir: string) => readdirSync(resultsDir).filter((f) => f.endsWith('-result.json'));

// ---------------------------------------------------------------------------------------------------

describe('removing the analytics', () => {
  const page = (body: string) => `<!DOCTYPE html><html><head><title>r</title>
<script>
  window.allureReportOptions = {"reportName":"CIS"}
</script></head><body><div id="app"></div>
<script   src="data:text/javascript;base64,${Buffer.from('console.log(1)').toString('base64')}"></script>
${body}
<script async>
  window.allureReportData = window.allureReportData || {};
  function d(name, value){ window.allureReportData[name] = value; }
</script>
<script defer>Promise.allSettled([d("widgets/statistic.json","${Buffer.from('{"total":1}').toString('base64')}")])</script>
</body></html>`;

  const variants: Record<string, string> = {
    'Allure 3.18 awesome template': `<script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', { "report": "awesome" });
    </script>`,
    'other quoting, attribute order, whitespace and case': `<SCRIPT
      src='//www.googletagmanager.com/gtag/js?id=G-ABCDEF1234'
      async ></script ><script type="text/javascript">window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("js",new Date);gtag("config","G-ABCDEF1234")</script
    >`,
    'unquoted src, universal analytics, preconnect and noscript': `<link rel=preconnect href=https://www.google-analytics.com>
    <script async src=https://www.google-analytics.com/analytics.js></script>
    <noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-XXXX"></iframe></noscript>`,
  };

  for (const [name, snippet] of Object.entries(variants)) {
    it(`strips the tags: ${name}`, async () => {
      const { stripAnalyticsTags } = await generator();
      const { html, removed } = stripAnalyticsTags(page(snippet));
      expect(removed.length).toBeGreaterThan(0);
      expect(html).not.toMatch(ANALYTICS);
      expect(html).not.toMatch(/dataLayer/);
      // the report's own scripts stay as they were
      const squeeze = (s: string) => s.replace(/\s+/g, ' ');
      expect(squeeze(html)).toBe(squeeze(page('')));
    });
  }

  it("keeps the report's own inline scripts, whatever their strings say", async () => {
    const { stripAnalyticsTags } = await generator();
    const options = `<script>
      window.allureReportOptions = {"reportName":"CIS \\"x\\"","ci":{"jobName":"dataLayer gtag('config') G-ABCDEF1234","branch":'gtag'}}
    </script>`;
    expect(stripAnalyticsTags(page(options))).toEqual({ html: page(options), removed: [] });
  });

  it("reads a fleet's inlined data of tens of megabytes: one string, with gtag in the code around it or only inside it", async () => {
    // the single-file report of fifty targets inlines its tree as one base64 string of this order of size;
    // matching its string literals with an alternation per character overflowed the regexp stack
    const { stripAnalyticsTags } = await generator();
    const big = 'QUJD'.repeat(5_000_000);
    const data = (code: string) => `<script defer>Promise.allSettled([d("data/tree.json","${big}")]);${code}</script>`;
    const withGtag = stripAnalyticsTags(page(data('gtag("config","G-X");')));
    expect(withGtag.removed).toHaveLength(1);
    expect(withGtag.html).toBe(page(''));
    const inString = page(data('d("ci.json","gtag dataLayer");'));
    expect(stripAnalyticsTags(inString)).toEqual({ html: inString, removed: [] });
  });

  it('throws when a reference to the analytics hosts is left in any file', async () => {
    const { removeAnalytics } = await generator();
    const dir = tmp('analytics');
    writeFileSync(path.join(dir, 'index.html'), page(variants['Allure 3.18 awesome template']));
    const { removed } = await removeAnalytics(dir);
    expect(removed).toEqual([expect.stringContaining('googletagmanager.com/gtag/js'), expect.stringContaining('function gtag()')]);
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).not.toMatch(ANALYTICS);
    writeFileSync(path.join(dir, 'app.js'), 'var s=document.createElement("script");s.src="https://www.google-analytics.com/analytics.js";');
    await expect(removeAnalytics(dir)).rejects.toThrow(/app\.js.*google-analytics\.com/);
  });

  it('throws when a reference is hidden in an inlined script', async () => {
    const { removeAnalytics } = await generator();
    const dir = tmp('analytics');
    const loader = Buffer.from('(function(){var s=document.createElement("script");s.src="https://www.googletagmanager.com/gtag/js";})()').toString('base64');
    writeFileSync(path.join(dir, 'index.html'), page(`<script src="data:text/javascript;base64,${loader}"></script>`));
    await expect(removeAnalytics(dir)).rejects.toThrow(/index\.html \(inlined text\/javascript data: URI\).*googletagmanager\.com/);
  });
});

describe(`the Allure HTML report of an audit (${BENCHMARK} on the Ubuntu 18.04 fixture)`, () => {
  const out = tmp('allure-html');
  let report: ComplianceReport;
  let resultsDir: string;
  let indexHtml: string;
  let generationMs: number;

  beforeAll(async () => {
    const result = await audit({ target: `rootfs:${ensureUbuntuBase()}`, benchmark: BENCHMARK, out, allureResults: true });
    report = result.report;
    resultsDir = result.allureResultsDir!;
    const { generateAllureHtml } = await generator();
    const started = performance.now();
    indexHtml = await generateAllureHtml(resultsDir, path.join(out, 'allure-report'), report);
    generationMs = performance.now() - started;
    console.log(`Allure HTML for ${resultFiles(resultsDir).length} result(s): ${generationMs.toFixed(0)} ms (first use: loads Allure)`);
  });

  it('is one self-contained index.html', () => {
    expect(indexHtml).toBe(path.join(out, 'allure-report', 'index.html'));
    const html = readFileSync(indexHtml, 'utf8');
    expect(html).toMatch(/<script\s+src="data:text\/javascript;base64,/);
    expect(html).not.toMatch(/<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
  });

  it('has no reference to Google Analytics in any file, inlined content included', () => {
    const contents = reportContents(path.join(out, 'allure-report'));
    expect(contents.length).toBeGreaterThan(3);
    expect(analyticsIn(path.join(out, 'allure-report'))).toEqual([]);
  });

  it('shows in Chromium as many test results as the audit executed scenarios, with no request off the machine', async () => {
    const executed = executedCount(report);
    expect(executed).toBeGreaterThan(0);
    expect(resultFiles(resultsDir)).toHaveLength(executed);
    const shown = await view(indexHtml, path.join(out, 'report.png'));
    expect(shown.total).toBe(executed);
    expect(shown.resultsTab).toBe(executed);
    // the report's name carries the score and counts of compliance.json (and so of the terminal and summary.txt)
    const s = report.summary;
    const counts = `${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.unknown} unknown, ${s.notApplicable} not applicable, ${s.manual} manual, ${s.waived} waived`
      + (s.notScoredPass || s.notScoredFail ? `; not scored: ${s.notScoredPass} pass, ${s.notScoredFail} fail` : '');
    expect(shown.heading).toBe(`${report.benchmark.title} — ${report.target!.uri} — score ${s.score === null ? 'n/a' : `${s.score.toFixed(1)}%`}; ${counts}`);
    expect(shown.title).toContain(report.benchmark.title);
    expect(shown.requests.filter((u) => !isLocal(u))).toEqual([]);
    expect(shown.requests.length).toBeGreaterThan(0);
    expect(shown.errors).toEqual([]);
  });

  it("renders each item's evidence in its description, as escaped text", () => {
    const item = report.items.find((i) => i.id === '1.1.1.1')!;
    const excerpt = item.evidence[0].excerpt;
    const html = reportContents(path.join(out, 'allure-report')).map((c) => c.text).join('\n');
    expect(html).toContain('<strong>Evidence</strong>');
    // Allure renders the description's Markdown with raw HTML off: quotes come out as entities
    expect(html).toContain(excerpt.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'));
  });

  it(`stays fast and correct for ~50 results`, async () => {
    // the fixture audit has few scenarios so far: replicate its results as distinct tests
    const many = tmp('allure-results-50');
    const originals = readdirSync(resultsDir);
    for (const f of originals.filter((f) => !f.endsWith('-result.json'))) writeFileSync(path.join(many, f), readFileSync(path.join(resultsDir, f)));
    const results = originals.filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(path.join(resultsDir, f), 'utf8')));
    const copies = Math.ceil(50 / results.length);
    for (let n = 0; n < copies; n++) {
      for (const r of results) {
        const uuid = randomUUID();
        writeFileSync(path.join(many, `${uuid}-result.json`), JSON.stringify({
          ...r, uuid, name: `${r.name} #${n}`, fullName: `${r.fullName} #${n}`, historyId: `${r.historyId}-${n}`, testCaseId: `${r.testCaseId}-${n}`,
          labels: r.labels.filter((l: { name: string }) => l.name !== '_fallbackTestCaseId'),
        }));
      }
    }
    const { generateAllureHtml } = await generator();
    const started = performance.now();
    const index = await generateAllureHtml(many, path.join(out, 'allure-report-50'), report);
    const ms = performance.now() - started;
    console.log(`Allure HTML for ${copies * results.length} results: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(20_000);
    expect(analyticsIn(path.dirname(index))).toEqual([]);
    const shown = await view(index);
    expect(shown.total).toBe(copies * results.length);
    expect(shown.requests.filter((u) => !isLocal(u))).toEqual([]);
  });

  it('replaces an earlier report in the same directory', async () => {
    const { generateAllureHtml } = await generator();
    const dir = path.join(out, 'allure-report');
    writeFileSync(path.join(dir, 'stale.txt'), 'from an earlier run');
    await generateAllureHtml(resultsDir, dir, report);
    expect(existsSync(path.join(dir, 'stale.txt'))).toBe(false);
    expect(existsSync(path.join(dir, 'index.html'))).toBe(true);
  });

  it('refuses to replace a directory that is not a report', async () => {
    const { generateAllureHtml } = await generator();
    const dir = path.join(out, 'not-a-report');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    await expect(generateAllureHtml(resultsDir, dir, report)).rejects.toThrow(/does not hold an Allure report/);
    expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});

describe('scenarios with pending, undefined or ambiguous steps', () => {
  it('are broken in the Allure results and in the HTML report', async () => {
    // a throwaway cucumber project run through the project's Allure formatter
    const dir = tmp('allure-pending');
    mkdirSync(path.join(dir, 'features'));
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'features', 'probe.feature'), [
      'Feature: probe',
      '  Scenario: undefined', '    Given a step nobody defined',
      '  Scenario: pending', '    Given a pending step',
      '  Scenario: ambiguous', '    Given an ambiguous step',
      '  Scenario: passing', '    Given a passing step',
      '',
    ].join('\n'));
    writeFileSync(path.join(dir, 'steps.mjs'), [
      "import { Given } from '@cucumber/cucumber';",
      "Given('a pending step', function () { return 'pending'; });",
      "Given('an ambiguous step', function () {});",
      'Given(/^an ambiguous .*$/, function () {});',
      "Given('a passing step', function () {});",
      '',
    ].join('\n'));
    const resultsDir = path.join(dir, 'allure-results');
    const run = spawnSync(process.execPath, [
      path.join(repoRoot, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), 'features/**/*.feature', '--import', 'steps.mjs',
      '--format', `${path.join(repoRoot, 'dist/src/report/allure-formatter.js')}:${path.join(dir, 'allure.out')}`,
      '--format-options', JSON.stringify({ resultsDir }),
    ], { cwd: dir, encoding: 'utf8' });
    expect(run.stdout).toMatch(/4 scenarios \(1 ambiguous, 1 undefined, 1 pending, 1 passed\)/);
    const statuses = Object.fromEntries(resultFiles(resultsDir).map((f) => {
      const r = JSON.parse(readFileSync(path.join(resultsDir, f), 'utf8'));
      return [r.name, r.status];
    }));
    expect(statuses).toEqual({ undefined: 'broken', pending: 'broken', ambiguous: 'broken', passing: 'passed' });

    const { generateAllureHtml } = await generator();
    const fake = { benchmark: { id: 'probe', title: 'Probe' }, target: { kind: 'local', uri: 'local:', os: null } } as unknown as ComplianceReport;
    const shown = await view(await generateAllureHtml(resultsDir, path.join(dir, 'allure-report'), fake));
    expect(shown.total).toBe(4);
    expect(shown.byStatus).toMatchObject({ total: 4, broken: 3, passed: 1 });
  });
});
