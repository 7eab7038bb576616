/** The terminal summary of a hardening run. */
import type { HardenReport } from './harden.js';
import type { ItemOutcome } from './plan.js';

export function formatHardenSummary(r: HardenReport): string {
  const line = '-'.repeat(72);
  const out = [line, `${r.dryRun ? 'Hardening plan (dry run)' : 'Hardening'} ${r.runId} of ${r.target} (${r.benchmark})${r.policy ? `, policy ${r.policy}` : ''}`, line];
  for (const p of r.plan) {
    const o = r.outcomes.find((x) => x.id === p.id);
    out.push(`${p.id.padEnd(10)} ${o ? o.outcome.toUpperCase().padEnd(14) : 'PLANNED'.padEnd(14)} ${p.summary}`);
    if (r.dryRun) {
      for (const d of p.directories ?? []) out.push(`             new directory ${d} (mode 0755 owner 0:0)`);
      for (const f of p.files) out.push(...f.diff.split('\n').map((l) => `             ${l}`));
      for (const c of p.commands) out.push(`             $ ${c}`);
    } else if (o?.reason) out.push(`             ${o.reason}`);
  }
  const others = r.outcomes.filter((o) => !r.plan.some((p) => p.id === o.id));
  if (others.length) {
    out.push(line);
    for (const o of others) {
      out.push(`${o.id.padEnd(10)} ${o.outcome.toUpperCase().padEnd(14)} ${o.title}${o.reason ? ` — ${o.reason}` : ''}`);
      for (const s of o.steps ?? []) out.push(`             - ${s}`);
    }
  }
  out.push(line);
  const n = (k: ItemOutcome['outcome']) => r.outcomes.filter((o) => o.outcome === k).length;
  out.push(r.dryRun ? `${r.plan.length} item(s) planned; nothing changed` : `${n('fixed')} fixed, ${n('still failing')} still failing, ${n('skipped')} skipped, ${n('needs a person')} need a person`);
  if (r.backupDir) out.push(`Backups on the target: ${r.backupDir} (cis-bdd rollback --run ${r.runId})`);
  for (const id of r.interruptedRuns ?? []) out.push(`Run ${id} on this target was stopped before it completed: cis-bdd rollback --run ${id} restores what it changed`);
  if (r.image) out.push(`Hardened image: ${r.image}`);
  return `${out.join('\n')}\n`;
}
