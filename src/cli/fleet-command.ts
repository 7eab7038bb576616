/** `cis-bdd audit` of several targets, in this process (or one process per target with --isolate): fleet.json, combined reports. */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { UsageError } from '../engine/usage-error.js';
import { usageExit } from './usage.js';
import { onInterrupt } from './signals-and-limits.js';
import type { ReportFormat } from '../report/formats.js';
import type { Progress } from '../report/progress.js';
import type { FleetReport } from '../fleet.js';
import type { ComplianceReport } from '../model/result.js';
import type { AuditOptions } from '../api.js';

/** The target that has been running longest, for the progress line. */
function slowest(running: Map<string, number>): string {
  let oldest: [string, number] | undefined;
  for (const e of running) if (!oldest || e[1] < oldest[1]) oldest = e;
  return oldest ? `${running.size} running; slowest ${oldest[0]} (${Math.round((Date.now() - oldest[1]) / 1000)} s)` : '';
}

/** The compliance reports a fleet run wrote, in the fleet's order (targets without one are left out). */
async function fleetReports(report: FleetReport): Promise<ComplianceReport[]> {
  const out = [];
  for (const t of report.targets) {
    if (!t.report) continue;
    const text = await fs.readFile(t.report, 'utf8').catch(() => '');
    if (text) out.push(JSON.parse(text));
  }
  return out;
}


function sharedAuditArgs(values: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (const k of ['benchmark', 'level', 'only', 'tags', 'policy', 'identity', 'known-hosts', 'timeout', 'max-file-size']) {
    if (typeof values[k] === 'string') args.push(`--${k}`, values[k] as string);
  }
  for (const k of ['scored-only', 'accept-new-host-key', 'sudo', 'container-as-host', 'trace', 'no-allure']) if (values[k]) args.push(`--${k}`);
  args.push('--quiet'); // each target's own progress would interleave: the fleet shows its own
  return args;
}

export async function fleetCommand(values: Record<string, unknown>, targetList: string[], out: string, formats: readonly ReportFormat[], progress: Progress, shared: AuditOptions): Promise<number> {
  const { parseTargetsFile, runFleet, formatFleet, fleetExitCode, interruptFleetProcesses } = await import('../fleet.js');
  let signals: ReturnType<typeof onInterrupt> | undefined;
  let forward: ((signal: 'SIGINT' | 'SIGTERM') => void) | undefined;
  try {
    const targets = targetList.map((uri) => ({ uri }));
    if (typeof values.targets === 'string') {
      const text = await fs.readFile(values.targets, 'utf8').catch(() => { throw new UsageError(`--targets ${values.targets} cannot be read`); });
      targets.push(...parseTargetsFile(text, values.targets));
    }
    // a target whose own policy (policy= in the targets file) selects nothing is refused before any runs
    const { checkSelectionBeforeRun } = await import('./selection-precheck.js');
    for (const t of targets as Array<{ uri: string; policy?: string }>) {
      if (!t.policy) continue;
      await checkSelectionBeforeRun(values, t.policy).catch((e) => {
        throw e instanceof UsageError ? new UsageError(`target ${t.uri} (policy=${t.policy}): ${e.message}`) : e;
      });
    }
    let concurrency: number | undefined;
    if (values.concurrency !== undefined) {
      concurrency = Number(values.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive whole number (got "${values.concurrency}")`);
    }
    // Ctrl-C or SIGTERM: the audits running stop and write what they measured, the targets not started are
    // not audited, fleet.json and the reports are written, and the exit code is 130 or 143
    signals = onInterrupt();
    // with --isolate, the per-target processes hear of it too (a signal sent to this process alone would not reach them)
    forward = (signal: 'SIGINT' | 'SIGTERM') => interruptFleetProcesses(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    progress.phase(`auditing ${targets.length} targets`);
    progress.items(targets.length);
    const running = new Map<string, number>();
    const report = await runFleet({
      targets, out, concurrency, auditArgs: [...sharedAuditArgs(values), '--formats', formats.length ? formats.join(',') : 'none'],
      inProcess: values.isolate ? undefined : shared,
      interrupted: () => signals?.received,
      onStart: (uri) => { running.set(uri, Date.now()); progress.status(slowest(running)); },
      onProgress: (l, uri) => { if (uri) running.delete(uri); progress.itemFinished(); progress.note(l); progress.status(slowest(running)); },
    });
    progress.end(`audited ${targets.length} targets`);
    const { writeFleetFormats } = await import('../report/formats.js');
    const written = await writeFleetFormats(path.resolve(out), await fleetReports(report), formats);
    const lines = [formatFleet(report), `fleet.json: ${path.resolve(out, 'fleet.json')}`, ...written.map((f) => `${path.basename(f)}: ${f}`)];
    if (values['no-html'] && !values['no-allure']) {
      lines.push((await import('../report/summary.js')).reportLaterLine(path.resolve(out)));
    } else if (!values['no-allure']) {
      try {
        const { generateFleetAllureHtml } = await import('../report/allure-html.js');
        lines.push(`Allure report: ${await generateFleetAllureHtml(path.resolve(out, 'allure-results'), path.resolve(out, 'allure-report'), report.counts.targets)}`);
      } catch (e) {
        lines.push(`Allure report: not generated (${(e as Error).message})`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (signals?.received) return signals.received === 'SIGINT' ? 130 : 143;
    return fleetExitCode(report);
  } catch (e) {
    return usageExit(e);
  } finally {
    signals?.remove();
    if (forward) process.off('SIGINT', forward).off('SIGTERM', forward);
  }
}
