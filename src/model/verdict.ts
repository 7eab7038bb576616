export const OFFLINE_REASON = 'offline root filesystem';

/** Verdicts and the two ways a check can end early: it found a violation, or it could not decide. */

export const STATUSES = ['pass', 'fail', 'error', 'unknown', 'not-applicable', 'manual', 'not-selected', 'waived'] as const;
export type Status = (typeof STATUSES)[number];

export interface Evidence {
  /** what was read: a file path, a command, or a fact name */
  source: string;
  /** the lines or values that decided, never a secret */
  excerpt: string;
}

/** Thrown by a check that found a violation. Named like an assertion so Allure files it as "failed". */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

/** Thrown when what a check needs cannot be read or understood: the item ends as "error", never pass. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

/** Thrown by a fact that needs a running system when the target is an offline root filesystem. */
export class NeedsLiveSystem extends Error {
  constructor(readonly what: string, readonly reason: string = OFFLINE_REASON) {
    super(`${what} needs a running system (${reason})`);
    this.name = 'NeedsLiveSystem';
  }
}
