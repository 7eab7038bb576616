/**
 * allure-cucumberjs's reporter, made to agree with compliance.json:
 * - it files scenarios whose steps are pending, undefined or ambiguous as passed (such a step has no
 *   Allure status, and an empty worst status defaults to passed); a check that did not run is "broken";
 * - Allure ranks a passed step above a skipped one, so an item that ends `manual` after reading its facts
 *   would show as passed. The verdict each scenario attaches is authoritative: pass → passed, fail →
 *   failed, error → broken, not-applicable and manual → skipped, with the reason as the status message;
 * - with a policy, a waived item is skipped with "waived (observed: …)", its reason, owner and expiry,
 *   and a "Waived" category groups them (an expired waiver does not apply).
 *
 * Writing: allure-js-commons' FileSystemWriter writes each result, container and attachment through a
 * temporary file, fsync and rename; with three files per scenario plus one per piece of evidence, that
 * was most of a rootfs audit's time. This reporter writes the same files, with the same names and bytes,
 * directly and without fsync (PlainAllureWriter).
 *
 * cis-bdd runs this reporter in a worker thread (allure-thread.ts, started by allure-formatter.ts), off
 * the thread that runs the scenarios.
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import * as reporterModule from 'allure-cucumberjs/reporter';
import { Status } from 'allure-js-commons';
import { FileSystemWriter, type Writer } from 'allure-js-commons/sdk/reporter';
import { VERDICT_MEDIA_TYPE, type VerdictMessage } from './verdict-message.js';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
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
    writer: Writer;
    updateTest(uuid: string, fn: (r: AllureTestResult) => void): void;
    writeTest(uuid: string): void;
  };
  emitTestRunHookGlobalError(hookName: string, error: unknown): void;
}

/**
 * FileSystemWriter's files without its temporary file, fsync and rename: `<uuid>-result.json` and
 * `<uuid>-container.json` as JSON.stringify of the object, attachments byte for byte, each written when
 * handed over. The rare files (environment, categories, globals) still go through FileSystemWriter.
 */
export class PlainAllureWriter implements Writer {
  private made = false;

  constructor(private readonly resultsDir: string, private readonly fallback: Writer) {}

  writeResult(result: Parameters<Writer['writeResult']>[0]): void {
    this.write(`${result.uuid}-result.json`, JSON.stringify(result));
  }

  writeGroup(result: Parameters<Writer['writeGroup']>[0]): void {
    this.write(`${result.uuid}-container.json`, JSON.stringify(result));
  }

  writeAttachment(distFileName: string, content: Buffer): void {
    this.write(distFileName, content);
  }

  writeAttachmentFromPath(distFileName: string, from: string): void {
    this.write(distFileName, readFileSync(from));
  }

  writeEnvironmentInfo(info: Parameters<Writer['writeEnvironmentInfo']>[0]): void {
    this.fallback.writeEnvironmentInfo(info);
  }

  writeCategoriesDefinitions(categories: Parameters<Writer['writeCategoriesDefinitions']>[0]): void {
    this.fallback.writeCategoriesDefinitions(categories);
  }

  writeGlobals(distFileName: string, info: Parameters<Writer['writeGlobals']>[1]): void {
    this.fallback.writeGlobals(distFileName, info);
  }

  private write(name: string, content: string | Buffer): void {
    if (!this.made) {
      mkdirSync(this.resultsDir, { recursive: true });
      this.made = true;
    }
    writeFileSync(path.join(this.resultsDir, name), content);
  }
}

const ALLURE_STATUS: Record<string, Status> = {
  pass: Status.PASSED,
  fail: Status.FAILED,
  error: Status.BROKEN,
  'not-applicable': Status.SKIPPED,
  manual: Status.SKIPPED,
};

export class CisAllureReporter extends AllureCucumberReporter {
  constructor(options: IFormatterOptions) {
    super(options);
    const self = this as unknown as ReporterInternals;
    // Only the plain file writer is replaced (ALLURE_TEST_MODE's message writer is left alone).
    if (self.allureRuntime.writer instanceof FileSystemWriter) {
      self.allureRuntime.writer = new PlainAllureWriter(options.parsedArgvOptions.resultsDir || './allure-results', self.allureRuntime.writer);
    }
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

  /** A BeforeAll or AfterAll hook failed (reported by the thread that ran it). */
  testRunHookFailed(hookName: string, error: unknown): void {
    (this as unknown as ReporterInternals).emitTestRunHookGlobalError(hookName, error);
  }
}
