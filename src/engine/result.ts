/**
 * A run's result (src/model/result.ts), built by the engine from the verdicts of the scenarios that ran:
 * every catalogue item exactly once, with its verdict and evidence, the waivers as decided with each
 * verdict, the run's summary and the CIS-CAT score (passed / (passed + failed) over the selected scored
 * items). compliance.json is this object; reporters only write it out.
 */
import { compareIds, loadBenchmark } from './catalogue.js';
import { toolVersion } from './paths.js';
import { waiverFor, withWaiver } from './waivers.js';
import type { Status } from '../model/verdict.js';
import { SCHEMA_VERSION, summarise, type ComplianceItem, type ComplianceReport, type SelectionInfo, type TargetInfo, type VerdictMessage } from '../model/result.js';
import type { Policy } from '../policy/policy.js';
import { isTagSelector, policyReport } from '../policy/apply.js';

export interface ResultInput {
  benchmarkId: string;
  /** ids that have a scenario in the loaded features */
  withScenario: Set<string>;
  /** ids whose scenario was selected to run */
  selected: Set<string>;
  verdicts: readonly VerdictMessage[];
  selection: SelectionInfo;
  target?: TargetInfo;
  startedAt?: string;
  finishedAt: Date;
  warnings?: string[];
  /** the run's counters, when the caller knows them (otherwise: those the last verdict carried) */
  roundTrips?: number;
  bytesRead?: number;
  policy?: Policy;
  /** tags of each item's scenario, for waivers written as tag expressions */
  tagsById?: Map<string, string[]>;
}

export function buildResult(input: ResultInput): ComplianceReport {
  const benchmark = loadBenchmark(input.benchmarkId);
  const byId = new Map<string, VerdictMessage[]>();
  for (const v of input.verdicts) byId.set(v.id, [...(byId.get(v.id) ?? []), v]);
  const targetInfo = input.target ?? input.verdicts[input.verdicts.length - 1]?.run.target ?? null;
  const items: ComplianceItem[] = benchmark.items.map((entry) => {
    const base = { id: entry.id, title: entry.title, section: entry.section, level: entry.level, scored: entry.scored };
    const vs = byId.get(entry.id);
    if (vs?.length) {
      const { waiver, ...item } = combine(vs);
      return withWaiver({ ...base, ...item }, waiver);
    }
    if (!input.withScenario.has(entry.id)) {
      const selectedByRule = isSelectedByRule(entry, input.selection);
      return { ...base, status: selectedByRule ? 'unknown' : 'not-selected', reason: selectedByRule ? 'no scenario yet' : undefined, evidence: [], durationMs: 0 };
    }
    if (input.selected.has(entry.id)) {
      // a selected scenario that reported no verdict: its waiver (the verdict would have carried it) is decided here
      const item: ComplianceItem = { ...base, status: 'error', reason: 'the scenario was selected but reported no verdict', evidence: [], durationMs: 0 };
      const tags = input.tagsById?.get(entry.id) ?? [`@id:${entry.id}`, `@level:${entry.level}`, entry.scored ? '@scored' : '@not-scored'];
      return targetInfo ? withWaiver(item, waiverFor(input.policy, entry.id, tags, targetInfo, input.finishedAt)) : item;
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
    target: targetInfo,
    selection: input.selection,
    policy: input.policy ? policyReport(input.policy, input.finishedAt) : null,
    run: {
      startedAt,
      finishedAt: input.finishedAt.toISOString(),
      durationMs: Math.max(0, input.finishedAt.getTime() - Date.parse(startedAt)),
      roundTrips: input.roundTrips ?? last?.run.roundTrips ?? 0,
      bytesRead: input.bytesRead ?? last?.run.bytesRead ?? 0,
      warnings: input.warnings ?? last?.run.warnings ?? [],
    },
    summary: summarise(items),
    items,
  };
}

/** An item checked by several scenarios (never expected, but possible) takes the worst verdict. */
function combine(vs: VerdictMessage[]): Pick<ComplianceItem, 'status' | 'reason' | 'evidence' | 'durationMs' | 'remediation' | 'manualFix'> & Pick<VerdictMessage, 'waiver'> {
  const rank: Status[] = ['error', 'fail', 'unknown', 'manual', 'not-applicable', 'pass'];
  const worst = [...vs].sort((a, b) => rank.indexOf(a.status) - rank.indexOf(b.status))[0];
  return {
    status: worst.status,
    reason: worst.reason,
    ...(worst.remediation ? { remediation: worst.remediation } : {}),
    ...(worst.manualFix ? { manualFix: worst.manualFix } : {}),
    evidence: vs.flatMap((v) => v.evidence),
    durationMs: vs.reduce((n, v) => n + v.durationMs, 0),
    waiver: worst.waiver,
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
