/** A CIS-CAT-style summary for a terminal or a CI log: totals by status, the score, and what failed. */
import { styleText } from 'node:util';
import type { ComplianceReport } from '../model/result.js';
import { safeText, shellWord } from '../model/text.js';
import { cisCatView, countsLine, formatScore, headlineCounts } from '../model/counts.js';

/** One line of the summary from text that may come from the target (the OS name, a reason). */
const line1 = (text: string) => safeText(text, { singleLine: true });

export interface SummaryOptions {
  /** colour statuses (a terminal, and NO_COLOR unset) */
  color?: boolean;
  /** list at most this many failing scored items (the rest are counted, with where to see them) */
  limit?: number;
  /** lines added at the end (a baseline's delta, for example) */
  extra?: string[];
}

type Colour = 'red' | 'green' | 'yellow' | 'cyan' | 'bold';

/** The caller decides whether to colour (wantsColor); Node's own guess (it turns colour off under CI=true) must not. */
const STYLE = { validateStream: false } as const;

/** Whether to colour output on a stream: a terminal, NO_COLOR unset, and not a dumb terminal. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** The one-line verdict of an audit (what --quiet prints): the outcome, the score and the headline counts. */
export function finalLine(report: ComplianceReport, color = false): string {
  const s = headlineCounts(report.items);
  const c = (k: Colour, t: string) => (color ? styleText(k, t, STYLE) : t);
  const verdict = report.run.interrupted ? c('yellow', `INTERRUPTED (${report.run.interrupted.signal})`) : s.outcome === 'not-compliant' ? c('red', 'NOT COMPLIANT') : s.outcome === 'incomplete' ? c('yellow', 'INCOMPLETE') : c('green', 'COMPLIANT');
  return `${verdict}: score ${formatScore(s.score)}; ${countsLine(s)} — ${report.benchmark.id} on ${line1(report.target?.uri ?? '?')}\n`;
}

export function formatSummary(report: ComplianceReport, reportPaths: string[] = [], options: SummaryOptions = {}): string {
  const paint = (k: Colour, t: string) => (options.color ? styleText(k, t, STYLE) : t);
  const limit = options.limit ?? Infinity;
  const s = headlineCounts(report.items);
  const rows: Array<[string, number | string]> = [
    ['Total items', s.total],
    ['Selected', s.selected],
    ['  Scored', s.scored],
    ['Pass (scored)', s.pass],
    ['Fail (scored)', s.fail],
    ['Not scored: pass', s.notScoredPass],
    ['Not scored: fail', s.notScoredFail],
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
  const c = cisCatView(report.items, s);
  const cat: Array<[string, number]> = [
    ['Total', c.total], ['Scored', c.scored], ['Pass', c.pass], ['Fail', c.fail], ['Error', c.error], ['Unknown', c.unknown],
    ['Not Applicable', c.notApplicable], ['Not Checked/Manual', c.notChecked], ['Not Selected', c.notSelected], ['Informational', c.informational],
  ];
  out.push(`${'Counts'.padEnd(32)}CIS-CAT's view`);
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
  out.push(`Score: ${s.score === null ? 'n/a (no scored item passed or failed)' : `${formatScore(s.score)} = ${s.pass} pass ÷ (${s.pass} pass + ${s.fail} fail), selected scored items`}`);
  out.push(`Duration: ${(report.run.durationMs / 1000).toFixed(1)} s, ${report.run.roundTrips} round trips to the target`);
  // the headings' numbers are the headline counts; the lists are the items behind them
  const listed = (status: 'fail' | 'error', heading: string, colour: Colour) => {
    const items = report.items.filter((i) => i.status === status);
    if (!items.length) return;
    // scored items first: they decide the exit code
    items.sort((a, b) => Number(b.scored) - Number(a.scored));
    out.push(line);
    out.push(paint(colour, `${heading}:`));
    // the colour codes are added after escaping: escaping would show them as text
    for (const i of items.slice(0, limit)) out.push(`  ${paint(colour, i.id.padEnd(10))} ${line1(`${i.title}${i.scored ? '' : ' [not scored]'}${i.reason ? ` — ${i.reason}` : ''}`)}`);
    if (items.length > limit) out.push(`  … ${items.length - limit} more: all are in summary.txt and compliance.json`);
  };
  listed('fail', `Failed (${s.notScoredFail ? `${s.fail} scored, ${s.notScoredFail} not scored` : s.fail})`, 'red');
  listed('error', `Errors (${s.error})`, 'yellow');
  const waived = report.items.filter((i) => i.status === 'waived');
  if (waived.length) {
    out.push(line);
    out.push(`Waived (${s.waived}; not in the score, real verdict shown):`);
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
  if (options.extra?.length) {
    out.push(line);
    out.push(...options.extra);
  }
  out.push(line);
  for (const p of reportPaths) out.push(p);
  out.push(finalLine(report, options.color).trimEnd());
  return `${out.join('\n')}\n`;
}

/** The closing line of an audit or fleet run with --no-html: how to make the report later. */
export function reportLaterLine(outDir: string): string {
  return `Allure report: not generated (--no-html); "cis-bdd report ${shellWord(outDir)}" makes it`;
}
