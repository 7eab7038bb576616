/**
 * `cis-bdd diff OLD NEW` and `audit --baseline`: what changed between two audits of the same benchmark,
 * and the regression gate a release pipeline needs. A scored item that fails in NEW and did not fail in
 * OLD (it passed, was in error, was waived, was not selected, ...) is a regression: exit 1. Items that
 * kept failing are accepted debt, not a regression. Either side may be a compliance.json or a fleet.json
 * (targets are matched by their URI).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ComplianceItem, ComplianceReport } from '../model/result.js';
import { UsageError } from '../engine/usage-error.js';

export interface ItemChange { id: string; title: string; scored: boolean; from: string; to: string; reason?: string }
export interface WaiverChange { id: string; title: string; reason: string; expires?: string }

export interface TargetDiff {
  target: string;
  /** fails in NEW, did not fail in OLD */
  newlyFailing: ItemChange[];
  /** passes in NEW, did not pass in OLD */
  newlyPassing: ItemChange[];
  /** every other change of status */
  changed: ItemChange[];
  waiversAdded: WaiverChange[];
  waiversRemoved: WaiverChange[];
  /** a waiver that applied in OLD (or was new) and has expired in NEW */
  waiversExpired: WaiverChange[];
  score: { old: number | null; new: number | null; delta: number | null };
  /** only on one side (fleets) */
  only?: 'old' | 'new';
}

export interface AuditDiff {
  benchmark: string;
  old: string;
  new: string;
  targets: TargetDiff[];
  /** scored items newly failing, over all targets */
  regressions: number;
}

interface Loaded { file: string; reports: ComplianceReport[] }

function isReport(x: unknown): x is ComplianceReport {
  const r = x as ComplianceReport;
  return !!r && typeof r === 'object' && Array.isArray(r.items) && !!r.summary && !!r.benchmark?.id;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
}

/** A compliance.json, or a fleet.json with the compliance.json of each target it lists. */
export async function loadAuditFile(file: string): Promise<Loaded> {
  const data = await readJson(file);
  if (isReport(data)) return { file, reports: [data] };
  const fleet = data as { targets?: Array<{ target: string; report?: string; status: string }> };
  if (!fleet || !Array.isArray(fleet.targets)) throw new UsageError(`${file} is neither a cis-bdd compliance.json nor a fleet.json`);
  const reports: ComplianceReport[] = [];
  for (const t of fleet.targets) {
    if (!t.report) continue; // unreachable targets have no report: nothing to compare
    const p = path.isAbsolute(t.report) ? t.report : path.resolve(path.dirname(file), t.report);
    const r = await readJson(p);
    if (!isReport(r)) throw new UsageError(`${p} (listed in ${file} for ${t.target}) is not a cis-bdd compliance.json`);
    reports.push(r);
  }
  return { file, reports };
}

const failing = (i: ComplianceItem | undefined) => i?.status === 'fail';
const waiverOf = (i: ComplianceItem): WaiverChange | null => (i.waiver ? { id: i.id, title: i.title, reason: i.waiver.reason, expires: i.waiver.expires } : null);

export function diffReports(oldR: ComplianceReport | undefined, newR: ComplianceReport | undefined): TargetDiff {
  const target = newR?.target?.uri ?? oldR?.target?.uri ?? '?';
  const oldItems = new Map((oldR?.items ?? []).map((i) => [i.id, i]));
  const d: TargetDiff = {
    target, newlyFailing: [], newlyPassing: [], changed: [], waiversAdded: [], waiversRemoved: [], waiversExpired: [],
    score: { old: oldR?.summary.score ?? null, new: newR?.summary.score ?? null, delta: null },
  };
  if (!oldR) d.only = 'new';
  if (!newR) d.only = 'old';
  if (d.score.old !== null && d.score.new !== null) d.score.delta = Math.round((d.score.new - d.score.old) * 10) / 10;
  for (const n of newR?.items ?? []) {
    const o = oldItems.get(n.id);
    const from = o?.status ?? 'absent';
    const change: ItemChange = { id: n.id, title: n.title, scored: n.scored, from, to: n.status, ...(n.reason ? { reason: n.reason } : {}) };
    if (failing(n) && !failing(o)) d.newlyFailing.push(change);
    else if (n.status === 'pass' && o?.status !== 'pass') d.newlyPassing.push(change);
    else if (from !== n.status) d.changed.push(change);
    const ow = o ? waiverOf(o) : null;
    const nw = waiverOf(n);
    if (nw && !ow) d.waiversAdded.push(nw);
    if (ow && !nw && !n.expiredWaiver) d.waiversRemoved.push(ow);
    if (n.expiredWaiver && !o?.expiredWaiver) d.waiversExpired.push({ id: n.id, title: n.title, reason: n.expiredWaiver.reason, expires: n.expiredWaiver.expires });
  }
  return d;
}

export function diffAudits(oldL: Loaded, newL: Loaded): AuditDiff {
  const benchmarks = new Set([...oldL.reports, ...newL.reports].map((r) => r.benchmark.id));
  if (benchmarks.size > 1) {
    throw new UsageError(`cannot compare audits of different benchmarks (${[...benchmarks].join(' and ')}): compare a benchmark with itself`);
  }
  if (!oldL.reports.length || !newL.reports.length) {
    throw new UsageError(`${!oldL.reports.length ? oldL.file : newL.file} holds no audited target to compare`);
  }
  const key = (r: ComplianceReport) => r.target?.uri ?? '?';
  const olds = new Map(oldL.reports.map((r) => [key(r), r]));
  const news = new Map(newL.reports.map((r) => [key(r), r]));
  // one report on each side: compare them whatever their targets (an image rebuilt under a new tag)
  const pairs: Array<[ComplianceReport | undefined, ComplianceReport | undefined]> = oldL.reports.length === 1 && newL.reports.length === 1
    ? [[oldL.reports[0], newL.reports[0]]]
    : [...new Set([...news.keys(), ...olds.keys()])].map((k) => [olds.get(k), news.get(k)]);
  const targets = pairs.map(([o, n]) => diffReports(o, n));
  return {
    benchmark: [...benchmarks][0],
    old: oldL.file,
    new: newL.file,
    targets,
    regressions: targets.reduce((n, t) => n + t.newlyFailing.filter((c) => c.scored).length, 0),
  };
}

/** 1 when a scored item newly fails anywhere, else 0. */
export const diffExitCode = (d: AuditDiff): 0 | 1 => (d.regressions ? 1 : 0);

const fmtScore = (s: number | null) => (s === null ? 'n/a' : `${s.toFixed(1)}%`);

export function formatDiff(d: AuditDiff, options: { limit?: number } = {}): string {
  const limit = options.limit ?? Infinity;
  const out: string[] = [`Compared ${d.old} (old) with ${d.new} (new): ${d.benchmark}`];
  for (const t of d.targets) {
    const delta = t.score.delta === null ? '' : ` (${t.score.delta >= 0 ? '+' : ''}${t.score.delta.toFixed(1)})`;
    out.push('', `${t.target}${t.only ? ` — only in the ${t.only} audit` : ''}: score ${fmtScore(t.score.old)} → ${fmtScore(t.score.new)}${delta}`);
    const list = (title: string, xs: ItemChange[], show: (c: ItemChange) => string) => {
      if (!xs.length) return;
      out.push(`  ${title} (${xs.length}):`);
      for (const c of xs.slice(0, limit)) out.push(`    ${c.id.padEnd(10)} ${show(c)}`);
      if (xs.length > limit) out.push(`    … ${xs.length - limit} more (cis-bdd diff --json for all)`);
    };
    list('Newly failing', t.newlyFailing, (c) => `${c.title}${c.scored ? '' : ' [not scored]'} (was ${c.from})${c.reason ? ` — ${c.reason}` : ''}`);
    list('Newly passing', t.newlyPassing, (c) => `${c.title} (was ${c.from})`);
    list('Other changes', t.changed, (c) => `${c.title}: ${c.from} → ${c.to}`);
    const wl = (title: string, xs: WaiverChange[]) => {
      if (!xs.length) return;
      out.push(`  ${title} (${xs.length}):`);
      for (const w of xs) out.push(`    ${w.id.padEnd(10)} ${w.title}: ${w.reason}${w.expires ? ` (expires ${w.expires})` : ''}`);
    };
    wl('Waivers added', t.waiversAdded);
    wl('Waivers removed', t.waiversRemoved);
    wl('Waivers expired', t.waiversExpired);
    if (!t.newlyFailing.length && !t.newlyPassing.length && !t.changed.length && !t.waiversAdded.length && !t.waiversRemoved.length && !t.waiversExpired.length) out.push('  no change in any item');
  }
  out.push('', d.regressions ? `REGRESSION: ${d.regressions} scored item(s) newly failing` : 'No scored item newly failing');
  return `${out.join('\n')}\n`;
}
