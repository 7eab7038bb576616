/**
 * The engine's verdict: how an item's check ended (its steps' outcome, and what they established through
 * the World: a failure, an early end, parts that needed a running system) turned into the item's status
 * and reason. Nothing passes by default: a step that is pending, undefined or ambiguous, a check skipped
 * without saying why, or any outcome not named here is `error` with a reason.
 */
import type { Status } from '../model/verdict.js';
import type { Evidence } from '../model/verdict.js';
import type { ManualFix, Remediation } from '../model/remediation.js';
import type { RunInfo, VerdictMessage, WaiverDecision } from '../model/result.js';
import { safeText } from '../model/text.js';

/** How the steps of a scenario ended, in cucumber's words (its TestStepResultStatus). */
export type StepsOutcome = 'PASSED' | 'FAILED' | 'SKIPPED' | 'PENDING' | 'UNDEFINED' | 'AMBIGUOUS' | 'UNKNOWN' | string;

export interface CheckEnd {
  outcome: StepsOutcome | undefined;
  /** the error message of a step that threw, when outcome is FAILED */
  message?: string;
  /** set by a step that found a violation (World.fail) */
  failure?: string;
  /** set by a step that ended the check early (World.notApplicable / World.manual) */
  ended?: { status: 'not-applicable' | 'manual'; reason: string };
  /** live-only parts not checked on an offline target; the persistent parts were */
  offline: ReadonlyArray<{ what: string; reason: string }>;
}

export function decideVerdict(end: CheckEnd): { status: Status; reason?: string } {
  switch (end.outcome) {
    case 'PASSED':
      if (end.offline.length) {
        return {
          status: 'not-applicable',
          reason: `${end.offline[0].reason}: ${end.offline.map((o) => o.what).join('; ')} not checked; the persistent configuration was checked and complies`,
        };
      }
      return { status: 'pass' };
    case 'FAILED':
      if (end.failure !== undefined) return { status: 'fail', reason: end.failure };
      return { status: 'error', reason: end.message?.split('\n')[0] ?? 'the check failed to run' };
    case 'SKIPPED':
      return end.ended ? { status: end.ended.status, reason: end.ended.reason } : { status: 'error', reason: 'the check was skipped without a reason' };
    case 'PENDING':
      return { status: 'error', reason: 'a step of this check is pending (not implemented)' };
    case 'UNDEFINED':
      return { status: 'error', reason: 'a step of this check has no definition' };
    case 'AMBIGUOUS':
      return { status: 'error', reason: 'a step of this check matches several definitions' };
    default:
      return { status: 'error', reason: `unexpected cucumber status ${end.outcome}` };
  }
}

export interface VerdictInput extends CheckEnd {
  id: string;
  evidence: readonly Evidence[];
  remediation?: Remediation;
  manualFix?: ManualFix;
  durationMs: number;
  run: RunInfo;
  waiver?: WaiverDecision;
}

/**
 * The item's verdict with its evidence: the boundary where text from the target enters every report made
 * from it (control characters, bytes that are not UTF-8 and overlong lines are escaped and capped here).
 * A fix is kept only for a failing item.
 */
export function itemVerdict(input: VerdictInput): VerdictMessage {
  const { status, reason } = decideVerdict(input);
  return {
    id: input.id,
    status,
    reason: reason === undefined ? undefined : safeText(reason),
    evidence: input.evidence.map((e) => ({ source: safeText(e.source, { singleLine: true }), excerpt: safeText(e.excerpt) })),
    remediation: status === 'fail' ? input.remediation : undefined,
    manualFix: status === 'fail' ? input.manualFix : undefined,
    durationMs: input.durationMs,
    run: input.run,
    ...(input.waiver ? { waiver: input.waiver } : {}),
  };
}
