/**
 * allure-cucumberjs's formatter, made to agree with compliance.json:
 * - it files scenarios whose steps are pending, undefined or ambiguous as passed (such a step has no
 *   Allure status, and an empty worst status defaults to passed); a check that did not run is "broken";
 * - Allure ranks a passed step above a skipped one, so an item that ends `manual` after reading its facts
 *   would show as passed. The verdict each scenario attaches is authoritative: pass → passed, fail →
 *   failed, error → broken, not-applicable and manual → skipped, with the reason as the status message.
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import * as reporterModule from 'allure-cucumberjs/reporter';
import { Status } from 'allure-js-commons';
import { VERDICT_MEDIA_TYPE, type VerdictMessage } from './verdict-message.js';

// The package's type declarations describe the CommonJS shape; at run time the ESM default is the class.
const AllureCucumberReporter = ((reporterModule as { default?: unknown }).default ?? reporterModule) as typeof Formatter;

type StepResult = { status: string };
interface AllureTestResult { status?: Status; statusDetails?: { message?: string; trace?: string } }
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

    const verdictByUuid = new Map<string, VerdictMessage>();
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      const a = envelope.attachment;
      if (a?.mediaType !== VERDICT_MEDIA_TYPE || !a.testCaseStartedId) return;
      const uuid = self.testResultUuids.get(a.testCaseStartedId);
      if (uuid) verdictByUuid.set(uuid, JSON.parse(a.body) as VerdictMessage);
    });
    const runtime = self.allureRuntime;
    const writeTest = runtime.writeTest.bind(runtime);
    runtime.writeTest = (uuid: string) => {
      const verdict = verdictByUuid.get(uuid);
      if (verdict && ALLURE_STATUS[verdict.status]) {
        runtime.updateTest(uuid, (r) => {
          r.status = ALLURE_STATUS[verdict.status];
          if (verdict.status !== 'pass' && verdict.reason) {
            r.statusDetails = { ...r.statusDetails, message: `${verdict.status}: ${verdict.reason}` };
          }
        });
        verdictByUuid.delete(uuid);
      }
      writeTest(uuid);
    };
  }
}
