/**
 * allure-cucumberjs's reporter, made to agree with compliance.json:
 * - it files scenarios whose steps are pending, undefined or ambiguous as passed (such a step has no
 *   Allure status, and an empty worst status defaults to passed); a check that did not run is "broken";
 * - Allure ranks a passed step above a skipped one, so an item that ends `manual` after reading its facts
 *   would show as passed. The verdict each scenario attaches is authoritative: the result is rewritten
 *   from it (allure-item.ts: its own identity per target, a title naming the target and the compliance
 *   status, labels of an audit, the status with its reason, waiver, evidence and remediation in the
 *   description, no stack trace); a waived item is "waived" as the engine decided with the verdict (an expired waiver does not apply).
 *
 * What it writes per scenario: one file, the result, with everything from the verdict message in it (so the
 * scenario sends no message per piece of evidence).
 * Creating files is what costs (docs/performance.md gives the figures), and allure-cucumberjs wrote some
 * eight per scenario. Not written:
 * - the verdict message itself (its status, reason and evidence are in the result);
 * - a container for each of the two hooks every scenario runs (SCENARIO_HOOKS): they are bookkeeping;
 *   a hook that fails shows as a broken step of the result instead;
 * - the "Examples" tables allure-cucumberjs attaches to every scenario of an outline (all rows of the
 *   outline, again for each row): the row's values are the result's parameters.
 *
 * Writing: allure-js-commons' FileSystemWriter writes each file through a temporary file, fsync and
 * rename; this reporter writes the same files, with the same names and bytes, directly and without fsync
 * (PlainAllureWriter).
 *
 * cis-bdd runs this reporter in a worker thread (allure-thread.ts, started by allure-formatter.ts), off
 * the thread that runs the scenarios.
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import * as reporterModule from 'allure-cucumberjs/reporter';
import { Stage, Status } from 'allure-js-commons';
import { FileSystemWriter, type Writer } from 'allure-js-commons/sdk/reporter';
import { SCENARIO_HOOKS, VERDICT_MEDIA_TYPE, type VerdictMessage } from '../model/result.js';
import { safeText } from '../model/text.js';
import { presentItem } from './allure-item.js';

export { evidenceMarkdown } from './allure-item.js';

/** Escape the status messages of a result and its steps (see model/text.ts). */
function safeStepDetails(r: { statusDetails?: { message?: string; trace?: string }; steps?: unknown[] }): void {
  if (r.statusDetails?.message) r.statusDetails.message = safeText(r.statusDetails.message);
  if (r.statusDetails?.trace) r.statusDetails.trace = safeText(r.statusDetails.trace);
  for (const step of r.steps ?? []) safeStepDetails(step as typeof r);
}
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The package's type declarations describe the CommonJS shape; at run time the ESM default is the class.
const AllureCucumberReporter = ((reporterModule as { default?: unknown }).default ?? reporterModule) as typeof Formatter;

type StepResult = { status: string; message?: string };
interface AllureStep {
  name: string; status?: Status; statusDetails: { message?: string; trace?: string }; stage: Stage;
  steps: AllureStep[]; attachments: unknown[]; parameters: unknown[]; start?: number; stop?: number;
}
interface AllureTestResult {
  status?: Status; statusDetails?: { message?: string; trace?: string };
  labels: Array<{ name: string; value: string }>; steps: AllureStep[]; description?: string;
}
interface ReporterInternals {
  parseStatus: (r: StepResult) => Status | undefined;
  testResultUuids: Map<string, string>;
  testStepMap: Map<string, { hookId?: string }>;
  beforeHooks: Record<string, { name?: string } | undefined>;
  afterHooks: Record<string, { name?: string } | undefined>;
  allureRuntime: {
    writer: Writer;
    updateTest(uuid: string, fn: (r: AllureTestResult) => void): void;
    writeTest(uuid: string): void;
    writeAttachment(rootUuid: string, stepUuid: string | null | undefined, name: string, content: Buffer,
      options: { contentType: string; fileExtension?: string }): void;
  };
  emitTestRunHookGlobalError(hookName: string, error: unknown): void;
}
type BaseMethod = (this: unknown, data: unknown) => void;
const base = AllureCucumberReporter.prototype as unknown as Record<
  'onTestCaseStarted' | 'onTestStepStarted' | 'onTestStepFinished' | 'onAttachment', BaseMethod>;
const OWN_HOOKS = new Set<string>(Object.values(SCENARIO_HOOKS));
const millis = (t: messages.Timestamp) => t.seconds * 1000 + Math.floor(t.nanos / 1e6);

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

    const { pickleTags, testCasePickle, startedCase, verdictByUuid } = this;
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      if (envelope.pickle) pickleTags.set(envelope.pickle.id, envelope.pickle.tags.map((t) => t.name));
      if (envelope.testCase) testCasePickle.set(envelope.testCase.id, envelope.testCase.pickleId);
      if (envelope.testCaseStarted) startedCase.set(envelope.testCaseStarted.id, envelope.testCaseStarted.testCaseId);
    });
    const runtime = self.allureRuntime;
    const writeAttachment = runtime.writeAttachment.bind(runtime);
    runtime.writeAttachment = (rootUuid, stepUuid, name, content, opts) => {
      if (this.startingCase && stepUuid == null && name.startsWith('Examples') && opts.contentType === 'text/csv') return;
      writeAttachment(rootUuid, stepUuid, name, content, opts);
    };
    const writeTest = runtime.writeTest.bind(runtime);
    runtime.writeTest = (uuid: string) => {
      // step and hook failure messages carry text from the target (a path, a line): escaped like the verdict's
      runtime.updateTest(uuid, (r) => safeStepDetails(r));
      const entry = verdictByUuid.get(uuid);
      if (entry) {
        const { verdict, tags } = entry;
        runtime.updateTest(uuid, (r) => presentItem(r, verdict, tags));
        verdictByUuid.delete(uuid);
      }
      writeTest(uuid);
    };
  }

  private readonly pickleTags = new Map<string, string[]>();
  private readonly testCasePickle = new Map<string, string>();
  private readonly startedCase = new Map<string, string>();
  private readonly verdictByUuid = new Map<string, { verdict: VerdictMessage; tags: string[] }>();
  private readonly hookStarted = new Map<string, number>();
  private startingCase = false;

  private get internals(): ReporterInternals {
    return this as unknown as ReporterInternals;
  }

  /** The name of the scenario hook a test step runs, when it is one of the engine's own. */
  private ownHook(testStepId: string): string | undefined {
    const hookId = this.internals.testStepMap.get(testStepId)?.hookId;
    if (!hookId) return undefined;
    const name = (this.internals.beforeHooks[hookId] ?? this.internals.afterHooks[hookId])?.name;
    return name !== undefined && OWN_HOOKS.has(name) ? name : undefined;
  }

  onTestCaseStarted(data: messages.TestCaseStarted): void {
    this.startingCase = true;
    try {
      base.onTestCaseStarted.call(this, data);
    } finally {
      this.startingCase = false;
    }
  }

  onTestStepStarted(data: messages.TestStepStarted): void {
    if (!this.ownHook(data.testStepId)) return base.onTestStepStarted.call(this, data);
    this.hookStarted.set(data.testCaseStartedId, millis(data.timestamp));
  }

  onTestStepFinished(data: messages.TestStepFinished): void {
    const hook = this.ownHook(data.testStepId);
    if (!hook) return base.onTestStepFinished.call(this, data);
    const start = this.hookStarted.get(data.testCaseStartedId);
    this.hookStarted.delete(data.testCaseStartedId);
    const status = this.internals.parseStatus(data.testStepResult);
    if (status !== Status.FAILED && status !== Status.BROKEN) return;
    const uuid = this.internals.testResultUuids.get(data.testCaseStartedId);
    if (!uuid) return;
    const message = data.testStepResult.exception?.message ?? data.testStepResult.message?.split('\n')[0] ?? 'the hook failed';
    const trace = data.testStepResult.exception?.stackTrace ?? data.testStepResult.message;
    const stop = millis(data.timestamp);
    this.internals.allureRuntime.updateTest(uuid, (r) => {
      r.steps.push({
        name: hook, status: Status.BROKEN, statusDetails: { message, trace }, stage: Stage.FINISHED,
        steps: [], attachments: [], parameters: [], start: start ?? stop, stop,
      });
    });
  }

  onAttachment(message: messages.Attachment): void {
    if (message.mediaType !== VERDICT_MEDIA_TYPE || !message.testCaseStartedId) return base.onAttachment.call(this, message);
    const uuid = this.internals.testResultUuids.get(message.testCaseStartedId);
    if (!uuid) return;
    const verdict = JSON.parse(message.body) as VerdictMessage;
    const tags = this.pickleTags.get(this.testCasePickle.get(this.startedCase.get(message.testCaseStartedId) ?? '') ?? '') ?? [];
    this.verdictByUuid.set(uuid, { verdict, tags });
  }

  /** A BeforeAll or AfterAll hook failed (reported by the thread that ran it). */
  testRunHookFailed(hookName: string, error: unknown): void {
    (this as unknown as ReporterInternals).emitTestRunHookGlobalError(hookName, error);
  }
}
