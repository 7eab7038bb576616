/**
 * The Allure Report 3 HTML ("awesome" plugin) for an audit's Allure results, generated offline through
 * Allure's own programmatic API, with the plugin's hard-coded Google Analytics snippet removed.
 *
 * - One self-contained index.html (scripts, styles, results and evidence inlined) that an auditor can
 *   open from disk. Results too large to inline (over SINGLE_FILE_LIMIT_BYTES; the plugin would exit the
 *   process on a string too long) become a directory report instead, which a browser shows only when
 *   served over HTTP (e.g. `npx allure open DIR`): from file:// it may not fetch its data files.
 * - Nothing of the auditing machine: Allure's git questions about the current directory come back empty
 *   (withoutGit), so no repository name, branch or remote URL (which may hold a credential) is in it.
 * - Nothing is fetched: no history, no Allure service, no CDN. The report never calls home either: the
 *   awesome template appends a gtag.js loader and its inline config whatever the options (only the
 *   allure2 plugin honours ALLURE_NO_ANALYTICS). Every file of the report is cleaned of those tags, and
 *   generation fails if any reference to the analytics hosts or gtag() remains anywhere in its code.
 */
import { createRequire } from 'node:module';
import { promises as fs, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ComplianceReport } from '../model/result.js';
import { COMPLIANCE_CATEGORIES, STRUCTURAL_LABELS } from './allure-item.js';
import { countsLine, formatScore, headlineCounts } from '../model/counts.js';

/** Results directories larger than this are written as a directory report: the single file would hold them base64-encoded in one string. */
export const SINGLE_FILE_LIMIT_BYTES = 64 * 1024 * 1024;

export interface AllureHtmlOptions {
  /** Force single-file (true) or directory (false) output; by default single file unless the results are too large. */
  singleFile?: boolean;
}

/**
 * Generate the report into outDir (replacing an earlier report there) and return the path of its index.html.
 * Several results directories (a fleet's targets', each with its own) make one report, as if merged first.
 */
export async function generateAllureHtml(resultsDir: string | string[], outDir: string, report: ComplianceReport, options: AllureHtmlOptions = {}): Promise<string> {
  const results = (Array.isArray(resultsDir) ? resultsDir : [resultsDir]).map((d) => path.resolve(d));
  const out = path.resolve(outDir);
  if (!results.length) throw new Error('no Allure results directory given');
  for (const dir of results) {
    const stat = await fs.stat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`no Allure results directory at ${dir}`);
  }
  await assertReplaceable(out);
  let size = 0;
  for (const dir of results) size += await directorySize(dir);
  const singleFile = options.singleFile ?? size <= SINGLE_FILE_LIMIT_BYTES;

  await fs.mkdir(path.dirname(out), { recursive: true });
  // Allure moves its plugin's directory up into the output only when the output holds nothing else, so
  // generate into a fresh sibling directory and move it into place once it is complete and clean.
  const staging = await fs.mkdtemp(path.join(path.dirname(out), `.${path.basename(out)}-`));
  try {
    await fs.chmod(staging, 0o755); // mkdtemp makes it private; the report is for handing out
    await runAllure(results, staging, reportName(report), singleFile);
    const index = path.join(staging, 'index.html');
    if (!(await fs.stat(index).catch(() => undefined))?.isFile()) {
      // the report swallows plugin errors (it only logs them), so a missing index.html is the sign of one
      throw new Error('Allure did not write index.html (see the error logged above)');
    }
    await removeAnalytics(staging);
    await replaceDirectory(staging, out);
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true });
    throw e;
  }
  return path.join(out, 'index.html');
}

/** The report of a fleet's merged results (each target its own parent suite), named after the fleet's size. */
export function generateFleetAllureHtml(resultsDir: string | string[], outDir: string, targets: number, options: AllureHtmlOptions = {}): Promise<string> {
  const title = { benchmark: { title: 'cis-bdd fleet' }, target: { uri: `${targets} targets` } } as unknown as ComplianceReport;
  return generateAllureHtml(resultsDir, outDir, title, options);
}

/**
 * "<benchmark title> — <target URI> — score S%; <the headline counts>": the report's name, at the top of
 * its overview, carries the same score and counts as the terminal, summary.txt and compliance.json
 * (src/model/counts.ts); Allure's own totals count its statuses, which are not the score's.
 */
export function reportName(report: Pick<ComplianceReport, 'benchmark' | 'target'> & { items?: ComplianceReport['items'] }): string {
  const name = `${report.benchmark.title} — ${report.target?.uri ?? 'unknown target'}`;
  if (!report.items) return name;
  const counts = headlineCounts(report.items);
  return `${name} — score ${formatScore(counts.score)}; ${countsLine(counts)}`;
}

// ---------------------------------------------------------------------------------------------------
// Allure

type AllureCore = typeof import('@allurereport/core');
type AwesomePluginModule = typeof import('@allurereport/plugin-awesome');
type AwesomePluginOptions = import('@allurereport/plugin-awesome').AwesomePluginOptions;

let modules: Promise<{ core: AllureCore; Awesome: AwesomePluginModule['default'] }> | undefined;

/**
 * Allure's packages as the `allure` package (the project's dependency) resolves them, so the engine and
 * the plugin are always the versions that release was built and tested with.
 */
export function loadAllure() {
  modules ??= (async () => {
    const fromAllure = createRequire(createRequire(import.meta.url).resolve('allure'));
    const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(fromAllure.resolve(name)).href)) as T;
    const [core, awesome] = await Promise.all([load<AllureCore>('@allurereport/core'), load<AwesomePluginModule>('@allurereport/plugin-awesome')]);
    return { core, Awesome: awesome.default };
  })();
  return modules;
}

async function runAllure(resultsDirs: string[], output: string, name: string, singleFile: boolean): Promise<void> {
  const { core, Awesome } = await loadAllure();
  // An empty plugin map: resolveConfig would otherwise add its defaults (awesome, and the "agent" plugin).
  // No history, no known issues, no quality gate, no Allure service: nothing is read or sent elsewhere.
  const config = await core.resolveConfig({ name, output }, { plugins: {} });
  // one category per compliance status (waived by policy, manual review, ...), matched on the item's labels
  config.categories = COMPLIANCE_CATEGORIES;
  // Allure's structural labels repeat the target, chapter and section labels an auditor reads
  config.hideLabels = [...STRUCTURAL_LABELS];
  const awesomeOptions: AwesomePluginOptions = {
    reportName: name,
    singleFile,
    reportLanguage: 'en',
    // the tree: target > chapter ("6 System Maintenance") > section ("6.1 System File Permissions") > item
    groupBy: ['target', 'chapter', 'section'],
  };
  config.plugins = [{ id: 'awesome', enabled: true, options: awesomeOptions, plugin: new Awesome(awesomeOptions) }];
  await withoutGit(async () => {
    const allure = new core.AllureReport(config);
    await allure.start();
    for (const dir of resultsDirs) await allure.readDirectory(dir);
    await allure.done();
  });
}

/**
 * Allure describes the "CI" a report was made in by running git in the current directory: the
 * repository's name, its branch and its origin's URL, which may hold a credential
 * (https://user:token@host/...), end up in the report. That directory is the auditing machine's, not the
 * target's, and nothing of it belongs in an audit report: while Allure runs, git is pointed at a
 * repository that does not exist (GIT_DIR), so every such question comes back empty.
 */
async function withoutGit<T>(fn: () => Promise<T>): Promise<T> {
  const had = Object.prototype.hasOwnProperty.call(process.env, 'GIT_DIR');
  const before = process.env.GIT_DIR;
  process.env.GIT_DIR = path.join(os.tmpdir(), `cis-bdd-no-git-${process.pid}`, 'none');
  try {
    return await fn();
  } finally {
    if (had) process.env.GIT_DIR = before;
    else delete process.env.GIT_DIR;
  }
}

// ---------------------------------------------------------------------------------------------------
// Analytics

/**
 * JavaScript's white space and line ends, as they appear in a file read one character per byte (as the
 * report's files and inlined payloads are checked): ASCII ones as themselves, the others (U+00A0, U+FEFF,
 * U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) as their UTF-8 bytes.
 */
const JS_SPACE = String.raw`(?:\s|\xc2\xa0|\xef\xbb\xbf|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)`;

/** What must not be left anywhere in the report's code: the analytics hosts and the gtag() API. */
export const ANALYTICS_PATTERN = new RegExp(String.raw`googletagmanager|google-analytics|\bgtag${JS_SPACE}*\(`, 'i');

/** a script element's opening tag (its attributes captured) and, searched for after it, its closing tag */
const SCRIPT_OPEN = /<script\b([^>]*)>/gi;
const SCRIPT_CLOSE = /<\/script\s*>/gi;
const LINK_ELEMENT = /<link\b[^>]*>/gi;
const NOSCRIPT_ELEMENT = /<noscript\b[^>]*>[\s\S]*?<\/noscript\s*>/gi;
const SRC_ATTRIBUTE = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const ANALYTICS_HOSTS = /googletagmanager|google-analytics/i;
/** the loader's identifiers: the gtag() API and its queue (looked for in code, not in string literals) */
const ANALYTICS_IDENTIFIERS = /\bgtag\b|\bdataLayer\b/;
/**
 * JavaScript string literals, as "unrolled loops": a run of plain characters, then escapes each followed by
 * another run. The same strings as `"(?:[^"\\\n]|\\.)*"`, whose alternation costs the regular expression
 * engine a backtracking entry per character, and overflows its stack ("Maximum call stack size
 * exceeded") on a literal of some millions of characters: the single-file report of a fleet inlines its
 * tree and search index as one base64 string each, tens of megabytes for fifty targets.
 */
const STRING_LITERAL = /"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'|`[^`\\]*(?:\\.[^`\\]*)*`/g;

/**
 * Remove the analytics tags from an HTML page: external scripts loaded from the analytics hosts, inline
 * scripts that set up gtag, and any <link> (preconnect, prefetch) or <noscript> fallback pointing at those
 * hosts. Scripts inlined as data: URIs (the report's application bundle) are left as they are; they are
 * checked afterwards. Attribute order, quoting and whitespace do not matter. `removed` says what went, the
 * start of each tag as asText gives it (the page read one character per byte gives back its UTF-8 text).
 */
export function stripAnalyticsTags(html: string, asText: (tag: string) => string = (tag) => tag): { html: string; removed: string[] } {
  const removed: string[] = [];
  const drop = (tag: string) => {
    removed.push(asText(tag).replace(/\s+/g, ' ').slice(0, 120));
    return '';
  };
  // Each script element is its opening tag and the first closing tag after it. Only a script that goes is
  // copied: a fleet's page is one string of a hundred megabytes or more, nearly all of it in one script.
  const open = new RegExp(SCRIPT_OPEN);
  const close = new RegExp(SCRIPT_CLOSE);
  const kept: string[] = [];
  let from = 0;
  for (let m = open.exec(html); m; m = open.exec(html)) {
    close.lastIndex = open.lastIndex;
    const end = close.exec(html);
    if (!end) break; // no closing tag after this one: no script element after it either
    open.lastIndex = close.lastIndex;
    if (!isAnalyticsScript(m[1], html.slice(m.index + m[0].length, end.index))) continue;
    kept.push(html.slice(from, m.index));
    drop(html.slice(m.index, close.lastIndex));
    from = close.lastIndex;
  }
  let out = kept.length ? kept.join('') + html.slice(from) : html;
  // a <link> or <noscript> goes only for an analytics host in it: with none anywhere, none goes
  if (ANALYTICS_HOSTS.test(out)) {
    out = out.replace(LINK_ELEMENT, (tag) => (ANALYTICS_HOSTS.test(tag) ? drop(tag) : tag));
    out = out.replace(NOSCRIPT_ELEMENT, (tag) => (ANALYTICS_HOSTS.test(tag) ? drop(tag) : tag));
  }
  return { html: out, removed };
}

/** An external script loaded from an analytics host, or an inline one that sets up gtag; never a script inlined as a data: URI. */
function isAnalyticsScript(attributes: string, body: string): boolean {
  const m = SRC_ATTRIBUTE.exec(attributes);
  const src = m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
  if (src.trim().toLowerCase().startsWith('data:')) return false;
  if (ANALYTICS_HOSTS.test(src) || ANALYTICS_HOSTS.test(body)) return true;
  // the report's own inline scripts carry data in strings (names, CI job and branch names, base64
  // results): only the code around them can tell a gtag setup. Taking the strings out cannot make an
  // identifier appear, so a script without one anywhere (the results' megabytes) is not rewritten to look.
  if (!ANALYTICS_IDENTIFIERS.test(body)) return false;
  return ANALYTICS_IDENTIFIERS.test(body.replace(STRING_LITERAL, '""'));
}

/**
 * Strip the analytics from every HTML file of a generated report, then check every file and every payload
 * inlined in one (base64 data: URIs, the single-file report's data) for what must not remain, and throw
 * if anything does. Attachments are the evidence read from the audited host, shown as text and never run,
 * and are the only content not checked.
 */
export async function removeAnalytics(reportDir: string): Promise<{ removed: string[] }> {
  const removed: string[] = [];
  const offenders: string[] = [];
  for (const file of await listFiles(reportDir)) {
    const rel = path.relative(reportDir, file).split(path.sep).join('/');
    if (isAttachment(rel)) continue;
    let text: string;
    if (/\.html?$/i.test(file)) {
      // A page is read once: stripped, written back if a tag went, and the stripped text checked. It is read
      // as every other file is, one character per byte (latin1): the tags and the patterns are ASCII, bytes
      // come back out exactly as they went in, and a page of a hundred megabytes is one byte a character in
      // memory rather than two. Whitespace and line ends outside ASCII (U+00A0, U+2028, ...) are then not
      // whitespace to the patterns; HTML's tags take only ASCII whitespace.
      const result = stripAnalyticsTags(await fs.readFile(file, 'latin1'), (tag) => Buffer.from(tag, 'latin1').toString('utf8'));
      if (result.removed.length) {
        await fs.writeFile(file, result.html, 'latin1');
        removed.push(...result.removed.map((tag) => `${rel}: ${tag}`));
      }
      text = result.html;
    } else {
      text = await fs.readFile(file, 'latin1');
    }
    for (const unit of [{ name: rel, text }, ...embeddedPayloads(text, rel)]) {
      const m = ANALYTICS_PATTERN.exec(unit.text);
      if (m) offenders.push(`${unit.name}: "${unit.text.slice(Math.max(0, m.index - 40), m.index + 60).replace(/\s+/g, ' ')}"`);
    }
  }
  if (offenders.length) {
    throw new Error(`the Allure report still refers to analytics after the analytics tags were removed; refusing to keep it:\n  ${offenders.join('\n  ')}`);
  }
  return { removed };
}

const isAttachment = (name: string) => /(^|\/)data\/attachments\//.test(name);

/** Base64 content inlined in a file: data: URIs, and the single-file report's d("name", "base64") entries. */
function embeddedPayloads(text: string, file: string): Array<{ name: string; text: string }> {
  const payloads: Array<{ name: string; text: string }> = [];
  for (const m of text.matchAll(/\bd\(\s*"([^"]+)"\s*,\s*"([A-Za-z0-9+/=]*)"\s*\)/g)) {
    if (!isAttachment(m[1])) payloads.push({ name: `${file} (inlined ${m[1]})`, text: Buffer.from(m[2], 'base64').toString('latin1') });
  }
  for (const m of text.matchAll(/data:([\w.+-]+\/[\w.+-]+)?[^,"'\s]*;base64,([A-Za-z0-9+/=]+)/g)) {
    payloads.push({ name: `${file} (inlined ${m[1] ?? 'data'} data: URI)`, text: Buffer.from(m[2], 'base64').toString('latin1') });
  }
  return payloads;
}

// ---------------------------------------------------------------------------------------------------
// Files

async function listFiles(dir: string): Promise<string[]> {
  const entries: Dirent[] = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const file of await listFiles(dir)) total += (await fs.stat(file)).size;
  return total;
}

/** An existing output directory is replaced only if it is empty or an earlier report. */
async function assertReplaceable(dir: string): Promise<boolean> {
  const existing = await fs.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (existing?.length && !existing.includes('index.html')) {
    throw new Error(`${dir} exists and does not hold an Allure report; not replacing it`);
  }
  return existing !== undefined;
}

/** Move a finished report into place. */
async function replaceDirectory(from: string, to: string): Promise<void> {
  if (await assertReplaceable(to)) await fs.rm(to, { recursive: true, force: true });
  await fs.rename(from, to);
}
