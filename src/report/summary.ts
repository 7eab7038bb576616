/** A CIS-CAT-style summary for a terminal or a CI log: totals by status, the score, and what failed. */
import type { ComplianceReport } from './compliance.js';
import { safeText } from '../model/text.js';

/** One line of the summary from text that may come from the target (the OS name, a reason). */
const line1 = (text: string) => safeText(text, { singleLine: true });

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
  out.push(line1(`Target: ${report.target?.uri ?? '?'}${os}`));
  out.push(`Profile: Level ${report.selection.level}${report.selection.scoredOnly ? ', scored only' : ''}${report.selection.only.length ? `, only ${report.selection.only.length} item(s)` : ''}`);
  if (report.run.interrupted) out.push(`INTERRUPTED by ${report.run.interrupted.signal}: items not measured before it are "error"`);
  for (const w of report.run.warnings) out.push(line1(`WARNING: ${w}`));
  out.push(line);
  const c = s.cisCat;
  const cat: Array<[string, number]> = [
    ['Total', c.total], ['Scored', c.scored], ['Pass', c.pass], ['Fail', c.fail], ['Error', c.error], ['Unknown', c.unknown],
    ['Not Applicable', c.notApplicable], ['Not Checked/Manual', c.notChecked], ['Not Selected', c.notSelected], ['Informational', c.informational],
  ];
  out.push(`${'cis-bdd'.padEnd(30)}CIS-CAT categories (Pass/Fail: scored items)`);
  for (let i = 0; i < Math.max(rows.length, cat.length); i++) {
    const left = rows[i] ? `${rows[i][0].padEnd(24)}${String(rows[i][1]).padStart(6)}` : ''.padEnd(30);
    const right = cat[i] ? `${cat[i][0].padEnd(22)}${String(cat[i][1]).padStart(6)}` : '';
    out.push(`${left}  ${right}`.trimEnd());
  }
  out.push(line);
  if (report.policy) {
    out.push(`Policy: ${report.policy.name} (${report.policy.file}, sha256 ${report.policy.hash.slice(0, 12)})`);
    const tailored = Object.entries(report.policy.tailored);
    if (tailored.length) out.push(`Tailored: ${tailored.map(([k, v]) => `${k}=${JSON.stringify(v.value)} (default ${JSON.stringify(v.default)})`).join(', ')}`);
    out.push(line);
  }
  const scoredPass = scored.filter((i) => i.status === 'pass').length;
  const scoredFail = scored.filter((i) => i.status === 'fail').length;
  out.push(`Score: ${s.score === null ? 'n/a (no scored item passed or failed)' : `${s.score.toFixed(1)}%`}  (${scoredPass} passed of ${scoredPass + scoredFail} scored items that passed or failed)`);
  out.push(`Duration: ${(report.run.durationMs / 1000).toFixed(1)} s, ${report.run.roundTrips} round trips to the target`);
  const listed = (status: string, title: string) => {
    const items = report.items.filter((i) => i.status === status);
    if (!items.length) return;
    out.push(line);
    out.push(`${title} (${items.length}):`);
    for (const i of items) out.push(line1(`  ${i.id.padEnd(10)} ${i.title}${status !== 'fail' && i.reason ? ` — ${i.reason}` : ''}`));
  };
  listed('fail', 'Failed');
  listed('error', 'Errors');
  const waived = report.items.filter((i) => i.status === 'waived');
  if (waived.length) {
    out.push(line);
    out.push(`Waived (${waived.length}; not in the score, real verdict shown):`);
    for (const i of waived) {
      const w = i.waiver!;
      out.push(`  ${i.id.padEnd(10)} ${i.title} [observed: ${i.observed}]`);
      out.push(`  ${''.padEnd(10)} reason: ${line1(w.reason)}${w.owner ? `; owner: ${w.owner}` : ''}; expires: ${w.expires ?? 'never'}`);
    }
  }
  const expired = report.items.filter((i) => i.expiredWaiver);
  if (expired.length) {
    out.push(line);
    out.push(`Expired waivers (${expired.length}; these items count with their real verdict):`);
    for (const i of expired) out.push(`  ${i.id.padEnd(10)} ${i.status.padEnd(8)} expired ${i.expiredWaiver!.expires}: ${i.expiredWaiver!.reason}`);
  }
  out.push(line);
  for (const p of reportPaths) out.push(p);
  return `${out.join('\n')}\n`;
}
