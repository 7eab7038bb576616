/**
 * `cis-bdd audit --baseline FILE`: the audit's exit code follows the difference from an earlier audit
 * instead of "any failure". 1 when a scored item newly fails; else 3 when an item is in error now that
 * was not in error in the baseline (a check that could not measure may hide a failure); else 0. Items
 * that failed in the baseline and still fail are accepted: that is what a baseline is for.
 */
import type { ComplianceReport } from '../model/result.js';
import { diffAudits, formatDiff, loadAuditFile } from './diff.js';

export interface BaselineGate { exitCode: 0 | 1 | 3; lines: string[] }

export async function baselineGate(baselineFile: string, report: ComplianceReport, reportFile: string): Promise<BaselineGate> {
  const d = diffAudits(await loadAuditFile(baselineFile), { file: reportFile, reports: [report] });
  const t = d.targets[0];
  const newErrors = [...t.changed, ...t.newlyFailing].filter((c) => c.to === 'error' && c.from !== 'error');
  const exitCode = d.regressions ? 1 : newErrors.length ? 3 : 0;
  const lines = [`Against the baseline ${baselineFile}:`, ...formatDiff(d, { limit: 25 }).trimEnd().split('\n').slice(1)];
  if (!d.regressions && newErrors.length) lines.push(`${newErrors.length} item(s) newly in error: ${newErrors.map((c) => c.id).join(', ')}`);
  lines.push(`Exit code ${exitCode} (from the baseline: ${exitCode === 1 ? 'a scored item newly fails' : exitCode === 3 ? 'items newly in error' : 'no scored item newly fails'})`);
  return { exitCode, lines };
}
