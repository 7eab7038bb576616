/**
 * Allure results (the `allure-results` directory Allure 3 and Allure 2 read), written from a run's result:
 * one `<uuid>-result.json` per scenario that ran (and a CSV attachment per step data table), its status, title, labels and description taken from
 * the item in the result (allure-item.ts: compliance status, waiver, evidence, remediation), its steps from
 * the scenario as the engine recorded it (src/engine/run-messages.ts). A BeforeAll or AfterAll hook that
 * failed is a global error (`<uuid>-globals.json`). Nothing here decides a verdict or a waiver; the result
 * says them, so the Allure report and compliance.json cannot disagree.
 *
 * Each result's identity is what Allure uses for retries and history: `fullName` is the project, the
 * feature file and the scenario's name (presentItem prefixes the target), `historyId` adds the hash of
 * an outline row's parameters as Allure computes it (name:value pairs, sorted, joined by commas, md5).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ComplianceItem, ComplianceReport, RunHookFailure, ScenarioRecord, StepRecord, VerdictMessage } from '../model/result.js';
import { byCodeUnits, safeText } from '../model/text.js';
import { presentItem, type AllureResultLike } from './allure-item.js';

const PROJECT = 'cis-bdd';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

interface AllureStep {
  name: string; status: string; statusDetails: { message?: string; trace?: string }; stage: 'finished';
  steps: AllureStep[]; attachments: Array<{ name: string; source: string; type: string }>; parameters: never[]; start: number; stop?: number;
}

/**
 * A step's Allure status: a check that found a violation throws an assertion (failed); any other error,
 * and a step that is pending, undefined or ambiguous, is broken (a check that did not run is never passed).
 */
export function allureStepStatus(step: Pick<StepRecord, 'outcome' | 'error' | 'hook'>): string {
  if (step.hook && step.outcome !== 'PASSED') return 'broken';
  switch (step.outcome) {
    case 'PASSED': return 'passed';
    case 'SKIPPED': return 'skipped';
    case 'FAILED': {
      // CheckFailed (src/model/verdict.ts) is named AssertionError; its stack starts with that name
      const e = step.error;
      return e?.type === 'CheckFailed' || /assert/i.test(`${e?.type ?? ''} ${e?.trace?.split('\n')[0] ?? ''}`) ? 'failed' : 'broken';
    }
    default: return 'broken';
  }
}

/** A step's data table as the CSV attachment Allure shows under the step (cells joined by commas, a line a row). */
function dataTableAttachment(dir: string, table: string[][]): { name: string; source: string; type: string } {
  const source = `${randomUUID()}-attachment.csv`;
  writeFileSync(path.join(dir, source), table.map((row) => `${row.join(',')}\n`).join(''));
  return { name: 'Data table', source, type: 'text/csv' };
}

function allureStep(step: StepRecord, dir: string): AllureStep {
  const statusDetails = step.error ? {
    ...(step.error.message !== undefined ? { message: safeText(step.error.message) } : {}),
    ...(step.error.trace !== undefined ? { trace: safeText(step.error.trace) } : {}),
  } : {};
  return {
    name: step.name, status: allureStepStatus(step), statusDetails, stage: 'finished',
    steps: [], attachments: step.dataTable ? [dataTableAttachment(dir, step.dataTable)] : [], parameters: [], start: step.start, ...(step.stop !== undefined ? { stop: step.stop } : {}),
  };
}

/** The verdict of an item as the result states it, in the shape presentItem reads. */
function verdictOf(item: ComplianceItem, report: ComplianceReport): VerdictMessage {
  return {
    id: item.id,
    status: item.observed ?? item.status,
    reason: item.reason,
    evidence: item.evidence,
    durationMs: item.durationMs,
    run: {
      benchmarkId: report.benchmark.id,
      target: report.target ?? { kind: 'unknown', uri: 'unknown target', os: null },
      roundTrips: report.run.roundTrips, bytesRead: report.run.bytesRead, warnings: report.run.warnings, startedAt: report.run.startedAt,
    },
    remediation: item.remediation,
    manualFix: item.manualFix,
    waiver: item.waiver ? { waiver: item.waiver, expired: false } : item.expiredWaiver ? { waiver: item.expiredWaiver, expired: true } : undefined,
  };
}

/** The result of one scenario, before presentItem rewrites it from the item's verdict. */
function baseResult(record: ScenarioRecord, item: ComplianceItem | undefined, report: ComplianceReport | undefined, dir: string): AllureResultLike & Record<string, unknown> {
  const uri = record.uri.split(path.sep).join('/');
  const fullName = `${PROJECT}:${uri}#${record.name}`;
  const params = [...record.parameters].sort((a, b) => byCodeUnits(a.name, b.name) || byCodeUnits(a.value, b.value))
    .map((p) => `${p.name}:${p.value}`).join(',');
  const steps = record.steps.map((st) => allureStep(st, dir));
  const worst = ['failed', 'broken', 'passed', 'skipped'].find((s) => steps.some((st) => st.status === s)) ?? 'passed';
  const labels = item && report ? [
    { name: 'epic', value: report.benchmark.title },
    { name: 'parentSuite', value: report.target?.uri ?? '' },
    { name: 'suite', value: item.section },
    { name: 'subSuite', value: path.posix.basename(uri).replace(/\.feature$/, '') },
    { name: 'story', value: `${item.id} ${item.title}` },
    { name: 'severity', value: item.level === 1 ? 'critical' : 'normal' },
  ] : [];
  return {
    uuid: randomUUID(),
    name: record.name,
    fullName,
    historyId: `${md5(fullName)}:${md5(params)}`,
    testCaseId: md5(fullName),
    status: worst,
    statusDetails: {},
    stage: 'finished',
    steps,
    attachments: [],
    parameters: record.parameters,
    // the feature label names the section; presentItem turns it into the `section` label
    labels: [...labels, { name: 'feature', value: record.feature }],
    links: [],
    start: record.start,
    ...(record.stop !== undefined ? { stop: record.stop } : {}),
    description: record.description,
    titlePath: [PROJECT, ...uri.split('/').slice(0, -1), ...(record.feature ? [record.feature] : [])],
  };
}

/**
 * Write the Allure results of a run into dir (created when missing): one file per scenario that ran, and
 * one for the BeforeAll/AfterAll hooks that failed, if any. Without a report (a run of steps that are not
 * cis-bdd's), each result keeps its worst step's status. Returns the files written.
 */
export function writeAllureResults(dir: string, report: ComplianceReport | undefined, scenarios: readonly ScenarioRecord[], runHookFailures: readonly RunHookFailure[] = []): string[] {
  mkdirSync(dir, { recursive: true });
  const items = new Map((report?.items ?? []).map((i) => [i.id, i]));
  const written: string[] = [];
  for (const record of scenarios) {
    const item = items.get(record.id);
    const r = baseResult(record, item, report, dir);
    if (item && report) presentItem(r, verdictOf(item, report), record.tags);
    const file = path.join(dir, `${r.uuid as string}-result.json`);
    writeFileSync(file, JSON.stringify(r));
    written.push(file);
  }
  if (runHookFailures.length) {
    const file = path.join(dir, `${randomUUID()}-globals.json`);
    writeFileSync(file, JSON.stringify({
      errors: runHookFailures.map((f) => ({ message: safeText(f.message), ...(f.trace ? { trace: safeText(f.trace) } : {}), timestamp: f.timestamp })),
      attachments: [],
    }));
    written.push(file);
  }
  return written;
}
