/** What a person reads of a hardening run: the plan (dry run, or before confirming), then the outcome. */
import type { HardenReport } from './harden.js';
import type { ItemOutcome } from './plan.js';

const LINE = '-'.repeat(72);
const INDENT = '             ';
const pct = (score: number | null) => (score === null ? 'n/a' : `${score.toFixed(1)}%`);

/** The header: what is hardened, against which benchmark, profile and policy. */
function header(r: HardenReport, title: string): string[] {
  return [
    LINE,
    `${title} ${r.runId} of ${r.target}`,
    `Benchmark: ${r.benchmark}`,
    `Profile:   ${r.profile}`,
    `Policy:    ${r.policy ?? 'none (no --policy: the profile above selects the items)'}`,
    LINE,
  ];
}

/** The plan with every diff and command, and the changes rollback cannot undo marked; nothing about outcomes. */
export function formatHardenPlan(r: HardenReport): string {
  const out = header(r, r.dryRun ? 'Hardening plan (dry run)' : 'Hardening plan');
  for (const p of r.plan) {
    out.push(`${p.id.padEnd(10)} ${'PLANNED'.padEnd(14)} ${p.summary}`);
    for (const u of p.cannotUndo ?? []) out.push(`${INDENT}CANNOT BE UNDONE: ${u}`);
    for (const d of p.directories ?? []) out.push(`${INDENT}new directory ${d} (mode 0755 owner 0:0)`);
    for (const f of p.files) out.push(...f.diff.split('\n').map((l) => `${INDENT}${l}`));
    for (const c of p.commands) out.push(`${INDENT}$ ${c}`);
  }
  out.push(LINE);
  const lasting = r.plan.filter((p) => p.cannotUndo?.length).length;
  out.push(`${r.plan.length} item(s) planned${lasting ? `, ${lasting} of them with changes rollback cannot undo` : ''}`);
  return `${out.join('\n')}\n`;
}

/** The terminal summary of a hardening run (a dry run: the plan; a declined run: the plan, and that nothing changed). */
export function formatHardenSummary(r: HardenReport): string {
  if (r.declined) return `Nothing changed on ${r.target}: the plan was not confirmed\nBefore: ${r.reports.before} (score ${pct(r.score.before)})\n`;
  if (r.dryRun) {
    return `${formatHardenPlan(r).replace(/\n$/, '')}; nothing changed\nBefore: ${r.reports.before} (score ${pct(r.score.before)})\n${interruptedLines(r)}`;
  }
  const out = header(r, 'Hardening');
  for (const p of r.plan) {
    const o = r.outcomes.find((x) => x.id === p.id);
    out.push(`${p.id.padEnd(10)} ${o ? o.outcome.toUpperCase().padEnd(14) : 'PLANNED'.padEnd(14)} ${p.summary}`);
    for (const u of p.cannotUndo ?? []) out.push(`${INDENT}cannot be undone: ${u}`);
    if (o?.reason) out.push(`${INDENT}${o.reason}`);
  }
  const others = r.outcomes.filter((o) => !r.plan.some((p) => p.id === o.id))
    .sort((a, b) => Number(b.outcome === 'made worse') - Number(a.outcome === 'made worse'));
  if (others.length) {
    out.push(LINE);
    for (const o of others) {
      out.push(`${o.id.padEnd(10)} ${o.outcome.toUpperCase().padEnd(14)} ${o.title}${o.reason ? ` — ${o.reason}` : ''}`);
      for (const s of o.steps ?? []) out.push(`${INDENT}- ${s}`);
    }
  }
  out.push(LINE);
  const n = (k: ItemOutcome['outcome']) => r.outcomes.filter((o) => o.outcome === k).length;
  out.push(`${n('fixed')} fixed, ${n('still failing')} still failing, ${n('made worse')} made worse, ${n('skipped')} skipped, ${n('needs a person')} need a person`);
  out.push(r.reports.after ? `Score: ${pct(r.score.before)} before → ${pct(r.score.after)} after` : `Score: ${pct(r.score.before)} (nothing was applied)`);
  out.push(`Before: ${r.reports.before}`);
  if (r.reports.after) out.push(`After:  ${r.reports.after}`);
  if (r.backupDir) out.push(`Backups on the target: ${r.backupDir}`);
  if (r.rollbackCommand) out.push(`To undo this run: ${r.rollbackCommand}`);
  if (r.image) out.push(`Hardened image: ${r.image} (the original image is unchanged)`);
  return `${out.join('\n')}\n${interruptedLines(r)}`;
}

function interruptedLines(r: HardenReport): string {
  return (r.interruptedRuns ?? []).map((id, i) => `Run ${id} on this target was stopped before it completed; to undo what it changed: ${r.interruptedRollback?.[i] ?? `cis-bdd rollback --run ${id}`}\n`).join('');
}
