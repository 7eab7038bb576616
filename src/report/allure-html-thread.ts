/**
 * The Allure HTML report of one audit, made in a worker thread that starts with the audit.
 *
 * Loading Allure's modules (its engine, the awesome plugin, their markdown and template libraries) costs
 * about a quarter of a second of CPU, and an audit leaves CPU time idle while it waits for the target.
 * The thread loads them then, giving way to the audit (src/report/allure-html-worker.ts), so that once
 * the audit is done mostly the rendering is left to wait for. The report is the one `generateAllureHtml`
 * makes on the main thread (the same function runs in the thread), and an error in the thread, or the
 * thread ending, is the report's error, never the audit's.
 */
import { Worker } from 'node:worker_threads';
import type { ComplianceReport } from '../model/result.js';

export interface AllureHtmlThread {
  /** Make the report of resultsDir into outDir; resolves to its index.html. Once per thread. */
  generate(resultsDir: string, outDir: string, report: ComplianceReport): Promise<string>;
  /** Stop the thread (whether or not it made a report). */
  close(): Promise<void>;
}

export type HtmlJob = { resultsDir: string; outDir: string; report: ComplianceReport };
export type HtmlAnswer = { index: string } | { error: string };

export function startAllureHtmlThread(): AllureHtmlThread {
  const worker = new Worker(new URL('./allure-html-worker.js', import.meta.url));
  // an audit that ends before asking for its report must not be kept waiting by the thread
  worker.unref();
  let ended: string | undefined;
  const end = new Promise<never>((_, reject) => {
    worker.once('error', (e) => reject(new Error(ended ??= `the report's thread failed: ${e.message}`)));
    worker.once('exit', (code) => reject(new Error(ended ??= `the report's thread ended (exit code ${code}) before the report was made`)));
  });
  end.catch(() => undefined);
  let asked = false;
  return {
    generate(resultsDir, outDir, report) {
      if (asked) return Promise.reject(new Error('the report thread makes one report'));
      asked = true;
      worker.ref();
      const answer = new Promise<string>((resolve, reject) => {
        worker.once('message', (m: HtmlAnswer) => ('index' in m ? resolve(m.index) : reject(new Error(m.error))));
      });
      worker.postMessage({ resultsDir, outDir, report } satisfies HtmlJob);
      return Promise.race([answer, end]).finally(() => worker.unref());
    },
    async close() {
      ended ??= "the report's thread was closed before the report was made";
      await worker.terminate();
    },
  };
}
