/**
 * compliance.json: every catalogue item exactly once, with its verdict and evidence, plus the run's
 * summary and the CIS-CAT score (passed / (passed + failed) over the selected scored items).
 */
import { compareIds, loadBenchmark } from '../engine/catalogue.js';
import type { Evidence, Status } from '../engine/verdict.js';
import { STATUSES } from '../engine/verdict.js';
import type { RunInfo, VerdictMessage } from './verdict-message.js';
import { toolVersion } from '../engine/paths.js';

export const SCHEMA_VERSION = '1.0.0';

export interface ComplianceItem {
  id: string;
  title: string;
  section: string;
  level: number;
  scored: boolean;
  status: Status;
  reason?: string;
  evidence: Evidence[];
  durationMs: number;
}

export interface Summary {
  total: number;
  pass: number;
  fail: number;
  error: number;
  unknown: number;
  notApplicable: number;
  manual: number;
  notSelected: number;
  waived: number;
  /** CIS-CAT score in percent with one decimal, or null when no selected scored item passed or failed */
  score: number | null;
}

export interface ComplianceReport {
  schemaVersion: string;
  tool: { name: string; version: string };
  benchmark: { id: string; title: string };
  target: RunInfo['target'] | null;
  selection: SelectionInfo;
  run: { startedAt: string; finishedAt: string; durationMs: number; roundTrips: number; bytesRead: number; warnings: string[] };
  summary: Summary;
  items: ComplianceItem[];
}

export interface SelectionInfo {
  level: number;
  scoredOnly: boolean;
  only: string[];
  tags: string | null;
}

export interface BuildInput {
  benchmarkId: string;
  /** ids that have a scenario in the loaded features */
  withScenario: Set<string>;
  /** ids whose scenario was selected to run */
  selected: Set<string>;
  verdicts: VerdictMessage[];
  selection: SelectionInfo;
  target?: RunInfo['target'];
  startedAt?: string;
  finishedAt: Date;
  warnings?: string[];
}

export function buildCompliance(input: BuildInput): ComplianceReport {
  const benchmark = loadBenchmark(input.benchmarkId);
  const byId = new Map<string, VerdictMessage[]>();
  for (const v of input.verdicts) byId.set(v.id, [...(byId.get(v.id) ?? []), v]);
  const items: ComplianceItem[] = benchmark.items.map((entry) => {
    const base = { id: entry.id, title: entry.title, section: entry.section, level: entry.level, scored: entry.scored };
    const vs = byId.get(entry.id);
    if (vs?.length) return { ...base, ...combine(vs) };
    if (!input.withScenario.has(entry.id)) {
      const selectedByRule = isSelectedByRule(entry, input.selection);
      return { ...base, status: selectedByRule ? 'unknown' : 'not-selected', reason: selectedByRule ? 'no scenario yet' : undefined, evidence: [], durationMs: 0 };
    }
    if (input.selected.has(entry.id)) {
      return { ...base, status: 'error', reason: 'the scenario was selected but reported no verdict', evidence: [], durationMs: 0 };
    }
    return { ...base, status: 'not-selected', evidence: [], durationMs: 0 };
  });
  items.sort((a, b) => compareIds(a.id, b.id));
  const last = input.verdicts.reduce<VerdictMessage | undefined>((acc, v) => (!acc || v.run.roundTrips >= acc.run.roundTrips ? v : acc), undefined);
  const startedAt = input.startedAt ?? last?.run.startedAt ?? input.finishedAt.toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cis-bdd', version: toolVersion() },
    benchmark: { id: benchmark.id, title: benchmark.title },
    target: input.target ?? last?.run.target ?? null,
    selection: input.selection,
    run: {
      startedAt,
      finishedAt: input.finishedAt.toISOString(),
      durationMs: Math.max(0, input.finishedAt.getTime() - Date.parse(startedAt)),
      roundTrips: last?.run.roundTrips ?? 0,
      bytesRead: last?.run.bytesRead ?? 0,
      warnings: input.warnings ?? last?.run.warnings ?? [],
    },
    summary: summarise(items),
    items,
  };
}

/** An item checked by several scenarios (never expected, but possible) takes the worst verdict. */
function combine(vs: VerdictMessage[]): Pick<ComplianceItem, 'status' | 'reason' | 'evidence' | 'durationMs'> {
  const rank: Status[] = ['error', 'fail', 'unknown', 'manual', 'not-applicable', 'pass'];
  const worst = [...vs].sort((a, b) => rank.indexOf(a.status) - rank.indexOf(b.status))[0];
  return {
    status: worst.status,
    reason: worst.reason,
    evidence: vs.flatMap((v) => v.evidence),
    durationMs: vs.reduce((n, v) => n + v.durationMs, 0),
  };
}

/** Whether an item falls inside the selection rule (used for items that have no scenario). */
export function isSelectedByRule(item: { id: string; level: number; scored: boolean }, sel: SelectionInfo): boolean {
  if (item.level > sel.level) return false;
  if (sel.scoredOnly && !item.scored) return false;
  if (sel.only.length && !sel.only.some((o) => item.id === o || item.id.startsWith(`${o}.`))) return false;
  return true;
}

export function summarise(items: ComplianceItem[]): Summary {
  const count = (s: Status) => items.filter((i) => i.status === s).length;
  const scoredPass = items.filter((i) => i.scored && i.status === 'pass').length;
  const scoredFail = items.filter((i) => i.scored && i.status === 'fail').length;
  const denom = scoredPass + scoredFail;
  return {
    total: items.length,
    pass: count('pass'),
    fail: count('fail'),
    error: count('error'),
    unknown: count('unknown'),
    notApplicable: count('not-applicable'),
    manual: count('manual'),
    notSelected: count('not-selected'),
    waived: count('waived'),
    score: denom ? Math.round((scoredPass / denom) * 1000) / 10 : null,
  };
}

/**
 * Exit code: 1 when a selected scored item failed; else 3 when an item ended in error (or, for a scored
 * item, unknown); else 0. Usage and connection problems (2) are decided before a report exists.
 */
export function exitCodeFor(report: ComplianceReport): 0 | 1 | 3 {
  if (report.items.some((i) => i.scored && i.status === 'fail')) return 1;
  if (report.items.some((i) => i.status === 'error' || (i.scored && i.status === 'unknown'))) return 3;
  return 0;
}

export const ALL_STATUSES = STATUSES;
