/**
 * compliance.json: every catalogue item exactly once, with its verdict and evidence, plus the run's
 * summary and the CIS-CAT score (passed / (passed + failed) over the selected scored items).
 */
import { compareIds, loadBenchmark } from '../engine/catalogue.js';
import type { Evidence, Status } from '../model/verdict.js';
import { cisCatView, headlineCounts, type CisCatCounts, type HeadlineCounts } from '../model/counts.js';
import type { RunInfo, VerdictMessage } from './verdict-message.js';
import { toolVersion } from '../engine/paths.js';
import type { Policy } from '../policy/policy.js';
import { isTagSelector, policyReport, waiverApplies, waiverExpired, type PolicyReport } from '../policy/apply.js';

/** 2.0.0: summary.pass and summary.fail count scored items only (the headline counts); notScoredPass, notScoredFail, selected, scored and outcome added */
export const SCHEMA_VERSION = '2.0.0';

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
  /** for a waived item: the verdict the check reached */
  observed?: Status;
  waiver?: WaiverInfo;
  /** for a failing item: what `cis-bdd harden` would change (see src/remediation/model.ts) */
  remediation?: VerdictMessage['remediation'];
  /** for a failing item a person must fix: the steps */
  manualFix?: VerdictMessage['manualFix'];
  /** a waiver that names this item but has expired: it did not apply */
  expiredWaiver?: WaiverInfo;
}

export interface WaiverInfo { reason: string; owner?: string; expires?: string; declaredAt: string }

/**
 * compliance.json's summary: the headline counts and score (src/model/counts.ts, defined in the README's
 * "Counts and score"), the expired waivers, and the same items in CIS-CAT's categories.
 */
export interface Summary extends HeadlineCounts {
  /** ids of items whose waiver has expired (they count with their real verdict) */
  expiredWaivers: string[];
  /** the same items in CIS-CAT's categories (CIS-CAT's view) */
  cisCat: CisCatCounts;
}

export type { CisCatCounts };

export interface ComplianceReport {
  schemaVersion: string;
  tool: { name: string; version: string };
  benchmark: { id: string; title: string };
  target: RunInfo['target'] | null;
  selection: SelectionInfo;
  policy: PolicyReport | null;
  run: {
    startedAt: string; finishedAt: string; durationMs: number; roundTrips: number; bytesRead: number; warnings: string[];
    /** set when Ctrl-C or SIGTERM stopped the run: the items it did not measure are `error` */
    interrupted?: { signal: string; at: string };
    /** set when the connection to the target was lost during the run */
    targetLost?: string;
  };
  summary: Summary;
  items: ComplianceItem[];
}

export interface SelectionInfo {
  level: number;
  scoredOnly: boolean;
  only: string[];
  tags: string | null;
  /** policy include/exclude selectors, when a policy selected the items */
  include?: string[];
  exclude?: string[];
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
  policy?: Policy;
  /** tags of each item's scenario, for waivers written as tag expressions */
  tagsById?: Map<string, string[]>;
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
  const targetInfo = input.target ?? input.verdicts[input.verdicts.length - 1]?.run.target ?? null;
  if (input.policy && targetInfo) applyWaivers(items, input.policy, targetInfo, input.tagsById ?? new Map(), input.finishedAt);
  const last = input.verdicts.reduce<VerdictMessage | undefined>((acc, v) => (!acc || v.run.roundTrips >= acc.run.roundTrips ? v : acc), undefined);
  const startedAt = input.startedAt ?? last?.run.startedAt ?? input.finishedAt.toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cis-bdd', version: toolVersion() },
    benchmark: { id: benchmark.id, title: benchmark.title },
    target: targetInfo,
    selection: input.selection,
    policy: input.policy ? policyReport(input.policy, input.finishedAt) : null,
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
function combine(vs: VerdictMessage[]): Pick<ComplianceItem, 'status' | 'reason' | 'evidence' | 'durationMs' | 'remediation' | 'manualFix'> {
  const rank: Status[] = ['error', 'fail', 'unknown', 'manual', 'not-applicable', 'pass'];
  const worst = [...vs].sort((a, b) => rank.indexOf(a.status) - rank.indexOf(b.status))[0];
  return {
    status: worst.status,
    reason: worst.reason,
    ...(worst.remediation ? { remediation: worst.remediation } : {}),
    ...(worst.manualFix ? { manualFix: worst.manualFix } : {}),
    evidence: vs.flatMap((v) => v.evidence),
    durationMs: vs.reduce((n, v) => n + v.durationMs, 0),
  };
}

const idMatches = (id: string, sel: string) => id === sel || id.startsWith(`${sel}.`);

/** Whether an item falls inside the selection rule (used for items that have no scenario). */
export function isSelectedByRule(item: { id: string; level: number; scored: boolean }, sel: SelectionInfo): boolean {
  const included = (sel.include ?? []).some((s) => !isTagSelector(s) && idMatches(item.id, s));
  const excluded = (sel.exclude ?? []).some((s) => !isTagSelector(s) && idMatches(item.id, s));
  if (excluded) return false;
  if (!included) {
    if (item.level > sel.level) return false;
    if (sel.scoredOnly && !item.scored) return false;
  }
  if (sel.only.length && !sel.only.some((o) => idMatches(item.id, o))) return false;
  return true;
}

const WAIVABLE: Status[] = ['pass', 'fail', 'error', 'not-applicable', 'manual'];

function applyWaivers(items: ComplianceItem[], policy: Policy, target: { kind: string; uri: string }, tagsById: Map<string, string[]>, today: Date): void {
  for (const item of items) {
    if (!WAIVABLE.includes(item.status)) continue;
    const tags = tagsById.get(item.id) ?? [`@id:${item.id}`, `@level:${item.level}`, item.scored ? '@scored' : '@not-scored'];
    const w = policy.waivers.find((x) => waiverApplies(x, item.id, tags, target));
    if (!w) continue;
    const info: WaiverInfo = { reason: w.reason, owner: w.owner, expires: w.expires, declaredAt: w.declaredAt };
    if (waiverExpired(w, today)) { item.expiredWaiver = info; continue; }
    item.observed = item.status;
    item.waiver = info;
    item.status = 'waived';
  }
}

/** compliance.json's summary: the headline counts (one function for every report), expired waivers, CIS-CAT's view. */
export function summarise(items: ComplianceItem[]): Summary {
  const counts = headlineCounts(items);
  return { ...counts, expiredWaivers: items.filter((i) => i.expiredWaiver).map((i) => i.id), cisCat: cisCatView(items, counts) };
}

/**
 * Exit code from the verdicts: 1 when a selected scored item failed; else 3 when an item ended in error
 * (or, for a scored item, unknown); else 0 (the headline outcome). Usage and connection problems (2) are
 * decided before a report exists.
 */
export function exitCodeFor(report: Pick<ComplianceReport, 'items'>): 0 | 1 | 3 {
  const { outcome } = headlineCounts(report.items);
  return outcome === 'not-compliant' ? 1 : outcome === 'incomplete' ? 3 : 0;
}

/**
 * The exit code of a finished run, from its report alone: interrupted → 130/143; the target lost during
 * the run → 3, or 2 when no item passed or failed (nothing could be measured); otherwise exitCodeFor.
 * `cis-bdd audit` exits with it, and `merge` records it for a report collected elsewhere.
 */
export function reportExitCode(report: Pick<ComplianceReport, 'items' | 'run'>): 0 | 1 | 2 | 3 | 130 | 143 {
  if (report.run?.interrupted) return report.run.interrupted.signal === 'SIGINT' ? 130 : 143;
  if (report.run?.targetLost) return report.items.some((i) => i.status === 'pass' || i.status === 'fail') ? 3 : 2;
  return exitCodeFor(report);
}
