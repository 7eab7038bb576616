/**
 * `cis-bdd audit` and `cis-bdd harden` of one target (several targets: fleet-command.ts): the options,
 * the progress display, the reports written and printed, and the exit code.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { sshSecretsFrom } from '../targets/forms.js';
import { limitOptions, onInterrupt } from './signals-and-limits.js';
import { usageExit } from './usage.js';
import { fleetCommand } from './fleet-command.js';

const api = () => import('../api.js');

/** A target URI as progress shows it: a password in it (refused later, with a message) is never echoed. */
function shownTarget(uri: string | undefined): string {
  return (uri ?? 'local').replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^@/]*@/i, '$1:***@');
}

/** audit or harden: parse the options, then run one target, a fleet, or hardening. */
export async function auditCommand(rest: string[], harden: boolean, help: () => string): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        target: { type: 'string', multiple: true },
        targets: { type: 'string' },
        concurrency: { type: 'string' },
        benchmark: { type: 'string' },
        level: { type: 'string' },
        'scored-only': { type: 'boolean' },
        only: { type: 'string' },
        tags: { type: 'string' },
        policy: { type: 'string' },
        out: { type: 'string' },
        identity: { type: 'string' },
        'known-hosts': { type: 'string' },
        'accept-new-host-key': { type: 'boolean' },
        sudo: { type: 'boolean' },
        'no-html': { type: 'boolean' },
        'no-allure': { type: 'boolean' },
        'container-as-host': { type: 'boolean' },
        trace: { type: 'boolean' },
        formats: { type: 'string' },
        baseline: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        timeout: { type: 'string' },
        'max-file-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...(harden ? {
          'dry-run': { type: 'boolean' as const },
          'allow-install': { type: 'boolean' as const },
          tag: { type: 'string' as const },
        } : {}),
      },
    }));
  } catch (e) {
    process.stderr.write(`cis-bdd: ${(e as Error).message.split('\n')[0]}\nRun "cis-bdd --help" for the options.\n`);
    return 2;
  }
  if (values.help) { process.stdout.write(help()); return 0; }
  if (values.level !== undefined && values.level !== '1' && values.level !== '2') {
    process.stderr.write(`cis-bdd: --level must be 1 or 2 (got "${values.level}")\n`);
    return 2;
  }
  let limits: { timeoutSeconds?: number; maxFileBytes?: number };
  try {
    limits = limitOptions(values.timeout, values['max-file-size']);
  } catch (e) {
    return usageExit(e);
  }
  const out = values.out ?? path.join('reports', new Date().toISOString().replace(/[:.]/g, '-'));
  let formats;
  try {
    const { parseFormats } = await import('../report/formats.js');
    formats = parseFormats(values.formats);
  } catch (e) {
    return usageExit(e);
  }
  const { Progress, progressMode } = await import('../report/progress.js');
  const progress = new Progress(progressMode(process.stderr, !!values.quiet));
  const targetList = values.target ?? [];
  if (!harden && (targetList.length > 1 || values.targets)) return fleetCommand(values, targetList, out, formats, progress);
  if (harden && (targetList.length > 1 || values.targets)) {
    process.stderr.write('cis-bdd: usage error: harden takes one --target at a time\n');
    return 2;
  }
  const common = {
      target: targetList[0],
      benchmark: values.benchmark,
      level: values.level ? (Number(values.level) as 1 | 2) : undefined,
      scoredOnly: values['scored-only'],
      policy: values.policy,
      only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      tags: values.tags,
      out,
      identityFile: values.identity,
      sshSecrets: sshSecretsFrom(process.env),
      knownHostsFile: values['known-hosts'],
      acceptNewHostKey: values['accept-new-host-key'],
      sudo: values.sudo,
      containerAsHost: values['container-as-host'],
      allureResults: !values['no-allure'],
      formats,
      trace: values.trace ? (line: string) => process.stderr.write(`${line}\n`) : undefined,
      ...limits,
  };
  await (await import('../engine/privilege.js')).warnWhenNotRoot(progress, common);
  if (harden) return hardenOne(common, values, progress);
  return auditOne(common, values, progress);
}

type AuditValues = { baseline?: string; quiet?: boolean; 'no-html'?: boolean };

async function auditOne(common: import('../api.js').AuditOptions, values: AuditValues, progress: import('../report/progress.js').Progress): Promise<number> {
  const { setActiveProgress } = await import('../report/progress.js');
  setActiveProgress(progress);
  const signals = onInterrupt();
  try {
    if (values.baseline) await (await import('../report/diff.js')).loadAuditFile(values.baseline); // bad input stops before the audit
    const { runAudit } = await api();
    progress.phaseWhenItemsStart(`auditing ${shownTarget(common.target)}`);
    const result = await runAudit(common);
    progress.end(`audited ${result.report.items.filter((i) => i.status !== 'not-selected').length} items of ${result.report.benchmark.id}`);
    if (result.report.run.targetLost) process.stderr.write(`cis-bdd: ${result.report.run.targetLost}; the items it left unmeasured are "error" (report: ${result.compliancePath})\n`);
    const paths = [`compliance.json: ${result.compliancePath}`, ...result.formatFiles.map((f) => `${path.basename(f)}: ${f}`)];
    if (result.allureResultsDir) paths.push(`Allure results: ${result.allureResultsDir}`);
    if (!values['no-html'] && result.allureResultsDir) {
      try {
        const { generateAllureHtml } = await import('../report/allure-html.js');
        const html = await generateAllureHtml(result.allureResultsDir, path.join(result.outDir, 'allure-report'), result.report);
        paths.push(`Allure report: ${html}`);
      } catch (e) {
        paths.push(`Allure report: not generated (${(e as Error).message})`);
      }
    }
    const { formatSummary, finalLine, wantsColor } = await import('../report/summary.js');
    let exitCode: number = result.exitCode;
    const extra: string[] = [];
    if (values.baseline) {
      const { baselineGate } = await import('../report/baseline.js');
      const gate = await baselineGate(values.baseline, result.report, result.compliancePath);
      extra.push(...gate.lines);
      exitCode = gate.exitCode;
    }
    await fs.writeFile(path.join(result.outDir, 'summary.txt'), formatSummary(result.report, paths, { extra }));
    const color = wantsColor(process.stdout);
    process.stdout.write(values.quiet ? finalLine(result.report, color) : formatSummary(result.report, paths, { color, extra, limit: 25 }));
    return exitCode;
  } catch (e) {
    progress.end();
    if (signals.received) {
      process.stderr.write(`cis-bdd: interrupted by ${signals.received} before the audit could start; no report written\n`);
      return signals.received === 'SIGINT' ? 130 : 143;
    }
    return usageExit(e);
  } finally {
    setActiveProgress(undefined);
    signals.remove();
  }
}

async function hardenOne(common: import('../api.js').AuditOptions, values: Record<string, unknown>, progress: import('../report/progress.js').Progress): Promise<number> {
  const { setActiveProgress } = await import('../report/progress.js');
  setActiveProgress(progress);
  try {
    const { runHarden, formatHardenSummary } = await import('../remediation/harden.js');
    const v = values;
    const r = await runHarden({ ...common, allureResults: false, dryRun: v['dry-run'] as boolean, allowInstall: v['allow-install'] as boolean, tag: v.tag as string | undefined });
    progress.end('hardening finished');
    process.stdout.write(formatHardenSummary(r.report));
    process.stdout.write(`harden.json: ${path.join(r.outDir, 'harden.json')}\n`);
    return r.exitCode;
  } catch (e) {
    progress.end();
    return usageExit(e);
  } finally {
    setActiveProgress(undefined);
  }
}
