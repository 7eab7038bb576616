/**
 * The base of cis-bdd's cucumber-js formatters for plain `cucumber-js` runs (`cis-bdd audit` builds its
 * result itself, src/api.ts). It collects what the engine needs from cucumber's message stream
 * (RunMessages) and the verdict the engine attached to each scenario, has the engine build the run's
 * result when the run finishes, and hands it to the formatter, which only writes it.
 *
 *   --format-options '{"cisBdd":{"benchmark":"cis-ubuntu-18.04-v2.1.0"}}'   (or CIS_BDD_BENCHMARK)
 *   CIS_BDD_POLICY=policy.yaml                                              (the policy's summary)
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { buildResult } from '../engine/result.js';
import { RunMessages } from '../engine/run-messages.js';
import { VERDICT_MEDIA_TYPE, type ComplianceReport, type SelectionInfo, type VerdictMessage } from '../model/result.js';
import { loadPolicy, type Policy } from '../policy/policy.js';

export interface ComplianceFormatOptions {
  benchmark?: string;
  selection?: SelectionInfo;
  /** the resolved policy */
  policy?: Policy;
  /** a policy file to load (or CIS_BDD_POLICY) */
  policyFile?: string;
}

export abstract class ResultFormatter extends Formatter {
  protected readonly run = new RunMessages();
  private readonly verdicts: VerdictMessage[] = [];

  constructor(options: IFormatterOptions) {
    super(options);
    const own: ComplianceFormatOptions = options.parsedArgvOptions.cisBdd ?? {};
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      this.run.onEnvelope(envelope);
      if (envelope.attachment?.mediaType === VERDICT_MEDIA_TYPE) this.verdicts.push(JSON.parse(envelope.attachment.body) as VerdictMessage);
      // cucumber's command line exits at once when a BeforeAll or AfterAll hook fails, before the run's
      // end: write then what the run has, the hook's error included
      else if (envelope.testRunFinished || envelope.testRunHookFinished?.result.status === 'FAILED') this.finish(own);
    });
  }

  /**
   * Write the run's result (called once, when the run finishes); without a benchmark (no verdict attached,
   * none named) there is no result, and `problem` says why.
   */
  protected abstract write(report: ComplianceReport | undefined, problem?: string): void;

  private done = false;

  private finish(own: ComplianceFormatOptions): void {
    if (this.done) return;
    this.done = true;
    const benchmarkId = own.benchmark ?? this.verdicts[0]?.run.benchmarkId ?? process.env.CIS_BDD_BENCHMARK;
    if (!benchmarkId) {
      this.write(undefined, 'no benchmark known: set formatOptions.cisBdd.benchmark or CIS_BDD_BENCHMARK');
      return;
    }
    const policyFile = own.policyFile ?? process.env.CIS_BDD_POLICY;
    const policy = own.policy ?? (policyFile ? loadPolicy(policyFile) : undefined);
    this.write(buildResult({
      policy,
      tagsById: this.run.tagsById,
      benchmarkId,
      withScenario: this.run.withScenario,
      selected: this.run.selected,
      verdicts: this.verdicts,
      selection: own.selection ?? { level: 2, scoredOnly: false, only: [], tags: null },
      startedAt: this.verdicts[0]?.run.startedAt ?? this.run.startedAt,
      finishedAt: new Date(),
    }));
  }
}
