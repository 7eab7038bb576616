/**
 * The bench's local-host rows: a full audit of the machine the bench runs on (`--target local --benchmark
 * closest`, Level 2, --no-html), warm (one run first, not counted, fills the page cache), and a one-item
 * audit of it (the start-up of an audit of this machine), and the two items that cost the most alone
 * (6.1.1, the package file verification; 1.1.22, the walk of the local filesystems), with what bounds
 * them: the bytes of the package files 6.1.1 hashes and the MD5 speed of one CPU. Needs root: a full
 * audit reads root-only files.
 * Reading only: an audit never writes to its target.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, runTimed, scratchPath } from './proc.mjs';
import { cli, repoRoot } from './targets.mjs';

/** One audit of this machine; figures from the process and its compliance.json (6.1.1's own time too). */
export async function localAuditOnce(extra = [], timeoutMs = 30 * 60_000) {
  if (process.getuid?.() !== 0) throw new Error('the local-host rows need root (sudo npm run bench)');
  const out = scratchPath('local-report');
  const args = [cli, 'audit', '--target', 'local', '--benchmark', 'closest', '--level', '2', '--out', out, '--no-html', '--quiet', ...extra];
  const env = { ...process.env };
  delete env.CIS_BDD_TRACE;
  const r = await runTimed(process.execPath, args, { cwd: repoRoot, env, rss: true, timeoutMs });
  try {
    if (r.timedOut) throw new Error(`audit of the local host timed out after ${timeoutMs} ms`);
    if (![0, 1, 3].includes(r.code)) throw new Error(`audit of the local host exited ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const report = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));
    const item = report.items.find((i) => i.id === '6.1.1');
    // 1.1.22's evidence names how many entries the walk of the local filesystems went through
    const walk = report.items.find((i) => i.id === '1.1.22')?.evidence?.map((e) => /: (\d+) entries/.exec(e.excerpt ?? '')).find(Boolean);
    return {
      wallMs: r.wallMs, cpuMs: r.cpuMs, peakRssKb: r.peakRssKb, durationMs: report.run.durationMs, roundTrips: report.run.roundTrips,
      benchmark: report.benchmark?.id ?? report.benchmark, itemsRun: report.items.filter((i) => i.status !== 'not-selected').length,
      item611Ms: item && item.status !== 'not-selected' ? item.durationMs : null,
      entriesWalked: walk ? Number(walk[1]) : null,
      // the items that took longest, each its own time in compliance.json
      slowest: report.items.filter((i) => i.status !== 'not-selected').sort((a, b) => b.durationMs - a.durationMs).slice(0, 3).map((i) => ({ id: i.id, ms: i.durationMs })),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** RUNS full audits (after one warm-up run) and RUNS one-item audits; medians. */
export async function measureLocalHost(runs, log) {
  const rows = [];
  const one = async (label, extra, warm) => {
    try {
      if (warm) { log(`${label}: warm-up run (not counted)`); await localAuditOnce(extra); }
      const r = [];
      for (let i = 0; i < runs; i++) {
        r.push(await localAuditOnce(extra));
        log(`  ${label}, run ${i + 1}: wall ${Math.round(r[i].wallMs)} ms${r[i].item611Ms != null ? `, 6.1.1 ${r[i].item611Ms} ms` : ''}`);
      }
      const m = (f) => median(r.map(f).filter((x) => x != null));
      rows.push({ label, benchmark: r[0].benchmark, itemsRun: r[0].itemsRun, wallMs: m((x) => x.wallMs), durationMs: m((x) => x.durationMs), cpuMs: m((x) => x.cpuMs),
        roundTrips: m((x) => x.roundTrips), peakRssKb: m((x) => x.peakRssKb), item611Ms: m((x) => x.item611Ms), entriesWalked: m((x) => x.entriesWalked), slowest: r[0].slowest, spread: [Math.min(...r.map((x) => x.wallMs)), Math.max(...r.map((x) => x.wallMs))] });
    } catch (e) {
      rows.push({ label, error: e.message });
    }
  };
  await one('local host, full audit, warm', [], true);
  await one('local host, audit --only 1.1.1.1 (start-up)', ['--only', '1.1.1.1'], false);
  await one('local host, audit --only 6.1.1 (the package file verification alone)', ['--only', '6.1.1'], false);
  await one('local host, audit --only 1.1.22 (the walk alone)', ['--only', '1.1.22'], false);
  return rows;
}

/**
 * What 6.1.1's verification must hash on this machine, whatever the tool: the files the installed packages'
 * md5sums lists name (dpkg --verify hashes each of them), their count and bytes, and how fast one CPU
 * computes MD5 (node's crypto, OpenSSL's MD5); with the CPUs, a lower bound for hashing them all.
 */
export function packageFileFloor() {
  const info = '/var/lib/dpkg/info';
  let files = 0;
  let bytes = 0;
  let lists;
  try {
    lists = readdirSync(info).filter((f) => f.endsWith('.md5sums'));
  } catch {
    return null; // not a dpkg system
  }
  for (const list of lists) {
    for (const line of readFileSync(path.join(info, list), 'latin1').split('\n')) {
      const m = /^[0-9a-f]{32}  (.+)$/.exec(line);
      if (!m) continue;
      try {
        bytes += statSync(`/${m[1]}`).size;
        files += 1;
      } catch { /* missing: nothing to hash */ }
    }
  }
  const chunk = Buffer.alloc(64 * 1024 * 1024, 0x5a);
  const started = process.hrtime.bigint();
  const hash = createHash('md5');
  for (let i = 0; i < 8; i++) hash.update(chunk);
  hash.digest();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const md5BytesPerSecond = (8 * chunk.length) / seconds;
  const cpus = os.availableParallelism();
  return { files, bytes, md5BytesPerSecond, cpus, floorMs: (bytes / md5BytesPerSecond / cpus) * 1000 };
}

export const LOCAL_HEADER = ['audit (as root, --no-html)', 'benchmark', 'items run', 'wall', 'wall min–max', 'in-process', 'CPU', '6.1.1', 'entries walked', 'round trips', 'peak RSS'];
export function localCells(rows, { fmtMs, fmtInt }) {
  const mb = (kb) => (kb == null ? '—' : `${((kb * 1024) / 1e6).toFixed(0)} MB`);
  return rows.map((r) => (r.error ? [r.label, `not measured: ${r.error.slice(0, 160)}`, '', '', '', '', '', '', '', '', '']
    : [r.label, r.benchmark ?? '—', fmtInt(r.itemsRun), fmtMs(r.wallMs), `${fmtMs(r.spread[0])}–${fmtMs(r.spread[1])}`, fmtMs(r.durationMs), fmtMs(r.cpuMs),
      r.item611Ms == null ? '—' : fmtMs(r.item611Ms), r.entriesWalked == null ? '—' : fmtInt(r.entriesWalked), fmtInt(r.roundTrips), mb(r.peakRssKb)]));
}

/**
 * How many of the entries a walk of this machine goes through are the bench's own cached trees (the
 * million-file and 300,000-file trees under DIR), counted as the walk counts them (find, not crossing
 * into other filesystems); null when there are none.
 */
export function benchTreeEntries(dir) {
  try {
    return execFileSync('find', [dir, '-xdev', '-printf', '.'], { maxBuffer: 1 << 30 }).length;
  } catch {
    return null;
  }
}
