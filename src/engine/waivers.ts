/**
 * Waivers, decided once per item by the engine: the policy's first waiver that names the item (by id or
 * tag expression) and whose scope covers the target. An expired waiver is reported but does not apply.
 * compliance.json and the Allure results both take the decision from the item's verdict; neither looks
 * at the policy's waivers again.
 */
import type { Policy } from '../policy/policy.js';
import { waiverApplies, waiverExpired } from '../policy/apply.js';
import type { ComplianceItem, WaiverDecision } from '../model/result.js';
import type { Status } from '../model/verdict.js';

/** The verdicts a waiver can cover; unknown and not-selected items are never waived. */
export const WAIVABLE: readonly Status[] = ['pass', 'fail', 'error', 'not-applicable', 'manual'];

export function waiverFor(policy: Policy | undefined, id: string, tags: readonly string[], target: { kind: string; uri: string }, today: Date): WaiverDecision | undefined {
  const w = policy?.waivers.find((x) => waiverApplies(x, id, [...tags], target));
  if (!w) return undefined;
  return { waiver: { reason: w.reason, owner: w.owner, expires: w.expires, declaredAt: w.declaredAt }, expired: waiverExpired(w, today) };
}

/** An item as the report states it under a waiver decision: waived (its verdict kept as `observed`), or with its expired waiver noted. */
export function withWaiver(item: ComplianceItem, decision: WaiverDecision | undefined): ComplianceItem {
  if (!decision || !WAIVABLE.includes(item.status)) return item;
  if (decision.expired) return { ...item, expiredWaiver: decision.waiver };
  return { ...item, observed: item.status, waiver: decision.waiver, status: 'waived' };
}
