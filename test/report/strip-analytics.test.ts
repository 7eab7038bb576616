/**
 * stripAnalyticsTags finds script elements by their tags instead of one regular expression over the page,
 * and removeAnalytics reads pages one character per byte: both for a fleet's page of a hundred megabytes
 * and more. Here both give what the regular-expression version gave, on generated pages: the version
 * below is the one they replaced, kept as the reference.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/fixtures.js';

type AllureHtml = typeof import('../../src/report/allure-html.js');
const generator = async () => (await import(/* @vite-ignore */ pathToFileURL(path.join(repoRoot, 'dist/src/report/allure-html.js')).href)) as AllureHtml;

// ---------------------------------------------------------------------------------------------------
// The reference: the regular-expression version

const SCRIPT_ELEMENT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const LINK_ELEMENT = /<link\b[^>]*>/gi;
const NOSCRIPT_ELEMENT = /<noscript\b[^>]*>[\s\S]*?<\/noscript\s*>/gi;
const SRC_ATTRIBUTE = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const ANALYTICS_HOSTS = /googletagmanager|google-analytics/i;
const ANALYTICS_IDENTIFIERS = /\bgtag\b|\bdataLayer\b/;
const STRING_LITERAL = /"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'|`[^`\\]*(?:\\.[^`\\]*)*`/g;

function referenceStrip(html: string): { html: string; removed: string[] } {
  const removed: string[] = [];
  const drop = (tag: string) => {
    removed.push(tag.replace(/\s+/g, ' ').slice(0, 120));
    return '';
  };
  let out = html.replace(SCRIPT_ELEMENT, (tag: string, attributes: string, body: string) => {
    const m = SRC_ATTRIBUTE.exec(attributes);
    const src = m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
    if (src.trim().toLowerCase().startsWith('data:')) return tag;
    if (ANALYTICS_HOSTS.test(src) || ANALYTICS_HOSTS.test(body)) return drop(tag);
    if (!ANALYTICS_IDENTIFIERS.test(body)) return tag;
    return ANALYTICS_IDENTIFIERS.test(body.replace(STRING_LITERAL, '""')) ? drop(tag) : tag;
  });
  out = out.replace(LINK_ELEMENT, (tag) => (ANALYTICS_HOSTS.test(tag) ? drop(tag) : tag));
  out = out.replace(NOSCRIPT_ELEMENT, (tag) => (ANALYTICS_HOSTS.test(tag) ? drop(tag) : tag));
  return { html: out, removed };
}

// ---------------------------------------------------------------------------------------------------
// Generated pages: pieces of markup, script code, strings and the analytics' names, in any order

const PIECES = [
  '<script', '<SCRIPT', '<script ', '<scripts', '<script async>', '<script defer type="module">', '<Script\n  async\n>',
  '</script>', '</script >', '</SCRIPT\n>', '</scripts>', '</script', '>', '<', ' ', '\n', '\t',
  '"', "'", '`', '\\', '\\"', '(', ')', ';', '=',
  'src=', ' src="https://www.googletagmanager.com/gtag/js?id=G-X"', " src='//www.google-analytics.com/analytics.js'", ' src=https://cdn.example/app.js',
  ' src="data:text/javascript;base64,Z3RhZygp"', " SRC = 'data:x'",
  'gtag', 'gtag(', "gtag('config','G-X')", 'dataLayer', 'window.dataLayer=window.dataLayer||[];', 'xgtag', 'gtag_x', 'GTAG',
  'googletagmanager', 'Google-Analytics.com', 'd("data/tree.json","QUJD")', 'window.allureReportOptions={"name":"gtag dataLayer"}',
  '<link rel=preconnect href=https://www.google-analytics.com>', '<link href="app.css">', '<LINK rel="dns-prefetch" href="//googletagmanager.com">',
  '<noscript>', '</noscript>', '<noscript><iframe src="https://www.googletagmanager.com/ns.html"></iframe></noscript>',
  'é', '中文', 'a', 'x=1', '<div id="app"></div>',
];
const page = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));

describe('removing the analytics from a page, as the regular-expression version did', () => {
  it('gives the same page and the same removed tags on generated pages', async () => {
    const { stripAnalyticsTags } = await generator();
    fc.assert(fc.property(page, (html) => {
      expect(stripAnalyticsTags(html)).toEqual(referenceStrip(html));
    }), { numRuns: 3000 });
  });

  it('is the same on pages built around a real template, with the analytics in any place', async () => {
    const { stripAnalyticsTags } = await generator();
    const template = (before: string, inside: string, after: string) => `<!DOCTYPE html><html><head>${before}<script>window.allureReportOptions = {"reportName":"r"}</script></head>
<body><div id="app"></div><script src="data:text/javascript;base64,Y29uc29sZS5sb2coMSk="></script>${inside}
<script defer>Promise.allSettled([d("widgets/statistic.json","e30=")])</script>${after}</body></html>`;
    fc.assert(fc.property(page, page, page, (a, b, c) => {
      const html = template(a, b, c);
      expect(stripAnalyticsTags(html)).toEqual(referenceStrip(html));
    }), { numRuns: 1000 });
  });
});

// ---------------------------------------------------------------------------------------------------
// A report directory: the page's bytes

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('removeAnalytics on a report directory', () => {
  it('writes back the bytes the regular-expression version wrote, non-ASCII text included, and names the removed tags in UTF-8', async () => {
    const { removeAnalytics } = await generator();
    const gtag = `<script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>
<script>/* rapport généré, 报告 */ window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date());</script>`;
    const html = `<!DOCTYPE html><html><head><title>Rapport de conformité — 合规报告</title>${gtag}</head><body><p>Prüfung ✓</p>
<script defer>d("data/a.json","${Buffer.from('{"name":"élément"}').toString('base64')}")</script></body></html>`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-strip-'));
    scratch.push(dir);
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'index.html'), html);
    const { removed } = await removeAnalytics(dir);
    const expected = referenceStrip(html);
    expect(readFileSync(path.join(dir, 'index.html'))).toEqual(Buffer.from(expected.html, 'utf8'));
    expect(removed).toEqual(expected.removed.map((tag) => `index.html: ${tag}`));
    expect(removed.join('\n')).toContain('rapport généré, 报告');
  });

  it('refuses a file that calls gtag with white space outside ASCII before the parenthesis (a file is read one character per byte)', async () => {
    const { removeAnalytics } = await generator();
    for (const space of ['\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028']) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-strip-'));
      scratch.push(dir);
      writeFileSync(path.join(dir, 'index.html'), '<!DOCTYPE html><html><body><p>report</p></body></html>');
      writeFileSync(path.join(dir, 'app.js'), `window.x = 1; gtag${space}("config", "G-X");`);
      await expect(removeAnalytics(dir), JSON.stringify(space)).rejects.toThrow(/app\.js.*gtag/);
    }
  });
});
