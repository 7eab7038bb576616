/** The message each scenario attaches with its verdict; the compliance formatter collects them. */
import type { Evidence, Status } from '../model/verdict.js';
import type { ManualFix, Remediation } from '../model/remediation.js';

export const VERDICT_MEDIA_TYPE = 'application/vnd.cis-bdd.verdict+json';

/**
 * The names of the two hooks every scenario runs (steps/support/hooks.ts). They are the engine's
 * bookkeeping, not part of the check: the Allure reporter shows them only when one fails.
 */
export const SCENARIO_HOOKS = {
  before: 'Identify the item and its target',
  after: 'Record the verdict and its evidence',
} as const;

export interface RunInfo {
  benchmarkId: string;
  target: { kind: string; uri: string; os: { id: string; versionId: string; prettyName: string } | null };
  roundTrips: number;
  bytesRead: number;
  warnings: string[];
  startedAt: string;
}

export interface VerdictMessage {
  id: string;
  status: Status;
  reason?: string;
  evidence: Evidence[];
  durationMs: number;
  run: RunInfo;
  /** for a failing item: what `cis-bdd harden` would change */
  remediation?: Remediation;
  /** for a failing item that a person must fix */
  manualFix?: ManualFix;
}
