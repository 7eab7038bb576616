/** A CIS-CAT-style summary for a terminal or a CI log: totals by status, the score, and what failed. */
import type { ComplianceReport } from './compliance.js';

export function formatSummary(report: ComplianceReport, reportPaths: string[] = []): string {
  const s = report.summary;
  const scored = report.items.filter((i) => i.scored && i.status !== 'not-selected');
  const rows: Array<[string, number | string]> = [
    ['Total items', s.total],
    ['Selected', s.total - s.notSelected],
    ['  Scored', scored.length],
    ['Pass', s.pass],
    ['Fail', s.fail],
    ['Error', s.error],
    ['Unknown', s.unknown],
    ['Not applicable', s.notApplicable],
    ['Manual (not checked)', s.manual],
    ['Waived', s.waived],
    ['Not selected', s.notSelected],
  ];
  const out: string[] = [];
  const line = '-'.repeat(72);
  out.push(line);
  out.push(`${report.benchmark.title}`);
  const os = report.target?.os ? ` (${report.target.os.prettyName || `${report.target.os.id} ${report.target.os.versionId}`})` : '';
  out.push(`Target: ${report.target?.uri ?? '?'}${os}`);
  out.push(`Profile: Level ${report.selection.level}${report.selection.scoredOnly ? ', scored only' : ''}${report.selection.only.length ? `, only ${report.selection.only.length} item(s)` : ''}`);
  for (const w of report.run.warnings) out.push(`WARNING: ${w}`);
  out.push(line);
  for (const [k, v] of rows) out.push(`${k.padEnd(24)}${String(v).padStart(6)}`);
  out.push(line);
  const scoredPass = scored.filter((i) => i.status === 'pass').length;
  const scoredFail = scored.filter((i) => i.status === 'fail').length;
  out.push(`Score: ${s.score === null ? 'n/a (no scored item passed or failed)' : `${s.score.toFixed(1)}%`}  (${scoredPass} passed of ${scoredPass + scoredFail} scored items that passed or failed)`);
  out.push(`Duration: ${(report.run.durationMs / 1000).toFixed(1)} s, ${report.run.roundTrips} round trips to the target`);
  const listed = (status: string, title: string) => {
    const items = report.items.filter((i) => i.status === status);
    if (!items.length) return;
    out.push(line);
    out.push(`${title} (${items.length}):`);
    for (const i of items) out.push(`  ${i.id.padEnd(10)} ${i.title}${status !== 'fail' && i.reason ? ` — ${i.reason}` : ''}`);
  };
  listed('fail', 'Failed');
  listed('error', 'Errors');
  out.push(line);
  for (const p of reportPaths) out.push(p);
  return `${out.join('\n')}\n`;
}
