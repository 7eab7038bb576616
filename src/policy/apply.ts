/**
 * What a policy does to a run: it selects the items (profile, include, exclude) and turns matching verdicts
 * into waived ones. A waived item is still evaluated and keeps its real verdict as `observed`; an expired
 * waiver, or one whose scope does not cover the target, does not apply.
 */
import type { Policy, Waiver } from './policy.js';
import { parseTagExpression } from './policy.js';
import { globMatch } from '../model/glob.js';
import { tailoringDecl } from '../engine/benchmarks.js';
import type { PolicyReport } from '../model/result.js';

export type { PolicyReport };

export function isTagSelector(s: string): boolean {
  return s.startsWith('@') || /^\(|^not\s/.test(s);
}


/** The cucumber tag expression a policy selects. Id selectors match the item or, for a section, its items. */
export function policyTagExpression(policy: Pick<Policy, 'level' | 'scoredOnly' | 'include' | 'exclude'>, expandIds: (sel: string) => string[]): string {
  const base: string[] = [];
  if (policy.level === 1) base.push('@level:1');
  if (policy.scoredOnly) base.push('@scored');
  const selector = (sel: string) => (isTagSelector(sel) ? `(${sel})` : `(${expandIds(sel).map((id) => `@id:${id}`).join(' or ')})`);
  let expr = base.length ? `(${base.join(' and ')})` : '';
  if (policy.include.length) {
    const inc = policy.include.map(selector).join(' or ');
    expr = expr ? `(${expr} or ${inc})` : '';
  }
  if (policy.exclude.length) {
    const exc = policy.exclude.map(selector).join(' or ');
    expr = expr ? `${expr} and not (${exc})` : `not (${exc})`;
  }
  return expr;
}

export function waiverApplies(w: Waiver, id: string, tags: string[], target: { kind: string; uri: string }): boolean {
  const names = w.ids ? w.ids.includes(id) : w.tags ? parseTagExpression(w.tags).evaluate(tags) : false;
  if (!names) return false;
  if (w.scope?.kinds && !w.scope.kinds.includes(target.kind)) return false;
  // a target pattern is matched against the whole URI; its wildcards match / too
  if (w.scope?.targets && !w.scope.targets.some((g) => globMatch(g, target.uri))) return false;
  return true;
}

/** A waiver has expired when its last day is before the run's date (UTC). */
export function waiverExpired(w: Waiver, today: Date): boolean {
  return !!w.expires && w.expires < today.toISOString().slice(0, 10);
}

export function policyReport(policy: Policy, today: Date): PolicyReport {
  const tailored: PolicyReport['tailored'] = {};
  for (const [name, value] of Object.entries(policy.tailoring)) {
    const decl = tailoringDecl(policy.benchmark, name);
    if (decl && JSON.stringify(decl.default) !== JSON.stringify(value)) tailored[name] = { value, default: decl.default };
  }
  return {
    name: policy.name,
    file: policy.file,
    hash: policy.hash,
    profile: { level: policy.level, scoredOnly: policy.scoredOnly },
    include: policy.include,
    exclude: policy.exclude,
    tailored,
    waivers: policy.waivers.map((w) => ({ ...w, expired: waiverExpired(w, today) })),
  };
}
