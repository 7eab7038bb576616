/**
 * A fleet: several targets audited at once, at most `concurrency` at a time. By default in this process:
 * cucumber, the step library and the engine load once, and each target's audit runs with its own session
 * (src/engine/session.ts withSession), so its report is the one a single audit of it writes. With
 * `isolate`, each target in its own cis-bdd process instead (a crash stays with its target, at the cost of
 * loading everything again per target). Each target writes its own compliance.json and summary.txt;
 * fleet.json summarises them; the Allure results are merged into one report in which each target is its
 * own parent suite. An unreachable target is reported and does not stop the others. (`cis-bdd merge` of
 * reports collected elsewhere: fleet-merge.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportExitCode, type ComplianceReport, type SelectionInfo } from './model/result.js';
import { headlineCounts, formatScore, type HeadlineCounts } from './model/counts.js';
import { UsageError } from './engine/usage-error.js';
import { runContained } from './engine/crash-scope.js';
import type { AuditOptions } from './api.js';

export interface FleetTarget {
  uri: string;
  identity?: string;
  policy?: string;
  /** where the target's file was declared, for messages */
  line?: number;
}

/**
 * One target of a fleet. For a target with a report every number comes from `headlineCounts` of its items
 * (the same counts as its compliance.json's summary), so an audit and a `merge` of its compliance.json
 * write the same entry.
 */
export interface FleetEntry {
  target: string;
  /** the Kubernetes node, for reports made by the image's node audit */
  node?: string;
  /** not-audited: the fleet was interrupted (Ctrl-C, SIGTERM) before this target started */
  status: 'compliant' | 'failing' | 'errors' | 'unreachable' | 'crashed' | 'not-audited';
  exitCode: number | null;
  /** the benchmark the target was audited against (null without a report) */
  benchmark: string | null;
  /** the policy applied, if any */
  policy: { name: string; file: string; sha256: string } | null;
  /** which items were selected (level, scored only, only, tags, policy include/exclude) */
  selection: SelectionInfo | null;
  /** the headline counts and score (README: Counts and score); null without a report */
  counts: HeadlineCounts | null;
  /** counts.score */
  score: number | null;
  /** ids of the selected scored items that failed (counts.fail of them) */
  failing: string[];
  /** ids of the not-scored items that failed (counts.notScoredFail of them) */
  failingNotScored: string[];
  /** ids of the items in error (counts.error of them) */
  errors: string[];
  message?: string;
  /** the audit's duration as its report records it (without a report: how long the attempt took) */
  durationMs: number;
  report?: string;
}

export interface FleetReport {
  /** 2.0.0: per target benchmark, policy, selection and headline counts; failing = scored failures only */
  schemaVersion: '2.0.0';
  generatedAt: string;
  targets: FleetEntry[];
  counts: { targets: number; compliant: number; failing: number; errors: number; unreachable: number; crashed: number; notAudited?: number };
}

/** Parse a --targets file: one URI a line, then optional identity=PATH and policy=PATH; # comments. */
export function parseTargetsFile(text: string, file: string): FleetTarget[] {
  const out: FleetTarget[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [uri, ...opts] = line.split(/\s+/);
    const t: FleetTarget = { uri, line: i + 1 };
    for (const o of opts) {
      const m = /^(identity|policy)=(.+)$/.exec(o);
      if (!m) throw new UsageError(`${file}:${i + 1}: unknown option "${o}" (expected identity=PATH or policy=PATH)`);
      const value = path.resolve(path.dirname(file), m[2]);
      if (m[1] === 'identity') t.identity = value; else t.policy = value;
    }
    out.push(t);
  });
  if (!out.length) throw new UsageError(`${file} names no target`);
  return out;
}

/** A directory name for a target: readable and unique within the fleet. */
export function targetSlug(uri: string, taken: Set<string>): string {
  const base = uri.replace(/^[a-z-]+:\/*/, (m) => m.replace(/[:/]+$/, '-')).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'target';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

export function defaultConcurrency(targets: FleetTarget[]): number {
  const cpus = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  // remote audits mostly wait on the network; local ones (rootfs, docker) use this machine's CPU
  const remote = targets.every((t) => t.uri.startsWith('ssh://'));
  return Math.max(1, Math.min(targets.length, remote ? Math.max(8, cpus * 4) : cpus));
}

export interface FleetOptions {
  targets: FleetTarget[];
  out: string;
  concurrency?: number;
  /** arguments passed to every per-target audit (benchmark, level, policy, known-hosts, ...) */
  auditArgs: string[];
  /** a target finished: a line saying how, and the target */
  onProgress?: (line: string, uri?: string) => void;
  /** a target's audit started */
  onStart?: (uri: string) => void;
  /**
   * The audit options every target shares (benchmark, selection, policy, credentials, limits): the
   * targets are audited in this process. Without them, each in its own process with `auditArgs`.
   */
  inProcess?: AuditOptions;
  /** the signal that interrupted the fleet, if one did: the targets not started yet are not audited */
  interrupted?: () => 'SIGINT' | 'SIGTERM' | undefined;
}

export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const out = path.resolve(options.out);
  await fs.mkdir(out, { recursive: true });
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/cis-bdd.mjs');
  const taken = new Set<string>();
  const jobs = options.targets.map((t) => ({ t, dir: path.join(out, targetSlug(t.uri, taken)) }));
  const results: FleetEntry[] = new Array(jobs.length);
  let next = 0;
  const limit = options.concurrency ?? defaultConcurrency(options.targets);
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const { t, dir } = jobs[i];
      const signal = options.interrupted?.();
      if (signal) {
        results[i] = { ...emptyEntry(t.uri, 'not-audited', null, 0), message: `not audited: the fleet was interrupted (${signal}) before this target started` };
        continue;
      }
      options.onStart?.(t.uri);
      results[i] = options.inProcess ? await auditHere(t, dir, options.inProcess) : await auditOne(bin, t, dir, options.auditArgs);
      options.onProgress?.(`${results[i].status.padEnd(11)} ${t.uri}${results[i].score !== null ? ` score ${results[i].score}%` : ''}${results[i].message ? ` — ${results[i].message}` : ''}`, t.uri);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  const report = fleetReport(results);
  await fs.writeFile(path.join(out, 'fleet.json'), `${JSON.stringify(report, null, 2)}\n`);
  await mergeAllureResults(jobs.map((j) => path.join(j.dir, 'allure-results')), path.join(out, 'allure-results'));
  return report;
}

/** The per-target processes running now (--isolate), so that an interrupt of the fleet reaches them. */
const runningChildren = new Set<ChildProcess>();

/**
 * Pass Ctrl-C or SIGTERM on to the per-target processes (a signal sent to the fleet's process alone would
 * not reach them): each stops and writes what it measured, marked interrupted.
 */
export function interruptFleetProcesses(signal: 'SIGINT' | 'SIGTERM'): void {
  for (const child of runningChildren) child.kill(signal);
}

function auditOne(bin: string, t: FleetTarget, dir: string, common: string[]): Promise<FleetEntry> {
  const args = [bin, 'audit', '--target', t.uri, '--out', dir, '--no-html', ...common];
  if (t.identity) args.push('--identity', t.identity);
  if (t.policy) args.push('--policy', t.policy);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    runningChildren.add(child);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', async (code) => {
      runningChildren.delete(child);
      const file = path.join(dir, 'compliance.json');
      const r = code === null ? undefined : await readReport(file);
      let entry: FleetEntry;
      if (r && (code === 0 || code === 1 || code === 3 || code === 130 || code === 143 || (code === 2 && r.run?.targetLost))) {
        // the same entry `merge` makes of this compliance.json; the exit code is the process's own
        entry = { ...entryOf(r, file, t.uri), exitCode: code };
      } else if (code === 130 || code === 143) {
        // its process was interrupted before its audit could start: it wrote no report
        entry = emptyEntry(t.uri, 'not-audited', code, Date.now() - started);
        entry.message = `not audited: interrupted (${code === 130 ? 'SIGINT' : 'SIGTERM'}) before this target's audit could start; no report`;
      } else if (code === 2) {
        entry = emptyEntry(t.uri, 'unreachable', code, Date.now() - started);
        entry.message = stderr.trim().split('\n').pop()?.replace(/^cis-bdd: /, '');
      } else {
        entry = emptyEntry(t.uri, 'crashed', code, Date.now() - started);
        entry.message = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500) || `exit ${code}`;
      }
      resolve(entry);
    });
  });
}

/**
 * One target audited in this process: the files and the entry its own `cis-bdd audit --no-html` process
 * would have written. Bad options or an unreachable target (a UsageError) make it unreachable, as its
 * process would have exited 2; any other error is a crash of its audit, with the error's message.
 */
async function auditHere(t: FleetTarget, dir: string, shared: AuditOptions): Promise<FleetEntry> {
  const started = Date.now();
  const { runAudit, resultPaths, auditsInterrupted } = await import('./api.js');
  try {
    // an uncaught error of this target's audit ends this audit only, as a crash (src/engine/crash-scope.ts)
    const result = await runContained(() => runAudit({ ...shared, target: t.uri, out: dir, identityFile: t.identity ?? shared.identityFile, policy: t.policy ?? shared.policy }));
    const { formatSummary, reportLaterLine } = await import('./report/summary.js');
    const paths = resultPaths(result);
    // as the target's own `cis-bdd audit --no-html` says it
    if (result.allureResultsDir) paths.push(reportLaterLine(result.outDir));
    await fs.writeFile(path.join(result.outDir, 'summary.txt'), formatSummary(result.report, paths));
    return { ...entryOf(result.report, result.compliancePath, t.uri), exitCode: result.exitCode };
  } catch (e) {
    const signal = auditsInterrupted();
    if (signal) return { ...emptyEntry(t.uri, 'not-audited', null, Date.now() - started), message: `not audited: the fleet was interrupted (${signal}) before this target's audit could start; no report` };
    if (e instanceof UsageError) return { ...emptyEntry(t.uri, 'unreachable', 2, Date.now() - started), message: `${e.label}: ${e.message}` };
    return { ...emptyEntry(t.uri, 'crashed', null, Date.now() - started), message: String((e as Error)?.stack ?? e).split('\n').slice(0, 3).join(' ').slice(0, 500) };
  }
}

/** A target's compliance.json, or undefined when there is none (or it is not a report). */
async function readReport(file: string): Promise<ComplianceReport | undefined> {
  try {
    const r = JSON.parse(await fs.readFile(file, 'utf8')) as ComplianceReport;
    return r && Array.isArray(r.items) ? r : undefined;
  } catch {
    return undefined;
  }
}

function emptyEntry(target: string, status: FleetEntry['status'], exitCode: number | null, durationMs: number): FleetEntry {
  return { target, status, exitCode, benchmark: null, policy: null, selection: null, counts: null, score: null, failing: [], failingNotScored: [], errors: [], durationMs };
}

export function fleetReport(entries: FleetEntry[]): FleetReport {
  const n = (s: FleetEntry['status']) => entries.filter((e) => e.status === s).length;
  return {
    schemaVersion: '2.0.0',
    generatedAt: new Date().toISOString(),
    targets: entries,
    counts: {
      targets: entries.length, compliant: n('compliant'), failing: n('failing'), errors: n('errors'), unreachable: n('unreachable'), crashed: n('crashed'),
      ...(n('not-audited') ? { notAudited: n('not-audited') } : {}),
    },
  };
}

/**
 * Every target's Allure results in one directory (file names are unique UUIDs): hard links to the
 * targets' files (written once, never changed), or copies where a link cannot be made (another
 * filesystem, a filesystem without links). A file already there is replaced.
 */
export async function mergeAllureResults(dirs: string[], into: string): Promise<number> {
  await fs.mkdir(into, { recursive: true });
  let n = 0;
  let link = true;
  for (const d of dirs) {
    const files = await fs.readdir(d).catch(() => [] as string[]);
    for (const f of files) {
      if (f === 'categories.json' && n) continue;
      const from = path.join(d, f);
      const to = path.join(into, f);
      if (link) {
        try {
          await fs.link(from, to).catch(async (e: NodeJS.ErrnoException) => {
            if (e.code !== 'EEXIST') throw e;
            await fs.rm(to, { force: true });
            await fs.link(from, to);
          });
          n++;
          continue;
        } catch {
          link = false;
        }
      }
      await fs.copyFile(from, to);
      n++;
    }
  }
  return n;
}

/** The node a report was made on, when the image's node audit made it (target.node). */
export function nodeOf(r: ComplianceReport): string | undefined {
  const node = (r.target as { node?: unknown } | null)?.node;
  return typeof node === 'string' && node ? node : undefined;
}

/**
 * A fleet entry from a target's compliance.json: the headline counts of its items, its benchmark, policy
 * and selection, and the exit code the report implies (reportExitCode, what `cis-bdd audit` exits with).
 */
export function entryOf(r: ComplianceReport, report: string, target?: string): FleetEntry {
  const counts = headlineCounts(r.items);
  const node = nodeOf(r);
  const exitCode = reportExitCode(r);
  const ids = (keep: (i: ComplianceReport['items'][number]) => boolean) => r.items.filter(keep).map((i) => i.id);
  return {
    target: target ?? node ?? r.target?.uri ?? report,
    ...(node ? { node } : {}),
    status: statusFor(exitCode),
    exitCode,
    benchmark: r.benchmark?.id ?? null,
    policy: r.policy ? { name: r.policy.name, file: r.policy.file, sha256: r.policy.hash } : null,
    selection: r.selection ?? null,
    counts,
    score: counts.score,
    failing: ids((i) => i.scored && i.status === 'fail'),
    failingNotScored: ids((i) => !i.scored && i.status === 'fail'),
    errors: ids((i) => i.status === 'error'),
    ...(r.run?.interrupted ? { message: `interrupted by ${r.run.interrupted.signal}` } : r.run?.targetLost ? { message: `target lost during the audit: ${r.run.targetLost}` } : {}),
    durationMs: r.run?.durationMs ?? 0,
    report,
  };
}

/** A target's status from its exit code: 0 compliant, 1 failing, 3 errors, 2 unreachable, else crashed. */
function statusFor(code: number): FleetEntry['status'] {
  return code === 0 ? 'compliant' : code === 1 ? 'failing' : code === 3 ? 'errors' : code === 2 ? 'unreachable' : 'crashed';
}


export function formatFleet(r: FleetReport): string {
  const line = '-'.repeat(72);
  const rows = r.targets.map((t) => `${t.status.padEnd(12)}${(t.counts ? formatScore(t.score) : '-').padStart(7)}  ${t.target}${t.benchmark ? `  [${t.benchmark}]` : ''}${t.counts ? `  (${t.counts.pass} pass, ${t.counts.fail} fail, ${t.counts.error} error)` : ''}${t.message ? `  ${t.message}` : ''}`);
  const c = r.counts;
  return [line, `Fleet: ${c.targets} target(s): ${c.compliant} compliant, ${c.failing} failing, ${c.errors} with errors, ${c.unreachable} unreachable${c.crashed ? `, ${c.crashed} crashed` : ''}${c.notAudited ? `, ${c.notAudited} not audited (interrupted)` : ''}`, line, ...rows, line, ''].join('\n');
}

/** Fleet exit code: 1 if a target failed, else 2 if one was unreachable or crashed, else 3 for errors, else 0. */
export function fleetExitCode(r: FleetReport): number {
  if (r.counts.failing) return 1;
  if (r.counts.unreachable || r.counts.crashed) return 2;
  if (r.counts.errors) return 3;
  return 0;
}
