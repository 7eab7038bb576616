/**
 * `cis-bdd audit` and `cis-bdd harden` of one target (several targets: fleet-command.ts): the options,
 * the progress display, the reports written and printed, and the exit code.
 */
import path from 'node:path';
import { accessSync, constants as fsConstants, promises as fs, realpathSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { sshEnvironment } from '../engine/ssh-environment.js';
import { shellWord } from '../model/text.js';
import { limitOptions, onInterrupt } from './signals-and-limits.js';
import { usageExit } from './usage.js';
import { parseCommand } from './args.js';
import { checkSelectionBeforeRun } from './selection-precheck.js';
import { fleetCommand } from './fleet-command.js';

const api = () => import('../api.js');

/** A target URI as progress shows it: a password in it (refused later, with a message) is never echoed. */
function shownTarget(uri: string | undefined): string {
  return (uri ?? 'local').replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^@/]*@/i, '$1:***@');
}

/** The options of audit (and of harden, which adds HARDEN_OPTIONS); each is described in help.ts. */
export const AUDIT_OPTIONS = {
  target: { type: 'string', multiple: true },
  targets: { type: 'string' },
  concurrency: { type: 'string' },
  isolate: { type: 'boolean' },
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
} as const;

export const HARDEN_OPTIONS = {
  'dry-run': { type: 'boolean' },
  'allow-install': { type: 'boolean' },
  tag: { type: 'string' },
  yes: { type: 'boolean' },
} as const;

/** The values of audit's and harden's options, once parsed. */
export type AuditValues = {
  target?: string[]; targets?: string; concurrency?: string; isolate?: boolean; benchmark?: string; level?: string; 'scored-only'?: boolean;
  only?: string; tags?: string; policy?: string; out?: string; identity?: string; 'known-hosts'?: string;
  'accept-new-host-key'?: boolean; sudo?: boolean; 'no-html'?: boolean; 'no-allure'?: boolean; 'container-as-host'?: boolean;
  trace?: boolean; formats?: string; baseline?: string; quiet?: boolean; timeout?: string; 'max-file-size'?: string;
  'dry-run'?: boolean; 'allow-install'?: boolean; tag?: string; yes?: boolean;
};

/** audit or harden: parse the options, then run one target, a fleet, or hardening. */
export async function auditCommand(rest: string[], harden: boolean): Promise<number> {
  const { targets: _t, concurrency: _c, isolate: _i, baseline: _b, ...oneTarget } = AUDIT_OPTIONS; // harden: one target, no baseline gate
  const parsed = parseCommand(harden ? 'harden' : 'audit', rest, harden ? { ...oneTarget, ...HARDEN_OPTIONS } : AUDIT_OPTIONS);
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values as AuditValues;
  if (values.level !== undefined && values.level !== '1' && values.level !== '2') {
    process.stderr.write(`cis-bdd: --level must be 1 or 2 (got "${values.level}"); level 2 includes level 1\n`);
    return 2;
  }
  // bad tag expressions, a benchmark that does not exist, flags that contradict the policy and a selection
  // that leaves nothing to audit stop here, before any target is opened
  try {
    await checkSelectionBeforeRun(values);
  } catch (e) {
    return usageExit(e);
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
  if (!harden && (targetList.length > 1 || values.targets)) return fleetCommand(values, targetList, out, formats, progress, auditOptionsOf(values, out, formats, limits));
  if (harden && (targetList.length > 1 || values.targets)) {
    process.stderr.write('cis-bdd: usage error: harden takes one --target at a time\n');
    return 2;
  }
  const common = auditOptionsOf(values, out, formats, limits, targetList[0]);
  await (await import('../engine/privilege.js')).warnWhenNotRoot(progress, common);
  if (harden) return hardenOne(common, values, progress);
  return auditOne(common, values, progress);
}

/** The options of one target's audit, as the command line gives them (a fleet gives each target its own URI and out). */
function auditOptionsOf(values: AuditValues, out: string, formats: readonly import('../report/formats.js').ReportFormat[],
  limits: { timeoutSeconds?: number; maxFileBytes?: number }, target?: string): import('../api.js').AuditOptions {
  return {
    target,
    benchmark: values.benchmark,
    level: values.level ? (Number(values.level) as 1 | 2) : undefined,
    scoredOnly: values['scored-only'],
    policy: values.policy,
    only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    tags: values.tags,
    out,
    identityFile: values.identity,
    ...sshEnvironment(process.env),
    knownHostsFile: values['known-hosts'],
    acceptNewHostKey: values['accept-new-host-key'],
    sudo: values.sudo,
    containerAsHost: values['container-as-host'],
    allureResults: !values['no-allure'],
    formats,
    trace: values.trace ? (line: string) => process.stderr.write(`${line}\n`) : undefined,
    ...limits,
  };
}

async function auditOne(common: import('../api.js').AuditOptions, values: AuditValues, progress: import('../report/progress.js').Progress): Promise<number> {
  const { setActiveProgress } = await import('../report/progress.js');
  setActiveProgress(progress);
  const signals = onInterrupt();
  let htmlThread: import('../report/allure-html-thread.js').AllureHtmlThread | undefined;
  try {
    if (values.baseline) await (await import('../report/diff.js')).loadAuditFile(values.baseline); // bad input stops before the audit
    const { runAudit } = await api();
    // the HTML report's thread loads Allure while the audit runs
    if (!values['no-html'] && common.allureResults !== false) htmlThread = (await import('../report/allure-html-thread.js')).startAllureHtmlThread();
    progress.phaseWhenItemsStart(`auditing ${shownTarget(common.target)}`);
    const result = await runAudit(common);
    progress.end(`audited ${result.report.items.filter((i) => i.status !== 'not-selected').length} items of ${result.report.benchmark.id}`);
    if (result.report.run.targetLost) process.stderr.write(`cis-bdd: ${result.report.run.targetLost}; the items it left unmeasured are "error" (report: ${result.compliancePath})\n`);
    const paths = (await api()).resultPaths(result);
    if (values['no-html'] && result.allureResultsDir) {
      paths.push((await import('../report/summary.js')).reportLaterLine(result.outDir));
    } else if (result.allureResultsDir && htmlThread) {
      try {
        const html = await htmlThread.generate(result.allureResultsDir, path.join(result.outDir, 'allure-report'), result.report);
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
    await htmlThread?.close();
    setActiveProgress(undefined);
    signals.remove();
  }
}

/**
 * How this program was started, as a command a person can paste: "cis-bdd" when that name on PATH is this
 * program, else the path of the script itself.
 */
function invokedAs(): string {
  const script = process.argv[1] ? path.resolve(process.argv[1]) : '';
  const real = (p: string) => { try { return realpathSync(p); } catch { return null; } };
  if (!script) return 'cis-bdd';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const found = real(path.join(dir, 'cis-bdd'));
    if (found) return found === real(script) ? 'cis-bdd' : shellWord(script);
  }
  try {
    accessSync(script, fsConstants.X_OK);
    return shellWord(script);
  } catch {
    return `${shellWord(process.execPath)} ${shellWord(script)}`;
  }
}

/** Show the plan on the terminal and ask; only "y" or "yes" applies (end of input and Ctrl-C decline). */
async function confirmOnTerminal(plan: import('../remediation/harden.js').HardenReport, progress: import('../report/progress.js').Progress): Promise<boolean> {
  const { formatHardenPlan } = await import('../remediation/harden.js');
  progress.end();
  process.stdout.write(formatHardenPlan(plan));
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.on('close', () => resolve(''));
      rl.on('SIGINT', () => { process.stdout.write('\n'); resolve(''); });
      rl.question(`Apply this plan to ${plan.target} (${plan.plan.length} item(s))? Type "yes" to apply, anything else changes nothing: `, resolve);
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
    process.stdin.pause();
  }
}

async function hardenOne(common: import('../api.js').AuditOptions, values: Record<string, unknown>, progress: import('../report/progress.js').Progress): Promise<number> {
  const { setActiveProgress } = await import('../report/progress.js');
  setActiveProgress(progress);
  try {
    const { runHarden, formatHardenSummary } = await import('../remediation/harden.js');
    const v = values;
    const r = await runHarden({
      ...common, allureResults: false, dryRun: v['dry-run'] as boolean, allowInstall: v['allow-install'] as boolean, tag: v.tag as string | undefined,
      yes: v.yes as boolean | undefined, command: invokedAs(),
      // a live system is changed only after a person confirmed the plan on a terminal (or passed --yes)
      ...(process.stdin.isTTY ? { confirm: (plan: import('../remediation/harden.js').HardenReport) => confirmOnTerminal(plan, progress) } : {}),
    });
    progress.end(r.report.declined ? 'hardening not confirmed: nothing changed' : 'hardening finished');
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
