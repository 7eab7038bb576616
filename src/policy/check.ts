/**
 * `cis-bdd policy check`: what is valid but deserves a person's attention. A policy has no target, so it
 * can say only what the policy itself shows (waivers that expired, waivers of items the policy does not
 * select); given a compliance.json of an audit with it (--against), also which waivers name items that
 * passed there: exceptions no longer needed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Policy, Waiver } from './policy.js';
import { waiverExpired } from './apply.js';
import { UsageError } from '../engine/usage-error.js';

function named(w: Waiver): string {
  return w.ids ? `the waiver of ${w.ids.join(', ')}` : `the waiver of tags "${w.tags}"`;
}

/** Warnings a policy shows by itself: expired waivers, waivers of items it does not select. */
export function policyWarnings(policy: Policy, selected: Set<string>, today: Date): string[] {
  const out: string[] = [];
  for (const w of policy.waivers) {
    if (waiverExpired(w, today)) {
      out.push(`${w.declaredAt}: ${named(w)} expired on ${w.expires}: it no longer applies and the item counts with its real verdict; renew "expires" or remove the waiver`);
    }
    const unselected = (w.ids ?? []).filter((id) => !selected.has(id));
    if (unselected.length) {
      out.push(`${w.declaredAt}: ${named(w)}: ${unselected.join(', ')} ${unselected.length === 1 ? 'is' : 'are'} not selected by the policy (profile, scored-only, include/exclude), so the waiver has no effect there`);
    }
  }
  return out;
}

interface ReportItem { id: string; status: string; observed?: string; waiver?: { declaredAt: string }; expiredWaiver?: { declaredAt: string } }

/** Waivers whose items passed in an audit made with this policy (compliance.json): no longer needed. */
export async function warningsAgainst(policy: Policy, file: string): Promise<string[]> {
  let report: { benchmark?: { id?: string }; target?: { uri?: string }; items?: ReportItem[] };
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--against ${file} ${code ? `cannot be read: ${code}` : 'is not JSON'}; give the compliance.json of an audit with this policy`);
  }
  if (!report || !Array.isArray(report.items) || !report.benchmark?.id) throw new UsageError(`--against ${file} is not a cis-bdd compliance.json (no benchmark or items)`);
  if (report.benchmark.id !== policy.benchmark) throw new UsageError(`--against ${file} is an audit of ${report.benchmark.id}; the policy is for ${policy.benchmark}`);
  const where = `${report.target?.uri ?? 'the target'} (${path.basename(file)})`;
  const out: string[] = [];
  for (const w of policy.waivers) {
    const items = report.items.filter((i) => (w.ids ? w.ids.includes(i.id) : i.waiver?.declaredAt === w.declaredAt || i.expiredWaiver?.declaredAt === w.declaredAt));
    const passed = items.filter((i) => i.status === 'pass' || (i.status === 'waived' && i.observed === 'pass')).map((i) => i.id);
    if (passed.length) {
      out.push(`${w.declaredAt}: ${named(w)}: ${passed.join(', ')} passed on ${where}; the waiver is not needed there (remove it, or narrow its scope)`);
    }
  }
  return out;
}
