/**
 * A cucumber-js formatter that writes compliance.json. It works the same under `cis-bdd audit` and under
 * plain `cucumber-js`: it reads the loaded features (which items have a scenario), the test cases (which
 * were selected) and the verdict attached by each scenario.
 *
 *   --format ./dist/src/report/compliance-formatter.js:reports/compliance.json
 *   --format-options '{"cisBdd":{"benchmark":"cis-ubuntu-18.04-v2.1.0"}}'
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { buildCompliance, type SelectionInfo } from './compliance.js';
import { VERDICT_MEDIA_TYPE, type VerdictMessage } from './verdict-message.js';
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
  private withScenario = new Set<string>();
  private pickleIds = new Map<string, string>();
  private tagsById = new Map<string, string[]>();
  private selected = new Set<string>();
  private verdicts: VerdictMessage[] = [];
  private firstStarted?: string;

  constructor(options: IFormatterOptions) {
    super(options);
    const own: ComplianceFormatOptions = options.parsedArgvOptions.cisBdd ?? {};
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      if (envelope.gherkinDocument) this.onDocument(envelope.gherkinDocument);
      else if (envelope.pickle) {
        const tags = envelope.pickle.tags.map((t) => t.name);
        const id = idFromTags(tags);
        if (id) { this.pickleIds.set(envelope.pickle.id, id); this.tagsById.set(id, tags); }
      } else if (envelope.testCase) {
        const id = this.pickleIds.get(envelope.testCase.pickleId);
        if (id) this.selected.add(id);
      } else if (envelope.testRunStarted) {
        this.firstStarted = new Date(Number(envelope.testRunStarted.timestamp.seconds) * 1000).toISOString();
      } else if (envelope.attachment?.mediaType === VERDICT_MEDIA_TYPE) {
        this.verdicts.push(JSON.parse(envelope.attachment.body) as VerdictMessage);
      } else if (envelope.testRunFinished) {
        this.finish(own);
      }
    });
  }

  private onDocument(doc: messages.GherkinDocument): void {
    const visit = (children: readonly { scenario?: messages.Scenario; rule?: messages.Rule }[]) => {
      for (const child of children) {
        if (child.scenario) {
          const tags = [...child.scenario.tags, ...child.scenario.examples.flatMap((e) => e.tags)].map((t) => t.name);
          for (const t of tags) if (t.startsWith('@id:')) this.withScenario.add(t.slice(4));
        }
        if (child.rule) visit(child.rule.children);
      }
    };
    if (doc.feature) visit(doc.feature.children);
  }

  private finish(own: ComplianceFormatOptions): void {
    const benchmarkId = own.benchmark ?? this.verdicts[0]?.run.benchmarkId ?? process.env.CIS_BDD_BENCHMARK;
    if (!benchmarkId) {
      this.log(JSON.stringify({ error: 'no benchmark known: set formatOptions.cisBdd.benchmark or CIS_BDD_BENCHMARK' }));
      return;
    }
    const policyFile = own.policyFile ?? process.env.CIS_BDD_POLICY;
    const policy = own.policy ?? (policyFile ? loadPolicy(policyFile) : undefined);
    const report = buildCompliance({
      policy,
      tagsById: this.tagsById,
      benchmarkId,
      withScenario: this.withScenario,
      selected: this.selected,
      verdicts: this.verdicts,
      selection: own.selection ?? { level: 2, scoredOnly: false, only: [], tags: null },
      startedAt: this.verdicts[0]?.run.startedAt ?? this.firstStarted,
      finishedAt: new Date(),
    });
    this.log(`${JSON.stringify(report, null, 2)}\n`);
  }
}

function idFromTags(tags: string[]): string | undefined {
  return tags.find((t) => t.startsWith('@id:'))?.slice(4);
}
