/**
 * The worker thread that turns a run's cucumber messages into Allure results (see allure-formatter.ts).
 *
 * It hosts CisAllureReporter exactly as cucumber would, with the options the formatter was given, and
 * feeds it the envelopes the formatter forwards, in the order cucumber emitted them. What the reporter
 * needs from the support code library is passed as data: the test case hooks' ids and names. A failed
 * BeforeAll or AfterAll hook, which the reporter would see by wrapping the hook, is reported by the
 * formatter as a message of its own. On "end" the thread answers once every file is written.
 */
import { EventEmitter } from 'node:events';
import { createRequire, Module } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import type { CisAllureReporter as Reporter } from './allure-reporter.js';

/**
 * allure-cucumberjs's reporter takes two things from @cucumber/cucumber: the Formatter base class, and
 * World, which it compares with the support code's World (given as data here, so never equal). This
 * thread runs no scenario, and loading all of cucumber in it cost more CPU than the reporter's own work
 * on a full benchmark, competing with the thread that runs the scenarios. So the package's module cache
 * entry gets its Formatter class alone (from the package's own lib/formatter, a small module) and an
 * empty World class, before the reporter loads. Node documents adding entries to require.cache; an ESM
 * import of the package reaches the same entry through the package's CommonJS index.
 */
function lightCucumber(): void {
  const require = createRequire(import.meta.url);
  const id = require.resolve('@cucumber/cucumber');
  if (require.cache[id]) return;
  const { default: Formatter } = require('@cucumber/cucumber/lib/formatter/index') as { default: unknown };
  const entry = new Module(id);
  entry.filename = id;
  entry.loaded = true;
  entry.exports = { Formatter, World: class World {} };
  require.cache[id] = entry;
}
lightCucumber();
const { CisAllureReporter } = await import('./allure-reporter.js');

export interface HookRef { id: string; name?: string }

export interface AllureThreadData {
  /** set to 1 (and notified) once "end" is handled, for a main thread that waits synchronously at exit */
  ended: Int32Array;
  parsedArgvOptions: Record<string, unknown>;
  cwd: string;
  beforeTestCaseHooks: HookRef[];
  afterTestCaseHooks: HookRef[];
}

/** An error as it crosses threads: what the reporter reads of it. */
export interface ErrorData {
  name?: string;
  message?: string;
  stack?: string;
  actual?: unknown;
  expected?: unknown;
}

export type ToAllureThread =
  | { envelope: messages.Envelope }
  | { hookFailed: { hookName: string; error: ErrorData | string } }
  | { end: true };

export type FromAllureThread = { ended: true; error?: string };

const data = workerData as AllureThreadData;
const broadcaster = new EventEmitter();
let failure: string | undefined;

const options = {
  cwd: data.cwd,
  eventBroadcaster: broadcaster,
  parsedArgvOptions: data.parsedArgvOptions,
  log: () => undefined,
  cleanup: async () => undefined,
  supportCodeLibrary: {
    beforeTestCaseHookDefinitions: data.beforeTestCaseHooks,
    afterTestCaseHookDefinitions: data.afterTestCaseHooks,
    // the test run hooks are wrapped on the formatter's side, where they run
    beforeTestRunHookDefinitions: [],
    afterTestRunHookDefinitions: [],
    World: undefined,
  },
} as unknown as IFormatterOptions;

let reporter: Reporter | undefined;
try {
  reporter = new CisAllureReporter(options);
} catch (e) {
  failure = `the Allure reporter could not start: ${(e as Error).stack ?? e}`;
}

function toError(e: ErrorData | string): unknown {
  if (typeof e === 'string') return e;
  const error = new Error(e.message);
  if (e.name !== undefined) error.name = e.name;
  error.stack = e.stack;
  if ('actual' in e) Object.assign(error, { actual: e.actual });
  if ('expected' in e) Object.assign(error, { expected: e.expected });
  return error;
}

parentPort!.on('message', (msg: ToAllureThread) => {
  if ('envelope' in msg) {
    if (!reporter || failure) return;
    try {
      broadcaster.emit('envelope', msg.envelope);
    } catch (e) {
      failure = `the Allure reporter failed on a ${Object.keys(msg.envelope)[0]} message: ${(e as Error).stack ?? e}`;
    }
  } else if ('hookFailed' in msg) {
    try {
      reporter?.testRunHookFailed(msg.hookFailed.hookName, toError(msg.hookFailed.error));
    } catch (e) {
      failure ??= `the Allure reporter failed on a hook error: ${(e as Error).stack ?? e}`;
    }
  } else if ('end' in msg) {
    Atomics.store(data.ended, 0, 1);
    Atomics.notify(data.ended, 0);
    parentPort!.postMessage({ ended: true, error: failure } satisfies FromAllureThread);
  }
});
