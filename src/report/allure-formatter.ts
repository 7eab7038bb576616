/**
 * The cucumber-js formatter that writes Allure results (CisAllureReporter: allure-cucumberjs's reporter,
 * made to agree with compliance.json; see allure-reporter.ts).
 *
 * The reporter does a fair amount of work per message (a full benchmark sends some 6,500) and writes a
 * file per result. This formatter runs it in a worker thread (allure-thread.ts)
 * so that the scenarios do not wait for it: every envelope is posted to the thread as cucumber emits it
 * (posting copies it, so the thread sees it as it was then, in cucumber's order), and a failing BeforeAll
 * or AfterAll hook is reported the way the reporter itself would have noticed it. The run ends when the
 * thread has written every file. The results are the same files, with the same contents, as when the
 * reporter runs here.
 *
 * It runs here instead when the support code uses cucumber's default World (allure-cucumberjs then
 * installs its own World, which only works on this thread), when the audit selects only a few items
 * (THREAD_MIN_ITEMS), when no worker thread can be started, or when CIS_BDD_ALLURE_THREAD=0 asks for it.
 *
 *   --format ./dist/src/report/allure-formatter.js:.allure-formatter.out --format-options '{"resultsDir":"allure-results"}'
 */
import { Formatter, World, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { Worker } from 'node:worker_threads';
import type { AllureThreadData, ErrorData, FromAllureThread, ToAllureThread } from './allure-thread.js';
import { CisAllureReporter } from './allure-reporter.js';

type TestRunHook = { code: (...args: unknown[]) => unknown; name?: string };

/**
 * An audit of at most this many items (`cis-bdd audit --only`) keeps the reporter on this thread: starting
 * the thread loads cucumber and the reporter a second time, which costs more than it saves on a few items.
 */
const THREAD_MIN_ITEMS = 20;

function fewItems(options: IFormatterOptions): boolean {
  const only = (options.parsedArgvOptions as { cisBdd?: { selection?: { only?: unknown } } }).cisBdd?.selection?.only;
  return Array.isArray(only) && only.length > 0 && only.length <= THREAD_MIN_ITEMS;
}

/** How long process exit may wait for the thread to write the last results. */
const EXIT_DRAIN_MS = 30_000;

export default class CisAllureFormatter extends Formatter {
  static override readonly documentation = 'Writes Allure results (allure-cucumberjs, with cis-bdd verdicts)';
  private worker?: Worker;
  private workerFailure?: Error;
  /** set by the thread once it has handled "end": every file written */
  private ended?: Int32Array;
  /**
   * cucumber skips the formatters' finished() when a BeforeAll or AfterAll hook fails, and its command line
   * then calls process.exit(): at exit, have the thread write what it was sent, and block until it has.
   */
  private readonly drainAtExit = () => {
    const worker = this.worker;
    if (!worker || !this.ended || this.workerFailure || this.workerGone) return;
    // finished() may have sent "end" already; a second one is answered too, and the flag is the same
    worker.postMessage({ end: true } satisfies ToAllureThread);
    Atomics.wait(this.ended, 0, 0, EXIT_DRAIN_MS);
  };
  private ending = false;
  private workerGone = false;

  constructor(options: IFormatterOptions) {
    super(options);
    const library = options.supportCodeLibrary;
    if (library.World !== World && !process.env.ALLURE_TEST_MODE && process.env.CIS_BDD_ALLURE_THREAD !== '0' && !fewItems(options)) {
      this.worker = this.startThread(options);
    }
    if (!this.worker) {
      // the reporter subscribes to the run itself; its finished() would end the stream a second time
      new CisAllureReporter(options);
      return;
    }
    const worker = this.worker;
    options.eventBroadcaster.on('envelope', (envelope: messages.Envelope) => {
      if (!this.workerFailure) worker.postMessage({ envelope } satisfies ToAllureThread);
    });
    const report = (hookName: string, error: unknown) => {
      if (!this.workerFailure) worker.postMessage({ hookFailed: { hookName, error: errorData(error) } } satisfies ToAllureThread);
    };
    for (const hook of library.beforeTestRunHookDefinitions as unknown as TestRunHook[]) reportFailures(hook, 'BeforeAll hook', report);
    for (const hook of library.afterTestRunHookDefinitions as unknown as TestRunHook[]) reportFailures(hook, 'AfterAll hook', report);
  }

  private startThread(options: IFormatterOptions): Worker | undefined {
    const ended = new Int32Array(new SharedArrayBuffer(4));
    const data: AllureThreadData = {
      ended,
      parsedArgvOptions: options.parsedArgvOptions,
      cwd: options.cwd,
      beforeTestCaseHooks: options.supportCodeLibrary.beforeTestCaseHookDefinitions.map((h) => ({ id: h.id, name: h.name })),
      afterTestCaseHooks: options.supportCodeLibrary.afterTestCaseHookDefinitions.map((h) => ({ id: h.id, name: h.name })),
    };
    let worker: Worker;
    try {
      worker = new Worker(new URL('./allure-thread.js', import.meta.url), {
        workerData: data,
        // Allure's thread label names the main thread when the reporter runs there; say the same
        env: { ...process.env, ALLURE_THREAD_NAME: process.env.ALLURE_THREAD_NAME ?? `pid-${process.pid}-worker-main` },
      });
    } catch {
      return undefined;
    }
    // never what keeps the process alive: finished() (or, failing that, the drain at exit) waits for it
    worker.unref();
    worker.on('error', (e) => { this.workerFailure ??= e; });
    worker.on('exit', () => { this.workerGone = true; });
    this.ended = ended;
    process.once('exit', this.drainAtExit);
    return worker;
  }

  override async finished(): Promise<void> {
    try {
      await this.endThread();
    } finally {
      await super.finished();
    }
  }

  /** Wait until the thread has handled every message and written every file; its first error is thrown. */
  private async endThread(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.ending) return;
    this.ending = true;
    worker.ref();
    try {
      if (this.workerFailure) throw this.workerFailure;
      const answer = await new Promise<FromAllureThread>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the thread exited (code ${code}) before it had written every result`)));
        worker.postMessage({ end: true } satisfies ToAllureThread);
      });
      if (answer.error) throw new Error(answer.error);
    } catch (e) {
      throw new Error(`Allure results: ${(e as Error).message}`);
    } finally {
      process.removeListener('exit', this.drainAtExit);
      this.worker = undefined;
      await worker.terminate();
    }
  }
}

/** Have a test run hook report its failure (then fail as before), keeping its callback or promise style. */
function reportFailures(hook: TestRunHook, hookName: string, report: (hookName: string, error: unknown) => void): void {
  const original = hook.code;
  if (original.length > 0) {
    // callback style: cucumber tells it apart by the function's arity, so keep one parameter
    hook.code = function (this: unknown, callback: unknown) {
      const done = callback as (error?: unknown, result?: unknown) => void;
      return original.call(this, (error?: unknown, result?: unknown) => {
        if (error) report(hookName, error);
        done(error, result);
      });
    };
    return;
  }
  hook.code = function (this: unknown) {
    let result: unknown;
    try {
      result = original.call(this);
    } catch (e) {
      report(hookName, e);
      throw e;
    }
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      return Promise.resolve(result).catch((e: unknown) => {
        report(hookName, e);
        throw e;
      });
    }
    return result;
  };
}

/** What the reporter reads of an error, in a form that can be posted to the thread. */
function errorData(error: unknown): ErrorData | string {
  if (!(error instanceof Error)) return String(error);
  const out: ErrorData = { name: error.name, message: error.message, stack: error.stack };
  for (const key of ['actual', 'expected'] as const) {
    if (!(key in error)) continue;
    try {
      out[key] = structuredClone((error as unknown as Record<string, unknown>)[key]);
    } catch {
      out[key] = String((error as unknown as Record<string, unknown>)[key]);
    }
  }
  return out;
}
