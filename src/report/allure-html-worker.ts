/**
 * The worker thread of src/report/allure-html-thread.ts: loads Allure as soon as it starts, then makes
 * the one report it is asked for with generateAllureHtml and answers with its index.html or the error.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { generateAllureHtml, loadAllure } from './allure-html.js';
import type { HtmlAnswer, HtmlJob } from './allure-html-thread.js';

const port = parentPort;
if (!port) throw new Error('allure-html-worker.js runs as a worker thread (src/report/allure-html-thread.ts)');

/**
 * While the audit runs, this thread only gets ahead of it, so it gives way: on Linux, where a thread has a
 * nice value of its own (/proc/thread-self names it), it loads at the lowest priority and goes back to
 * the normal one once asked for the report. Only as root, who may raise it back; anywhere else, or if
 * either change is refused, the thread runs at the process's priority throughout.
 */
function threadId(): number | undefined {
  if (process.platform !== 'linux' || process.geteuid?.() !== 0) return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}
const tid = threadId();
const before = tid === undefined ? undefined : os.getPriority(tid);
const setPriority = (priority: number | undefined) => {
  try {
    if (tid !== undefined && priority !== undefined) os.setPriority(tid, priority);
  } catch {
    // refused: the priority stays as it is
  }
};
setPriority(os.constants.priority.PRIORITY_LOW);

// an error in loading is met again, and answered, when the report is asked for
loadAllure().catch(() => undefined);
port.once('message', (job: HtmlJob) => {
  setPriority(before);
  generateAllureHtml(job.resultsDir, job.outDir, job.report).then(
    (index): HtmlAnswer => ({ index }),
    (e: unknown): HtmlAnswer => ({ error: e instanceof Error ? e.message : String(e) }),
  ).then((answer) => port.postMessage(answer));
});
