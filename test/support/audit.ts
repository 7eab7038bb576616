/**
 * Run audits in-process through the compiled engine (dist/), exactly as the CLI does, and compare runs.
 * The compiled module is the same one cucumber loads the steps against, so the session hand-off works.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import { repoRoot } from './fixtures.js';
import type { AuditOptions, AuditResult } from '../../src/api.js';
import type { ComplianceItem, ComplianceReport } from '../../src/model/result.js';

const apiUrl = pathToFileURL(path.join(repoRoot, 'dist/src/api.js')).href;
// dist/ is externalised in vitest.config.ts, so this is Node's own import: cucumber loads the step
// definitions natively too, and both must share one instance of the engine for the session hand-off.

export async function audit(options: Partial<AuditOptions> & { target: string }): Promise<AuditResult> {
  const api = (await import(/* @vite-ignore */ apiUrl)) as typeof import('../../src/api.js');
  const out = options.out ?? mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-report-'));
  // the other report formats have tests of their own (test/report/formats.test.ts): not written here unless asked
  return api.runAudit({ allureResults: false, formats: [], ...options, out });
}

export function statusOf(report: ComplianceReport, id: string): string {
  const item = report.items.find((i) => i.id === id);
  if (!item) throw new Error(`item ${id} is not in the report`);
  return item.status;
}

/** Items whose status differs between two runs, as "id: before -> after". */
export function changedItems(before: ComplianceReport, after: ComplianceReport): string[] {
  const b = new Map(before.items.map((i) => [i.id, i.status]));
  return after.items.filter((i) => b.get(i.id) !== i.status).map((i) => `${i.id}: ${b.get(i.id)} -> ${i.status}`);
}

/** One item of a report (it must be there). */
export const item = (r: ComplianceReport, id: string): ComplianceItem => r.items.find((i) => i.id === id)!;

/** The selected items' statuses, by id. */
export const statuses = (r: ComplianceReport): Record<string, string> => Object.fromEntries(r.items.filter((i) => i.status !== 'not-selected').map((i) => [i.id, i.status]));

/** An item's reason and evidence as one text, for matching what the verdict rests on. */
export const text = (r: ComplianceReport, id: string): string => {
  const i = item(r, id);
  return `${i.reason ?? ''}\n${i.evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n')}`;
};
