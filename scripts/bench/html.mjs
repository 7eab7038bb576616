/**
 * The bench's HTML report rows (issue 18: "the HTML report for one target in under 0.5 s of added wall
 * time, and for fifty targets in under 5 s"):
 *
 * - one target, inside the audit: the full Ubuntu fixture audit with the HTML report minus the same audit
 *   with --no-html (runs alternating, medians of each);
 * - one target, on demand: `cis-bdd report DIR` on that audit's output (a whole process: start-up, loading
 *   Allure, reading the results, rendering the single-file report, removing the analytics);
 * - fifty targets: fifty copies of one audit's output, each under its own target name (the target URI in
 *   every result and in compliance.json replaced, the result's uuid, testCaseId and historyId made again
 *   as src/report/allure-item.ts makes them from the target), listed in a fleet.json by `cis-bdd merge`.
 *   Timed: the copy of the fifty allure-results into one that the fleet command makes (fleet.ts,
 *   mergeAllureResults); `cis-bdd report DIR` of those merged results (what the fleet command's HTML
 *   costs after that copy); and `cis-bdd report DIR` without them, reading the targets' own directories.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { median, runTimed, scratchPath } from './proc.mjs';
import { BENCHMARKS, cli, repoRoot, ROOTS } from './targets.mjs';

const MERGE = `const { mergeAllureResults } = await import(${JSON.stringify(path.join(repoRoot, 'dist/src/fleet.js'))});
const [into, ...dirs] = process.argv.slice(1);
await mergeAllureResults(dirs, into);`;

export const HTML_BUDGET = { oneTargetMs: 500, fleetMs: 5000 };

async function timed(args, ok = [0, 1, 3]) {
  const env = { ...process.env };
  delete env.CIS_BDD_TRACE;
  const r = await runTimed(process.execPath, [cli, ...args], { cwd: repoRoot, env, rss: true, timeoutMs: 10 * 60_000 });
  if (!ok.includes(r.code)) throw new Error(`cis-bdd ${args[0]} exited ${r.code ?? r.signal}: ${String(r.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

const auditArgs = (out, extra) => ['audit', '--target', `rootfs:${ROOTS.ubuntu}`, '--benchmark', BENCHMARKS.ubuntu, '--level', '2', '--out', out, '--quiet', ...extra];

/** One audit with the HTML report and one without, `runs` times, alternating. */
async function auditWithAndWithout(runs, log) {
  const withHtml = [];
  const without = [];
  for (let i = 0; i < runs; i++) {
    for (const [list, extra] of [[without, ['--no-html']], [withHtml, []]]) {
      const out = scratchPath('html-audit');
      try {
        list.push(await timed(auditArgs(out, extra)));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    log(`  run ${i + 1}: audit ${Math.round(withHtml[i].wallMs)} ms with the HTML report, ${Math.round(without[i].wallMs)} ms with --no-html`);
  }
  return { withHtml, without };
}

/** `cis-bdd report DIR` `runs` times; `before` readies DIR for each run. */
async function reportRuns(dir, runs, log, label, before = () => {}) {
  const r = [];
  for (let i = 0; i < runs; i++) {
    await before();
    r.push(await timed(['report', dir], [0]));
    log(`  ${label}, run ${i + 1}: ${Math.round(r[i].wallMs)} ms`);
  }
  return r;
}

/** The fleet command's copy of every target's allure-results into DIR/allure-results (fleet.ts). */
async function mergeOnce(fleet) {
  const into = path.join(fleet.dir, 'allure-results');
  rmSync(into, { recursive: true, force: true });
  const dirs = fleet.reports.map((r) => path.join(path.dirname(r), 'allure-results'));
  const r = await runTimed(process.execPath, ['--input-type=module', '-e', MERGE, into, ...dirs], { cwd: repoRoot, rss: true, timeoutMs: 10 * 60_000 });
  if (r.code !== 0) throw new Error(`merging the results exited ${r.code ?? r.signal}: ${String(r.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

/** Fifty (`size`) targets made of one audit's output: DIR/target-NN/{compliance.json,allure-results}, and fleet.json. */
function fleetOfCopies(source, size) {
  const dir = scratchPath('html-fleet');
  const report = readFileSync(path.join(source, 'compliance.json'), 'utf8');
  const uri = JSON.parse(report).target.uri;
  const files = readdirSync(path.join(source, 'allure-results'));
  const md5 = (s) => createHash('md5').update(s).digest('hex');
  const reports = [];
  for (let n = 1; n <= size; n++) {
    const name = `target-${String(n).padStart(2, '0')}`;
    const target = `rootfs:/srv/fleet/${name}`;
    const results = path.join(dir, name, 'allure-results');
    mkdirSync(results, { recursive: true });
    writeFileSync(path.join(dir, name, 'compliance.json'), report.split(uri).join(target));
    for (const f of files) {
      const text = readFileSync(path.join(source, 'allure-results', f), 'utf8').split(uri).join(target);
      if (!f.endsWith('-result.json')) {
        writeFileSync(path.join(results, f), text);
        continue;
      }
      const r = JSON.parse(text);
      r.uuid = randomUUID();
      r.testCaseId = md5(r.fullName);
      r.historyId = `${r.testCaseId}:${String(r.historyId).split(':')[1] ?? md5('')}`;
      writeFileSync(path.join(results, `${r.uuid}-result.json`), JSON.stringify(r));
    }
    reports.push(path.join(dir, name, 'compliance.json'));
  }
  return { dir, reports, resultFiles: files.filter((f) => f.endsWith('-result.json')).length * size };
}

const summarize = (runs) => ({
  wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)), peakRssKb: median(runs.map((r) => r.peakRssKb)),
  spread: [Math.min(...runs.map((r) => r.wallMs)), Math.max(...runs.map((r) => r.wallMs))],
});

/** The rows: { key, label, wallMs, cpuMs, peakRssKb, spread, bytes?, addedMs?, error? } */
export async function measureHtml(runs, log, { fleetSize = 50 } = {}) {
  const rows = [];
  const fail = (key, label, e) => { rows.push({ key, label, error: e.message }); log(`${label}: NOT MEASURED: ${e.message}`); };

  log(`HTML report: audit of the Ubuntu fixture with and without it, ${runs} run(s) each`);
  try {
    const { withHtml, without } = await auditWithAndWithout(runs, log);
    const a = summarize(withHtml);
    const b = summarize(without);
    rows.push({ key: 'audit-html', label: 'one target: audit with the HTML report', ...a });
    rows.push({ key: 'audit-no-html', label: 'one target: audit --no-html', ...b });
    rows.push({ key: 'added', label: 'one target: added by the HTML report (difference of the medians)', wallMs: a.wallMs - b.wallMs, cpuMs: a.cpuMs - b.cpuMs, added: true });
  } catch (e) { fail('added', 'one target: added by the HTML report', e); }

  const source = scratchPath('html-source');
  try {
    await timed(auditArgs(source, ['--no-html', '--formats', 'none']));
    log(`HTML report: cis-bdd report of one audit's output, ${runs} run(s)`);
    const r = await reportRuns(source, runs, log, 'one target');
    rows.push({ key: 'report-one', label: 'one target: cis-bdd report DIR', ...summarize(r), bytes: statSync(path.join(source, 'allure-report', 'index.html')).size, results: readdirSync(path.join(source, 'allure-results')).filter((f) => f.endsWith('-result.json')).length });

    log(`HTML report: ${fleetSize} targets made of that audit's output, merged and reported, ${runs} run(s)`);
    const fleet = fleetOfCopies(source, fleetSize);
    try {
      await timed(['merge', '--out', fleet.dir, ...fleet.reports]);
      const merges = [];
      for (let i = 0; i < runs; i++) {
        merges.push(await mergeOnce(fleet));
        log(`  ${fleetSize} targets, the fleet's copy of the results, run ${i + 1}: ${Math.round(merges[i].wallMs)} ms`);
      }
      rows.push({ key: 'merge-fleet', label: `${fleetSize} targets: the fleet's copy of the results into one directory`, ...summarize(merges), results: fleet.resultFiles });
      const index = path.join(fleet.dir, 'allure-report', 'index.html');
      const merged = await reportRuns(fleet.dir, runs, log, `${fleetSize} targets, merged`);
      rows.push({ key: 'report-fleet', label: `${fleetSize} targets: cis-bdd report DIR of the merged results`, ...summarize(merged), bytes: statSync(index).size, results: fleet.resultFiles });
      rmSync(path.join(fleet.dir, 'allure-results'), { recursive: true, force: true });
      const own = await reportRuns(fleet.dir, runs, log, `${fleetSize} targets, the targets' own results`);
      rows.push({ key: 'report-fleet-own', label: `${fleetSize} targets: cis-bdd report DIR of the targets' own results`, ...summarize(own), bytes: statSync(index).size, results: fleet.resultFiles });
    } finally {
      rmSync(fleet.dir, { recursive: true, force: true });
    }
  } catch (e) {
    fail('report', 'cis-bdd report', e);
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  return rows;
}

export const HTML_HEADER = ['HTML report (Ubuntu fixture, full benchmark)', 'results', 'wall', 'wall min–max', 'CPU', 'peak RSS', 'index.html'];

export function htmlCells(rows, { fmtMs, fmtInt, fmtBytes }) {
  const mb = (kb) => (kb == null ? '—' : `${((kb * 1024) / 1e6).toFixed(0)} MB`);
  return rows.map((r) => (r.error ? [r.label, `not measured: ${r.error.slice(0, 160)}`, '', '', '', '', '']
    : [r.label, r.results == null ? '—' : fmtInt(r.results), fmtMs(r.wallMs), r.spread ? `${fmtMs(r.spread[0])}–${fmtMs(r.spread[1])}` : '—', fmtMs(r.cpuMs), mb(r.peakRssKb), r.bytes == null ? '—' : fmtBytes(r.bytes)]));
}

/** The issue's two targets, as budget lines: { ok, text } (ok null when not measured). */
export function htmlBudgets(rows, { fmtMs }) {
  const added = rows.find((r) => r.key === 'added');
  const one = rows.find((r) => r.key === 'report-one');
  const fleet = rows.find((r) => r.key === 'report-fleet-own');
  const lines = [];
  if (added) {
    lines.push({ ok: added.error ? null : added.wallMs < HTML_BUDGET.oneTargetMs, text: `HTML report, one target, added to the audit: ${added.error ? `not measured (${added.error})` : fmtMs(added.wallMs)} (budget < ${fmtMs(HTML_BUDGET.oneTargetMs)}, or the report on demand: cis-bdd report DIR ${one?.wallMs != null ? `in ${fmtMs(one.wallMs)}` : 'not measured'})` });
  }
  if (fleet) {
    lines.push({ ok: fleet.error ? null : fleet.wallMs < HTML_BUDGET.fleetMs, text: `HTML report, ${fleet.label.split(':')[0]}: ${fleet.error ? `not measured (${fleet.error})` : `${fmtMs(fleet.wallMs)}, cis-bdd report of the targets' own results`} (budget < ${fmtMs(HTML_BUDGET.fleetMs)})` });
  }
  return lines;
}

export const HTML_DOC = `The Allure HTML report's cost, \`scripts/bench/html.mjs\`. **added by the HTML report**: the full audit of the
Ubuntu fixture with the report, minus the same audit with \`--no-html\` (the runs alternate; the difference of
the medians). **cis-bdd report DIR**: a whole process making the report of that audit's output afterwards
(start-up, loading Allure, reading the results, rendering the single-file index.html, removing Allure's
analytics and checking none is left). **50 targets**: fifty copies of that audit's output, each under its
own target name (the URI replaced in compliance.json and in every result, the result's uuid, testCaseId
and historyId made again from it as \`src/report/allure-item.ts\` does), listed in a fleet.json by
\`cis-bdd merge\`. **the fleet's copy of the results**: the copy of the fifty allure-results into one directory
that the fleet command makes after its audits (\`mergeAllureResults\`, src/fleet.ts); **of the merged
results**: \`cis-bdd report DIR\` of that directory, what the fleet command's HTML costs after the copy;
**of the targets' own results**: \`cis-bdd report DIR\` without it, reading the fifty directories where they are.`;
