/**
 * An item as the Allure report shows it to an auditor: the Allure result of its scenario (allure-results.ts),
 * presented from the item's verdict as the run's result states it.
 *
 * - Identity: one result per item and target. Allure takes results with the same test case (the hash of
 *   `fullName`) and parameters for retries of one test, so `fullName` starts with the target's URI and
 *   `testCaseId` and `historyId` are computed from it: in a fleet report every target's verdict is a test of
 *   its own, and the same item on the same target is the same test from one run to the next.
 * - Title: "<id> <title> — <compliance status> on <target>".
 * - Status: pass → passed, fail → failed, error → broken, not applicable, manual and waived → skipped (Allure
 *   has no other word); the compliance status is in the title, in the `compliance` label (the report's
 *   categories group by it) and at the top of the description, with what goes with it: the waiver's reason,
 *   owner and expiry; why the item does not apply; what to review; what could not be read.
 * - No status message and no stack trace: Allure shows a message in a box titled "Error", and a verdict is
 *   not an error of the tool. A failing step says why after its name, in one line.
 * - Labels an auditor filters by: benchmark, target, chapter, section, item, level, scored, compliance (and
 *   the same words as tags). The test runner's labels (language, framework, package, host, thread) and the
 *   scenario's raw tags are dropped; Allure's structural labels stay for other readers of the results and
 *   are hidden in the HTML (allure-html.ts).
 * - Description: compliance status, the scenario's text, the evidence, the remediation (allure-remediation.ts).
 */
import { createHash } from 'node:crypto';
import type { Evidence } from '../model/verdict.js';
import type { VerdictMessage, WaiverDecision } from '../model/result.js';
import { codeSpan, escapeMarkdown, fencedBlock, remediationMarkdown } from './allure-remediation.js';

export interface AllureStepLike {
  name?: string;
  statusDetails?: { message?: string; trace?: string };
  steps?: AllureStepLike[];
}

export interface AllureResultLike extends AllureStepLike {
  name?: string;
  fullName?: string;
  testCaseId?: string;
  historyId?: string;
  status?: string;
  labels: Array<{ name: string; value: string }>;
  description?: string;
}

/** The compliance status in words, as the title, labels and categories say it. */
export const COMPLIANCE_WORDS = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  'not-applicable': 'not applicable',
  manual: 'manual review',
  waived: 'waived',
} as const;
export type ComplianceStatus = keyof typeof COMPLIANCE_WORDS;

const ALLURE_STATUS: Record<ComplianceStatus, string> = {
  pass: 'passed',
  fail: 'failed',
  error: 'broken',
  'not-applicable': 'skipped',
  manual: 'skipped',
  waived: 'skipped',
};

/** The label that carries the compliance status (see COMPLIANCE_CATEGORIES). */
export const COMPLIANCE_LABEL = 'compliance';

/**
 * The report's categories (Allure 3 takes them from its configuration; allure-html.ts passes them), one per
 * compliance status, matched on the `compliance` label, grouped by target.
 */
export const COMPLIANCE_CATEGORIES = [
  { id: 'not-compliant', name: 'Not compliant (fail)', status: 'fail' },
  { id: 'could-not-be-read', name: 'Could not be read (error)', status: 'error' },
  { id: 'waived-by-policy', name: 'Waived by policy', status: 'waived' },
  { id: 'manual-review', name: 'Manual review', status: 'manual' },
  { id: 'not-applicable', name: 'Not applicable', status: 'not-applicable' },
  { id: 'compliant', name: 'Compliant (pass)', status: 'pass' },
].map(({ id, name, status }) => ({
  id, name,
  matchers: [{ labels: { [COMPLIANCE_LABEL]: `^${COMPLIANCE_WORDS[status as ComplianceStatus]}$` } }],
  groupBy: [{ label: 'target' }],
  groupByMessage: false,
}));

/** Labels kept in the results for Allure's own structure and hidden from the item's page. */
export const STRUCTURAL_LABELS = ['parentSuite', 'suite', 'subSuite', 'epic', 'story'];

/** The test runner's labels: they say nothing about the audit. */
const DROPPED_LABELS = new Set(['language', 'framework', 'package', 'host', 'thread', '_fallbackTestCaseId', 'tag', 'feature', 'cis_id', 'target']);


const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** Rewrite a scenario's result from its verdict (see the module). */
export function presentItem(r: AllureResultLike, verdict: VerdictMessage, tags: string[]): void {
  const waiver = verdict.waiver;
  const target = verdict.run.target.uri;
  const status: ComplianceStatus = waiver && !waiver.expired ? 'waived' : (verdict.status as ComplianceStatus);
  const word = COMPLIANCE_WORDS[status] ?? verdict.status;

  // identity: one test per item and target
  const fullName = `${target} ${r.fullName ?? r.name ?? verdict.id}`;
  const paramsHash = r.historyId?.split(':')[1] ?? md5('');
  r.fullName = fullName;
  r.testCaseId = md5(fullName);
  r.historyId = `${r.testCaseId}:${paramsHash}`;
  r.name = `${r.name ?? verdict.id} — ${word} on ${target}`;
  r.status = ALLURE_STATUS[status] ?? 'broken';

  // no "Error" box and no stack trace for a verdict
  r.statusDetails = {};
  for (const step of r.steps ?? []) plainStep(step);

  r.labels = auditLabels(r.labels, verdict, tags, word);

  const scenarioText = r.description?.trim();
  r.description = [
    statusMarkdown(status, verdict, waiver),
    ...(scenarioText ? [`**What is checked**: ${scenarioText}`] : []),
    verdict.evidence.length ? evidenceMarkdown(verdict.evidence) : '**Evidence**: none recorded',
    remediationMarkdown(verdict.status, verdict, verdict.id),
  ].join('\n\n');
}

function auditLabels(labels: AllureResultLike['labels'], verdict: VerdictMessage, tags: string[], word: string): AllureResultLike['labels'] {
  const value = (name: string) => labels.find((l) => l.name === name)?.value;
  const tag = (prefix: string) => tags.find((t) => t.startsWith(prefix))?.slice(prefix.length);
  const level = tag('@level:');
  const scored = tags.includes('@scored') ? 'scored' : 'not scored';
  const out = labels.filter((l) => !DROPPED_LABELS.has(l.name));
  const add = (name: string, v: string | undefined) => { if (v) out.push({ name, value: v }); };
  add('benchmark', value('epic') ?? verdict.run.benchmarkId);
  add('target', verdict.run.target.uri);
  add('chapter', value('suite'));
  add('section', value('feature'));
  add('item', verdict.id);
  add('level', level);
  add('scored', scored);
  add(COMPLIANCE_LABEL, word);
  // the same words as tags, for the report's tag filter
  for (const t of [word, level ? `level ${level}` : undefined, scored]) add('tag', t);
  return out;
}

/**
 * A step's failure as one line after its name ("Then … — PermitRootLogin is yes; it must be no"), without
 * the error's class name or its stack trace, and without a status message: Allure would show it in a box
 * titled "Error", and a failing check is not an error.
 */
function plainStep(step: AllureStepLike): void {
  const message = step.statusDetails?.message?.split('\n')[0].replace(/^[A-Za-z]*Error: /, '').trim();
  if (message) step.name = `${step.name ?? ''} — ${message}`;
  step.statusDetails = {};
  for (const s of step.steps ?? []) plainStep(s);
}

function statusMarkdown(status: ComplianceStatus, verdict: VerdictMessage, waiver?: WaiverDecision): string {
  const head = `**Compliance status**: **${COMPLIANCE_WORDS[status] ?? verdict.status}** on ${codeSpan(verdict.run.target.uri)}`;
  const reason = verdict.reason ? escapeMarkdown(verdict.reason) : undefined;
  const lines = [head];
  switch (status) {
    case 'pass': break;
    case 'fail': lines.push('', `**Why it fails**: ${reason ?? 'no reason recorded'}`); break;
    case 'error': lines.push('', `**What could not be read**: ${reason ?? 'no reason recorded'}`); break;
    case 'not-applicable': lines.push('', `**Why it does not apply**: ${reason ?? 'no reason recorded'}`); break;
    case 'manual': lines.push('', `**What to review**: ${reason ?? 'no reason recorded'}`); break;
    case 'waived': {
      const w = waiver!.waiver;
      lines.push('', `**Waived by policy** (the audit observed **${COMPLIANCE_WORDS[verdict.status as ComplianceStatus] ?? verdict.status}**${reason ? `: ${reason}` : ''})`, '',
        `- Reason: ${escapeMarkdown(w.reason)}`,
        `- Owner: ${w.owner ? escapeMarkdown(w.owner) : 'not given'}`,
        `- Expires: ${w.expires ?? 'never'}`,
        `- Declared at: ${codeSpan(w.declaredAt)}`);
      break;
    }
  }
  if (waiver?.expired) {
    lines.push('', `**Expired waiver**: the waiver declared at ${codeSpan(waiver.waiver.declaredAt)} (${escapeMarkdown(waiver.waiver.reason)}) expired on ${waiver.waiver.expires}; the item counts with its verdict.`);
  }
  return lines.join('\n');
}

/**
 * The item's evidence as a Markdown section (Allure renders it, with raw HTML escaped): each source as
 * code, its excerpt as a fenced block, nothing interpreted as Markdown.
 */
export function evidenceMarkdown(evidence: Evidence[]): string {
  const parts = ['**Evidence**: what was read, and the lines that decided'];
  for (const e of evidence) {
    parts.push(`- ${codeSpan(e.source)}`);
    // indented under the list item, so each block stays with its source
    parts.push(fencedBlock(e.excerpt, '  '));
  }
  return parts.join('\n\n');
}
