/**
 * A cucumber-js formatter that writes compliance.json when cucumber-js is run directly (`cis-bdd audit`
 * builds the run's result itself, from the session: src/api.ts). It reads the loaded features (which items
 * have a scenario), the test cases (which were selected) and the verdict the engine attached to each
 * scenario (with its waiver already decided), and hands them to the engine's buildResult.
 *
 *   --format ./dist/src/report/compliance-formatter.js:reports/compliance.json
 *   --format-options '{"cisBdd":{"benchmark":"cis-ubuntu-18.04-v2.1.0"}}'
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { buildResult } from '../engine/result.js';
import { RunMessages } from '../engine/run-messages.js';
import { VERDICT_MEDIA_TYPE, type SelectionInfo, type VerdictMessage } from '../model/result.js';
import { loadPolicy, type Policy } from '../policy/policy.js';

export interface ComplianceFormatOptions {
  benchmark?: string;
  selection?: SelectionInfo;
  /** the resolved policy (cis-bdd audit passes it) */
  policy?: Policy;
  /** a policy file to load (plain cucumber-js; or CIS_BDD_POLICY) */
  policyFile?: string;
}

export default class ComplianceFormatter extends Formatter {
  static override readonly documentation = 'Writes the cis-bdd compliance.json report';
  private readonly run = new RunMessages();
  private verdicts: VerdictMessage[] = [];

  constructor(options: IFormatterOptions) {
    super(options);
    const own: ComplianceFormatOptions = options.parsedArgvOptions.cisBdd ?? {};
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      this.run.onEnvelope(envelope);
      if (envelope.attachment?.mediaType === VERDICT_MEDIA_TYPE) this.verdicts.push(JSON.parse(envelope.attachment.body) as VerdictMessage);
      else if (envelope.testRunFinished) this.finish(own);
    });
  }

  private finish(own: ComplianceFormatOptions): void {
    const benchmarkId = own.benchmark ?? this.verdicts[0]?.run.benchmarkId ?? process.env.CIS_BDD_BENCHMARK;
    if (!benchmarkId) {
      this.log(JSON.stringify({ error: 'no benchmark known: set formatOptions.cisBdd.benchmark or CIS_BDD_BENCHMARK' }));
      return;
    }
    const policyFile = own.policyFile ?? process.env.CIS_BDD_POLICY;
    const policy = own.policy ?? (policyFile ? loadPolicy(policyFile) : undefined);
    const report = buildResult({
      policy,
      tagsById: this.run.tagsById,
      benchmarkId,
      withScenario: this.run.withScenario,
      selected: this.run.selected,
      verdicts: this.verdicts,
      selection: own.selection ?? { level: 2, scoredOnly: false, only: [], tags: null },
      startedAt: this.verdicts[0]?.run.startedAt ?? this.run.startedAt,
      finishedAt: new Date(),
    });
    this.log(`${JSON.stringify(report, null, 2)}\n`);
  }
}
