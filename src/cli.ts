/**
 * cis-bdd command line.
 *
 *   cis-bdd audit [--target URI] [--benchmark ID] [--level 1|2] [--scored-only] [--only IDS] [--out DIR]
 *
 * Exit codes: 0 every selected scored item passed (or does not apply); 1 at least one failed;
 * 2 usage error, target unreachable or authentication failed; 3 the audit ran but items ended in error.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { UsageError } from './engine/usage-error.js';
import { benchmarkIds, loadBenchmark } from './engine/catalogue.js';
import { TARGET_FORMS, sshSecretsFrom } from './targets/forms.js';
import { toolVersion } from './engine/paths.js';
import { limitOptions, onInterrupt } from './cli-signals-and-limits.js';

// Only what --version, --help and usage errors need is imported above. cucumber, the step library, Allure
// and the transports' client libraries load with the command that uses them (api.js and what it imports).
const api = () => import('./api.js');

const help = () => `cis-bdd ${toolVersion()} — CIS benchmarks as executable specifications

Usage:
  cis-bdd audit [options]       audit one target and write reports
  cis-bdd harden [options] [--dry-run] [--allow-install] [--tag IMAGE:TAG]
                                plan, apply and verify the failing items' remediations
  cis-bdd rollback --target URI --run RUN_ID|latest
                                restore what a hardening run changed ("latest": the newest run not
                                rolled back yet, also one that was killed part-way)
  cis-bdd audit --target A --target B ... | --targets FILE [--concurrency N]
                                audit a fleet: one report per target, fleet.json, one Allure report
  cis-bdd merge --out DIR FILE...
                                a fleet report from compliance.json files or pod logs collected
                                elsewhere ("-" reads a log from stdin: kubectl logs ... | cis-bdd merge -)
  cis-bdd diff OLD NEW [--json] [--limit N]
                                what changed between two audits (compliance.json or fleet.json);
                                exit 1 when a scored item newly fails
  cis-bdd policy check FILE     validate a policy (exit 2 with file:line on errors)
  cis-bdd list [--benchmark ID] [--policy FILE] [--level 1|2] [--scored-only] [--tailoring]
                                what an audit would run, and what is waived
  cis-bdd --version

Audit options:
  --target URI                  what to audit (default: local)
${TARGET_FORMS.map((f) => `                                  ${f}`).join('\n')}
  --benchmark ID                ${benchmarkIds().join(' | ')}
                                (default: chosen from the target's /etc/os-release; "closest" also
                                accepts another OS of the same family, with a warning in the report)
  --level 1|2                   profile level; level 2 includes level 1 (default 2)
  --scored-only                 only scored items
  --only IDS                    comma-separated item ids or section prefixes (5.3,6.1.2)
  --tags EXPR                   an extra cucumber tag expression
  --policy FILE                 a policy: profile, include/exclude, tailoring, waivers (see policies/)
  --out DIR                     report directory (default reports/<timestamp>)
  --identity FILE               SSH private key (passphrase from CIS_BDD_SSH_PASSPHRASE)
  --known-hosts FILE            known_hosts file to check the SSH host key (default ~/.ssh/known_hosts)
  --accept-new-host-key         accept and record an SSH host key not yet known
  --sudo                        run commands through passwordless sudo (non-root SSH users)
  --no-html                     do not generate the Allure HTML report
  --no-allure                   write no Allure results at all (compliance.json and summary.txt only;
                                the fastest way to gate a pipeline)
  --formats LIST                report files besides compliance.json: junit, sarif, xccdf, all (default)
                                or none (junit.xml, results.sarif, xccdf-results.xml)
  --baseline FILE               gate on the difference from an earlier audit (compliance.json or
                                fleet.json): exit 1 only when a scored item newly fails
  --quiet                       print only the final summary line (no progress)
  --container-as-host           in a container, evaluate kernel, bootloader, partition and time items
                                as on a host (privileged containers sharing the host's namespaces)
  --trace                       print each command sent to the target with its time
  --timeout SECONDS             how long one round trip to the target may take (default 300; a
                                filesystem walk may take 10 times as long); then the items that needed
                                it are "error", "timed out after N s"
  --max-file-size SIZE          the largest file read as content (default 8M; K, M, G suffixes); a larger
                                file makes the items that need it "error", "too large to be a
                                configuration file"

SSH passwords are read only from CIS_BDD_SSH_PASSWORD, never from the command line.
Exit codes: 0 compliant, 1 failed items, 2 usage/connection/authentication error, 3 items in error
(or the target was lost mid-audit), 130/143 interrupted by Ctrl-C/SIGTERM (the report so far is kept).
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(help());
    return command ? 0 : 2;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${toolVersion()}\n`);
    return 0;
  }
  if (command === 'policy') return policyCommand(rest);
  if (command === 'rollback') return rollbackCommand(rest);
  if (command === 'list') return listCommand(rest);
  if (command === 'merge') return mergeCommand(rest);
  if (command === 'diff') return (await import('./diff-command.js')).diffCommand(rest);
  const harden = command === 'harden';
  if (command !== 'audit' && !harden) {
    process.stderr.write(`cis-bdd: unknown command "${command}"\n\n${help()}`);
    return 2;
  }
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
    const { parseFormats } = await import('./report/formats.js');
    formats = parseFormats(values.formats);
  } catch (e) {
    return usageExit(e);
  }
  const { Progress, progressMode, setActiveProgress } = await import('./report/progress.js');
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
  if (harden) {
    setActiveProgress(progress);
    try {
      progress.phase(`hardening ${shownTarget(common.target)}`);
      const { runHarden, formatHardenSummary } = await import('./remediation/harden.js');
      const v = values as Record<string, unknown>;
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
  setActiveProgress(progress);
  const signals = onInterrupt();
  try {
    if (values.baseline) await (await import('./report/diff.js')).loadAuditFile(values.baseline); // bad input stops before the audit
    const { runAudit } = await api();
    progress.phase(`auditing ${shownTarget(common.target)}`);
    const result = await runAudit(common);
    progress.end(`audited ${result.report.items.filter((i) => i.status !== 'not-selected').length} items of ${result.report.benchmark.id}`);
    if (result.report.run.targetLost) process.stderr.write(`cis-bdd: ${result.report.run.targetLost}; the items it left unmeasured are "error" (report: ${result.compliancePath})\n`);
    const paths = [`compliance.json: ${result.compliancePath}`, ...result.formatFiles.map((f) => `${path.basename(f)}: ${f}`)];
    if (result.allureResultsDir) paths.push(`Allure results: ${result.allureResultsDir}`);
    if (!values['no-html'] && result.allureResultsDir) {
      try {
        const { generateAllureHtml } = await import('./report/allure-html.js');
        const html = await generateAllureHtml(result.allureResultsDir, path.join(result.outDir, 'allure-report'), result.report);
        paths.push(`Allure report: ${html}`);
      } catch (e) {
        paths.push(`Allure report: not generated (${(e as Error).message})`);
      }
    }
    const { formatSummary, finalLine, wantsColor } = await import('./report/summary.js');
    let exitCode: number = result.exitCode;
    const extra: string[] = [];
    if (values.baseline) {
      const { baselineGate } = await import('./report/baseline.js');
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

function usageExit(e: unknown): number {
  if (e instanceof UsageError) {
    const label = e.kind === 'auth' ? 'authentication failed' : e.kind === 'unreachable' ? 'target unreachable' : 'usage error';
    process.stderr.write(`cis-bdd: ${label}: ${e.message}\n`);
    return 2;
  }
  throw e;
}

/** The arguments every target of a fleet shares, passed on to its own cis-bdd process. */
/** A target URI as progress shows it: a password in it (refused later, with a message) is never echoed. */
function shownTarget(uri: string | undefined): string {
  return (uri ?? 'local').replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^@/]*@/i, '$1:***@');
}

/** The target that has been running longest, for the progress line. */
function slowest(running: Map<string, number>): string {
  let oldest: [string, number] | undefined;
  for (const e of running) if (!oldest || e[1] < oldest[1]) oldest = e;
  return oldest ? `${running.size} running; slowest ${oldest[0]} (${Math.round((Date.now() - oldest[1]) / 1000)} s)` : '';
}

/** The compliance reports a fleet run wrote, in the fleet's order (targets without one are left out). */
async function fleetReports(report: import('./fleet.js').FleetReport): Promise<import('./report/compliance.js').ComplianceReport[]> {
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

async function fleetCommand(values: Record<string, unknown>, targetList: string[], out: string, formats: readonly import('./report/formats.js').ReportFormat[], progress: import('./report/progress.js').Progress): Promise<number> {
  const { parseTargetsFile, runFleet, formatFleet, fleetExitCode } = await import('./fleet.js');
  try {
    const targets = targetList.map((uri) => ({ uri }));
    if (typeof values.targets === 'string') {
      const text = await fs.readFile(values.targets, 'utf8').catch(() => { throw new UsageError(`--targets ${values.targets} cannot be read`); });
      targets.push(...parseTargetsFile(text, values.targets));
    }
    let concurrency: number | undefined;
    if (values.concurrency !== undefined) {
      concurrency = Number(values.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive whole number (got "${values.concurrency}")`);
    }
    progress.phase(`auditing ${targets.length} targets`);
    progress.items(targets.length);
    const running = new Map<string, number>();
    const report = await runFleet({
      targets, out, concurrency, auditArgs: [...sharedAuditArgs(values), '--formats', formats.length ? formats.join(',') : 'none'],
      onStart: (uri) => { running.set(uri, Date.now()); progress.status(slowest(running)); },
      onProgress: (l, uri) => { if (uri) running.delete(uri); progress.itemFinished(); progress.note(l); progress.status(slowest(running)); },
    });
    progress.end(`audited ${targets.length} targets`);
    const { writeFleetFormats } = await import('./report/formats.js');
    const written = await writeFleetFormats(path.resolve(out), await fleetReports(report), formats);
    const lines = [formatFleet(report), `fleet.json: ${path.resolve(out, 'fleet.json')}`, ...written.map((f) => `${path.basename(f)}: ${f}`)];
    if (!values['no-html'] && !values['no-allure']) {
      try {
        const { generateAllureHtml } = await import('./report/allure-html.js');
        const title = { benchmark: { title: 'cis-bdd fleet' }, target: { uri: `${report.counts.targets} targets` } } as unknown as import('./report/compliance.js').ComplianceReport;
        lines.push(`Allure report: ${await generateAllureHtml(path.resolve(out, 'allure-results'), path.resolve(out, 'allure-report'), title)}`);
      } catch (e) {
        lines.push(`Allure report: not generated (${(e as Error).message})`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return fleetExitCode(report);
  } catch (e) {
    return usageExit(e);
  }
}

async function mergeCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { out: { type: 'string' } } });
  } catch (e) {
    process.stderr.write(`cis-bdd: ${(e as Error).message}\n`);
    return 2;
  }
  if (!parsed.values.out || !parsed.positionals.length) {
    process.stderr.write('cis-bdd: usage: cis-bdd merge --out DIR FILE... (compliance.json files or pod logs; - for stdin)\n');
    return 2;
  }
  const { mergeReports, formatFleet, fleetExitCode } = await import('./fleet.js');
  try {
    const report = await mergeReports(parsed.positionals, parsed.values.out);
    process.stdout.write(`${formatFleet(report)}fleet.json: ${path.resolve(parsed.values.out, 'fleet.json')}\n`);
    return fleetExitCode(report);
  } catch (e) {
    return usageExit(e);
  }
}

async function rollbackCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, options: {
      target: { type: 'string' }, run: { type: 'string' }, identity: { type: 'string' }, 'known-hosts': { type: 'string' },
      'accept-new-host-key': { type: 'boolean' }, sudo: { type: 'boolean' },
    } }));
  } catch (e) {
    process.stderr.write(`cis-bdd: ${(e as Error).message}\n`);
    return 2;
  }
  if (!values.run) { process.stderr.write('cis-bdd: rollback needs --run RUN_ID (from harden.json) or --run latest\n'); return 2; }
  try {
    const { connectTarget } = await api();
    const { rollbackRun } = await import('./remediation/rollback.js');
    const target = await connectTarget({ target: values.target, out: '', identityFile: values.identity, sshSecrets: sshSecretsFrom(process.env), knownHostsFile: values['known-hosts'], acceptNewHostKey: values['accept-new-host-key'], sudo: values.sudo });
    try {
      const r = await rollbackRun(target, values.run);
      if (r.interrupted) process.stdout.write(`run ${r.runId} had not completed (it was stopped); ${r.restored.length ? 'restoring everything it recorded' : 'it had changed nothing yet'}\n`);
      for (const f of r.restored) process.stdout.write(`restored ${f.path} (${f.type === 'missing' ? 'removed: it did not exist before' : f.type})\n`);
      for (const t of r.removedTemporaryFiles) process.stdout.write(`removed ${t} (left by an interrupted write)\n`);
      for (const d of r.removedDirectories) process.stdout.write(`removed directory ${d} (created by the run)\n`);
      for (const c of r.cannotUndo) process.stdout.write(`cannot undo: ${c}\n`);
      process.stdout.write(`rolled back run ${r.runId}${r.startedAt ? ` (started ${r.startedAt})` : ''} on ${r.target}: ${r.restored.length} file(s) restored, ${r.removedDirectories.length} director${r.removedDirectories.length === 1 ? 'y' : 'ies'} removed\n`);
      return r.cannotUndo.length ? 1 : 0;
    } finally {
      await target.close();
    }
  } catch (e) {
    return usageExit(e);
  }
}

async function policyCommand(args: string[]): Promise<number> {
  const [sub, file, ...extra] = args;
  if (sub !== 'check' || !file || extra.length) {
    process.stderr.write('cis-bdd: usage: cis-bdd policy check FILE\n');
    return 2;
  }
  try {
    const { loadPolicyChecked, listSelection } = await api();
    const policy = await loadPolicyChecked(file);
    const items = await listSelection(policy.benchmark, { level: policy.level, scoredOnly: policy.scoredOnly, only: [], tags: null }, policy);
    process.stdout.write(`${file}: valid. ${policy.name}: ${policy.benchmark}, level ${policy.level}${policy.scoredOnly ? ' scored only' : ''}, `
      + `${items.length} scenario(s) selected, ${policy.waivers.length} waiver(s), ${Object.keys(policy.tailoring).length} tailored value(s)\n`);
    return 0;
  } catch (e) {
    return usageExit(e);
  }
}

async function listCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, options: {
      benchmark: { type: 'string' }, policy: { type: 'string' }, level: { type: 'string' }, 'scored-only': { type: 'boolean' }, tailoring: { type: 'boolean' },
    } }));
  } catch (e) {
    process.stderr.write(`cis-bdd: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const { loadStepsForListing, loadPolicyChecked, listSelection } = await api();
    if (values.tailoring) {
      const { tailoringDeclarations } = await import('./policy/tailoring.js');
      await loadStepsForListing();
      for (const d of tailoringDeclarations()) process.stdout.write(`${d.name}  (${d.type}, default ${JSON.stringify(d.default)}; items ${d.items.join(', ')})\n  ${d.description}\n`);
      return 0;
    }
    const policy = values.policy ? await loadPolicyChecked(values.policy) : undefined;
    const benchmark = values.benchmark ?? policy?.benchmark;
    if (!benchmark) throw new UsageError('list needs --benchmark or --policy');
    if (policy && benchmark !== policy.benchmark) throw new UsageError(`--benchmark ${benchmark} contradicts the policy, which is for ${policy.benchmark}`);
    const catalogue = loadBenchmark(benchmark);
    const level = values.level ? (Number(values.level) as 1 | 2) : policy?.level ?? 2;
    const scoredOnly = values['scored-only'] ?? policy?.scoredOnly ?? false;
    const names = await listSelection(benchmark, { level, scoredOnly, only: [], tags: null, include: policy?.include, exclude: policy?.exclude }, policy);
    const ids = new Set(names.map((n) => n.split(' ')[0]));
    let waived = 0;
    for (const item of catalogue.items.filter((i) => ids.has(i.id))) {
      const w = policy?.waivers.find((x) => x.ids?.includes(item.id));
      if (w) waived++;
      process.stdout.write(`${item.id.padEnd(10)} L${item.level} ${item.scored ? 'scored    ' : 'not scored'} ${item.title}${w ? `\n           WAIVED: ${w.reason}${w.owner ? `; owner ${w.owner}` : ''}${w.expires ? `; expires ${w.expires}` : ''}` : ''}\n`);
    }
    const tagWaivers = policy?.waivers.filter((w) => w.tags).length ?? 0;
    process.stdout.write(`${ids.size} item(s) selected of ${catalogue.items.length} in ${benchmark}; ${waived} waived by id${tagWaivers ? `, plus ${tagWaivers} waiver(s) by tag expression` : ''}\n`);
    return 0;
  } catch (e) {
    return usageExit(e);
  }
}
