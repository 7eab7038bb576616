/**
 * A run's result: what one audit of one target established, item by item. The engine builds it
 * (src/engine/result.ts); compliance.json is this object written as JSON, and every other report (summary,
 * JUnit, SARIF, XCCDF, fleet.json, the harden comparison) reads it. Types and small pure functions only.
 */
import type { Evidence, Status } from './verdict.js';
import type { ManualFix, Remediation } from './remediation.js';
import { cisCatView, headlineCounts, type CisCatCounts, type HeadlineCounts } from './counts.js';

/** 2.0.0: summary.pass and summary.fail count scored items only (the headline counts); notScoredPass, notScoredFail, selected, scored and outcome added */
export const SCHEMA_VERSION = '2.0.0';

/**
 * The names of the two hooks every scenario runs (steps/support/hooks.ts). They are the engine's
 * bookkeeping, not part of the check: the Allure reporter shows them only when one fails.
 */
export const SCENARIO_HOOKS = {
  before: 'Identify the item and its target',
  after: 'Record the verdict and its evidence',
} as const;

/** The media type of the message each scenario attaches with its verdict (for cucumber's message stream). */
export const VERDICT_MEDIA_TYPE = 'application/vnd.cis-bdd.verdict+json';

export interface TargetInfo { kind: string; uri: string; os: { id: string; versionId: string; prettyName: string } | null }

export interface RunInfo {
  benchmarkId: string;
  target: TargetInfo;
  roundTrips: number;
  bytesRead: number;
  warnings: string[];
  startedAt: string;
}

export interface WaiverInfo { reason: string; owner?: string; expires?: string; declaredAt: string }

/** The policy's waiver of an item, decided once by the engine: it applies unless it has expired. */
export interface WaiverDecision { waiver: WaiverInfo; expired: boolean }

/** What the engine decided for one scenario: the item's verdict, its evidence, and its waiver. */
export interface VerdictMessage {
  id: string;
  /** the verdict the check reached (a waiver does not change it here: see `waiver`) */
  status: Status;
  reason?: string;
  evidence: Evidence[];
  durationMs: number;
  run: RunInfo;
  /** for a failing item: what `cis-bdd harden` would change */
  remediation?: Remediation;
  /** for a failing item that a person must fix */
  manualFix?: ManualFix;
  /** the policy's waiver that names this item on this target, if any */
  waiver?: WaiverDecision;
}

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
  /** for a failing item: what `cis-bdd harden` would change (see src/model/remediation.ts) */
  remediation?: Remediation;
  /** for a failing item a person must fix: the steps */
  manualFix?: ManualFix;
  /** a waiver that names this item but has expired: it did not apply */
  expiredWaiver?: WaiverInfo;
}

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

/** Policy summary carried by compliance.json. */
export interface PolicyReport {
  name: string;
  file: string;
  hash: string;
  profile: { level: 1 | 2; scoredOnly: boolean };
  include: string[];
  exclude: string[];
  /** tailored values that differ from the benchmark's defaults */
  tailored: Record<string, { value: unknown; default: unknown }>;
  waivers: Array<{
    ids?: string[]; tags?: string; reason: string; owner?: string; expires?: string;
    scope?: { kinds?: string[]; targets?: string[] }; declaredAt: string; expired: boolean;
  }>;
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

export interface ComplianceReport {
  schemaVersion: string;
  tool: { name: string; version: string };
  benchmark: { id: string; title: string };
  target: TargetInfo | null;
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

/** One step of a scenario as it ran: cucumber's outcome for it, and its error when it threw. */
export interface StepRecord {
  /** the keyword and text ("Then the package \"sudo\" is installed"), or the engine hook's name */
  name: string;
  /** cucumber's status: PASSED, FAILED, SKIPPED, PENDING, UNDEFINED, AMBIGUOUS, UNKNOWN */
  outcome: string;
  /** the error of a FAILED step: its class (type), message and stack */
  error?: { type?: string; message?: string; trace?: string };
  /** set for the engine's own scenario hooks (SCENARIO_HOOKS), which reports show only when they fail */
  hook?: boolean;
  /** the step's data table (rows of cells), when it has one */
  dataTable?: string[][];
  start: number;
  stop?: number;
}

/**
 * One scenario as it ran, from cucumber's message stream: what the Allure results show of an item next to
 * its verdict (the steps and their outcomes). The engine records it; it is not part of compliance.json.
 */
export interface ScenarioRecord {
  /** the item's id (its @id tag) */
  id: string;
  /** the scenario's name (for an outline, the row's) */
  name: string;
  /** the feature file, relative to the package root as cucumber names it */
  uri: string;
  /** the feature's name */
  feature: string;
  /** the scenario's description (or, without one, the feature's), trimmed */
  description: string;
  /** the tags of the scenario (feature, scenario and examples tags) */
  tags: string[];
  /** an outline row's values (the Examples table's header names) */
  parameters: Array<{ name: string; value: string }>;
  steps: StepRecord[];
  start: number;
  stop?: number;
}

/** A BeforeAll or AfterAll hook that failed: the run's error, outside any item. */
export interface RunHookFailure { message: string; trace?: string; timestamp: number }
