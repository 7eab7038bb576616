/**
 * The World of one scenario (one benchmark item): the shared session and facts, the evidence collected
 * while checking, and how the check ended. Steps only read facts and decide; they end a check with
 * fail(), notApplicable() or manual(), or note that a live-only part was not possible offline.
 */
import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import type { Session } from '../../src/engine/session.js';
import type { StandaloneParameters } from '../../src/engine/standalone.js';
import type { FactDef } from '../../src/facts/store.js';
import { CheckError, CheckFailed, NeedsLiveSystem, type Evidence, type Status } from '../../src/model/verdict.js';
import { tailoringDecl } from '../../src/engine/benchmarks.js';
import type { ManualFix, Remediation } from '../../src/model/remediation.js';

/** The world parameters: those of a plain cucumber-js run (standalone.ts), and cis-bdd's hand-off flag. */
export interface CisParameters extends StandaloneParameters {
  /** set by cis-bdd's API, which opens the session itself */
  managed?: boolean;
}

export interface ItemRef {
  id: string;
  level: number;
  scored: boolean;
}

export type EarlyEnd = { status: 'not-applicable' | 'manual'; reason: string };

export class CisWorld extends World<CisParameters> {
  session!: Session;
  item!: ItemRef;
  evidence: Evidence[] = [];
  /** live-only parts not checked because the target is not a running system; the persistent parts still ran */
  offline: Array<{ what: string; reason: string }> = [];
  ended?: EarlyEnd;
  failure?: string;
  /** how to fix a failure: recorded by the failing step, applied by `cis-bdd harden` */
  remediation?: Remediation;
  manualFix?: ManualFix;
  /** scenario-local values a Given step put aside for the Then steps */
  subject: Record<string, unknown> = {};

  constructor(options: IWorldOptions<CisParameters>) {
    super(options);
  }

  get facts() {
    return this.session.facts;
  }

  get target() {
    return this.session.target;
  }

  /** Gather (or reuse) a fact. */
  fact<T>(def: FactDef<T>): Promise<T> {
    return this.session.facts.get(def);
  }

  /**
   * Gather a fact that needs a running system. On an offline root filesystem it records that this part
   * was not checked and returns undefined, so the step can move on to the persistent part.
   */
  async liveFact<T>(def: FactDef<T>): Promise<T | undefined> {
    try {
      return await this.session.facts.get(def);
    } catch (e) {
      if (e instanceof NeedsLiveSystem) {
        if (!this.offline.some((o) => o.what === e.what)) {
          this.offline.push({ what: e.what, reason: e.reason });
          this.record(e.what, `not checked: ${e.reason}`);
        }
        return undefined;
      }
      throw e;
    }
  }

  /**
   * A tailorable value: the policy's, or the default the benchmark's manifest declares. The
   * evidence says which applied.
   */
  tailored<T>(name: string): T {
    const decl = tailoringDecl(this.session.benchmarkId, name);
    if (!decl) throw new CheckError(`tailoring value "${name}" is used but not declared by ${this.session.benchmarkId}`);
    const own = Object.prototype.hasOwnProperty.call(this.session.tailoring, name);
    const value = (own ? this.session.tailoring[name] : decl.default) as T;
    this.record('policy tailoring', `${name} = ${JSON.stringify(value)} (${own ? 'set by the policy' : 'benchmark default'})`);
    return value;
  }

  record(source: string, excerpt: string): void {
    this.evidence.push({ source, excerpt });
  }

  /**
   * Record how to make this item pass (call before fail()). Several failing parts of one item add up:
   * their changes are combined into one remediation.
   */
  remedy(r: Remediation): void {
    if (!this.remediation) { this.remediation = { ...r, changes: [...r.changes] }; return; }
    this.remediation.summary += `; ${r.summary}`;
    this.remediation.changes.push(...r.changes);
    if (r.validate) this.remediation.validate = r.validate;
    if (r.needsInstall) this.remediation.needsInstall = [...(this.remediation.needsInstall ?? []), ...r.needsInstall];
  }

  /** Record that a person must fix this item (partitioning, passwords, ...): the steps, never applied. */
  needsPerson(steps: string[]): void {
    this.manualFix = { steps };
  }

  /** End the check: the item is not compliant. */
  fail(message: string): never {
    this.failure = message;
    throw new CheckFailed(message);
  }

  /** End the check: the item does not apply here. Return the result from the step. */
  notApplicable(reason: string): 'skipped' {
    this.ended = { status: 'not-applicable', reason };
    return 'skipped';
  }

  /** End the check: a person must judge. Say what to look at; the gathered facts are in the evidence. */
  manual(whatToReview: string): 'skipped' {
    this.ended = { status: 'manual', reason: whatToReview };
    return 'skipped';
  }
}

setWorldConstructor(CisWorld);

export type { Status };
