/**
 * allure-cucumberjs's formatter, made to agree with compliance.json:
 * - it files scenarios whose steps are pending, undefined or ambiguous as passed (such a step has no
 *   Allure status, and an empty worst status defaults to passed); a check that did not run is "broken";
 * - Allure ranks a passed step above a skipped one, so an item that ends `manual` after reading its facts
 *   would show as passed. The verdict each scenario attaches is authoritative: pass → passed, fail →
 *   failed, error → broken, not-applicable and manual → skipped, with the reason as the status message;
 * - with a policy, a waived item is skipped with "waived (observed: …)", its reason, owner and expiry,
 *   and a "Waived" category groups them (an expired waiver does not apply).
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import * as reporterModule from 'allure-cucumberjs/reporter';
import { Status } from 'allure-js-commons';
import { VERDICT_MEDIA_TYPE, type VerdictMessage } from './verdict-message.js';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Policy } from '../policy/policy.js';
import { waiverApplies, waiverExpired } from '../policy/apply.js';

// The package's type declarations describe the CommonJS shape; at run time the ESM default is the class.
const AllureCucumberReporter = ((reporterModule as { default?: unknown }).default ?? reporterModule) as typeof Formatter;

type StepResult = { status: string };
interface AllureTestResult { status?: Status; statusDetails?: { message?: string; trace?: string }; labels: Array<{ name: string; value: string }> }
interface ReporterInternals {
  parseStatus: (r: StepResult) => Status | undefined;
  testResultUuids: Map<string, string>;
  allureRuntime: {
    updateTest(uuid: string, fn: (r: AllureTestResult) => void): void;
    writeTest(uuid: string): void;
  };
}

const ALLURE_STATUS: Record<string, Status> = {
  pass: Status.PASSED,
  fail: Status.FAILED,
  error: Status.BROKEN,
  'not-applicable': Status.SKIPPED,
  manual: Status.SKIPPED,
};

export default class CisAllureFormatter extends AllureCucumberReporter {
  constructor(options: IFormatterOptions) {
    super(options);
    const self = this as unknown as ReporterInternals;
    const parseStatus = self.parseStatus.bind(this);
    self.parseStatus = (result: StepResult) => {
      if (result.status === 'PENDING' || result.status === 'UNDEFINED' || result.status === 'AMBIGUOUS') return Status.BROKEN;
      return parseStatus(result);
    };

    const policy: Policy | undefined = options.parsedArgvOptions.cisBdd?.policy;
    const resultsDir: string | undefined = options.parsedArgvOptions.resultsDir;
    if (policy && resultsDir) {
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(path.join(resultsDir, 'categories.json'), JSON.stringify([
        { name: 'Waived by policy', messageRegex: '^waived.*', matchedStatuses: ['skipped'] },
        { name: 'Manual review', messageRegex: '^manual:.*', matchedStatuses: ['skipped'] },
        { name: 'Not applicable', messageRegex: '^not-applicable:.*', matchedStatuses: ['skipped'] },
      ], null, 2));
    }
    const pickleTags = new Map<string, string[]>();
    const testCasePickle = new Map<string, string>();
    const startedCase = new Map<string, string>();
    const verdictByUuid = new Map<string, { verdict: VerdictMessage; tags: string[] }>();
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      if (envelope.pickle) pickleTags.set(envelope.pickle.id, envelope.pickle.tags.map((t) => t.name));
      if (envelope.testCase) testCasePickle.set(envelope.testCase.id, envelope.testCase.pickleId);
      if (envelope.testCaseStarted) startedCase.set(envelope.testCaseStarted.id, envelope.testCaseStarted.testCaseId);
      const a = envelope.attachment;
      if (a?.mediaType !== VERDICT_MEDIA_TYPE || !a.testCaseStartedId) return;
      const uuid = self.testResultUuids.get(a.testCaseStartedId);
      const tags = pickleTags.get(testCasePickle.get(startedCase.get(a.testCaseStartedId) ?? '') ?? '') ?? [];
      if (uuid) verdictByUuid.set(uuid, { verdict: JSON.parse(a.body) as VerdictMessage, tags });
    });
    const runtime = self.allureRuntime;
    const writeTest = runtime.writeTest.bind(runtime);
    runtime.writeTest = (uuid: string) => {
      const entry = verdictByUuid.get(uuid);
      const verdict = entry?.verdict;
      if (verdict && ALLURE_STATUS[verdict.status]) {
        const waiver = policy?.waivers.find((w) => waiverApplies(w, verdict.id, entry.tags, verdict.run.target));
        runtime.updateTest(uuid, (r) => {
          r.status = ALLURE_STATUS[verdict.status];
          if (verdict.status !== 'pass' && verdict.reason) {
            r.statusDetails = { ...r.statusDetails, message: `${verdict.status}: ${verdict.reason}` };
          }
          if (waiver && !waiverExpired(waiver, new Date())) {
            r.status = Status.SKIPPED;
            r.statusDetails = {
              ...r.statusDetails,
              message: `waived (observed: ${verdict.status}): ${waiver.reason}; owner: ${waiver.owner ?? 'not given'}; expires: ${waiver.expires ?? 'never'}`
                + (verdict.reason ? `\nobserved: ${verdict.reason}` : ''),
            };
            r.labels.push({ name: 'tag', value: 'waived' });
          } else if (waiver) {
            r.labels.push({ name: 'tag', value: `waiver expired ${waiver.expires}` });
          }
        });
        verdictByUuid.delete(uuid);
      }
      writeTest(uuid);
    };
  }
}
