/**
 * The worker thread of src/report/allure-html-thread.ts: loads Allure as soon as it starts, then makes
 * the one report it is asked for with generateAllureHtml and answers with its index.html or the error.
 */
import { parentPort } from 'node:worker_threads';
import { generateAllureHtml, loadAllure } from './allure-html.js';
import type { HtmlAnswer, HtmlJob } from './allure-html-thread.js';

const port = parentPort;
if (!port) throw new Error('allure-html-worker.js runs as a worker thread (src/report/allure-html-thread.ts)');
// an error in loading is met again, and answered, when the report is asked for
loadAllure().catch(() => undefined);
port.once('message', (job: HtmlJob) => {
  generateAllureHtml(job.resultsDir, job.outDir, job.report).then(
    (index): HtmlAnswer => ({ index }),
    (e: unknown): HtmlAnswer => ({ error: e instanceof Error ? e.message : String(e) }),
  ).then((answer) => port.postMessage(answer));
});
