/**
 * Run an audit programmatically: open the target, settle the benchmark, run the benchmark's features with
 * cucumber-js in this process (the engine decides each item's verdict as its scenario ends), build the
 * run's one result from those verdicts, and write it under `out`: compliance.json (the result itself),
 * the other report formats and the Allure results from it.
 */
// first: it must run before cucumber-expressions loads (see the module)
import './engine/match-indices.js';
import { loadConfiguration, loadSupport, runCucumber, type IRunConfiguration } from '@cucumber/cucumber/api';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openTarget, type TargetOptions } from './targets/index.js';
import { TargetError, type Target, type TargetLimits, type TraceSink } from './targets/target.js';
import { BenchmarkChoiceError, openSession, warmUp, withSession, type Selection } from './engine/session.js';
import { loadBenchmark } from './engine/catalogue.js';
import { packagePath, packageRoot } from './engine/paths.js';
import { onContainedCrash } from './engine/crash-scope.js';
import { featuresDir } from './engine/benchmarks.js';
import { reportExitCode, type ComplianceReport } from './model/result.js';
import { buildResult } from './engine/result.js';
import { RunMessages } from './engine/run-messages.js';
import { loadPolicy, PolicyError, type Policy } from './policy/policy.js';
import { policyTagExpression } from './policy/apply.js';
import { UsageError } from './engine/usage-error.js';
import { assertNoPolicyConflict, assertRequestSelects, featureFilesSelecting } from './engine/selection-check.js';
import { PACKAGE_DATABASES } from './facts/packages.js';
import { REPORT_FORMATS, writeReportFormats, type ReportFormat } from './report/formats.js';
import { writeAllureResults } from './report/allure-results.js';
import { activeProgress } from './report/progress.js';

export interface AuditOptions extends Omit<TargetOptions, 'trace'> {
  target?: string;
  benchmark?: string;
  level?: 1 | 2;
  scoredOnly?: boolean;
  /** item ids or section prefixes (5.3 selects every 5.3.x item) */
  only?: string[];
  /** an extra cucumber tag expression, and-ed with the selection */
  tags?: string;
  /** a policy file: benchmark, profile, include/exclude, tailoring, waivers */
  policy?: string;
  out: string;
  /**
   * Evaluate kernel, bootloader, partition and time items in a container as on a host (default false):
   * for privileged containers that share the host's namespaces, such as a node agent.
   */
  containerAsHost?: boolean;
  /** write Allure results (default true) */
  allureResults?: boolean;
  /** the report formats written next to compliance.json (default: all of REPORT_FORMATS) */
  formats?: readonly ReportFormat[];
  trace?: TraceSink;
  /** the largest file read as content, in bytes (default DEFAULT_LIMITS.maxFileBytes, 8 MiB) */
  maxFileBytes?: number;
  /** how long one round trip to the target may take, in seconds (default 300; a walk may take 10 times that) */
  timeoutSeconds?: number;
}

export interface AuditResult {
  report: ComplianceReport;
  /** 0, 1, 3 as exitCodeFor says; 2 or 3 when the target was lost; 130 (SIGINT) or 143 (SIGTERM) when interrupted */
  exitCode: 0 | 1 | 2 | 3 | 130 | 143;
  outDir: string;
  compliancePath: string;
  allureResultsDir?: string;
  /** the other report files written (junit.xml, results.sarif, xccdf-results.xml) */
  formatFiles: string[];
}

export { UsageError };
/** The headline counts and score every report prints (README: Counts and score). */
export { headlineCounts, cisCatView, formatScore, type HeadlineCounts } from './model/counts.js';

/** The step library, compiled (npm install builds it), relative to the package root. */
const STEP_FILES = ['dist/steps/**/*.js'];

let supportCache: Promise<{ runConfiguration: IRunConfiguration; support: unknown }> | undefined;

/** Load the step definitions once per process; later runs reuse them. */
function loadSteps(): Promise<{ runConfiguration: IRunConfiguration; support: unknown }> {
  supportCache ??= (async () => {
    const cwd = packageRoot();
    const { runConfiguration } = await loadConfiguration({
      file: false,
      provided: { paths: [], import: STEP_FILES },
    }, { cwd });
    const loaded = await loadSupport(runConfiguration, { cwd });
    // A loaded library keeps the coordinates it came from (every step file by name). runCucumber only
    // resolves them again (a glob of each name, for its log); the one pattern they came from costs one.
    // Cucumber's parallel workers would import from them by name: with workers, they stay as they are.
    const support = runConfiguration.runtime.parallel > 0 ? loaded
      : { ...loaded, originalCoordinates: { ...loaded.originalCoordinates, importPaths: STEP_FILES } };
    return { runConfiguration, support };
  })();
  return supportCache;
}

export function selectionTags(sel: Selection, policy?: Policy): string | undefined {
  const parts: string[] = [];
  if (policy) {
    const expr = policyTagExpression({ ...policy, level: sel.level, scoredOnly: sel.scoredOnly }, (s) => expandOnly(policy.benchmark, [s]));
    if (expr) parts.push(`(${expr})`);
    if (sel.only.length) parts.push(`(${sel.only.map((id) => `@id:${id}`).join(' or ')})`);
    if (sel.tags) parts.push(`(${sel.tags})`);
    return parts.length ? parts.join(' and ') : undefined;
  }
  if (sel.level === 1) parts.push('@level:1');
  if (sel.scoredOnly) parts.push('@scored');
  if (sel.only.length) parts.push(`(${sel.only.map((id) => `@id:${id}`).join(' or ')})`);
  if (sel.tags) parts.push(`(${sel.tags})`);
  return parts.length ? parts.join(' and ') : undefined;
}

/** Expand ids and section prefixes against the catalogue; unknown ones are a usage error. */
export function expandOnly(benchmarkId: string, only: string[]): string[] {
  const items = loadBenchmark(benchmarkId).items;
  const out = new Set<string>();
  for (const o of only) {
    const matched = items.filter((i) => i.id === o || i.id.startsWith(`${o}.`));
    if (!matched.length) throw new UsageError(`--only ${o}: no item or section with that id in ${benchmarkId}`);
    for (const m of matched) out.add(m.id);
  }
  return [...out];
}

/** Load and validate a policy (against the benchmarks' manifests and catalogues). */
export async function loadPolicyChecked(file: string): Promise<Policy> {
  try {
    return loadPolicy(file);
  } catch (e) {
    if (e instanceof PolicyError) throw new UsageError(e.message.includes('\n') ? `invalid policy:\n${e.message}` : `invalid policy: ${e.message}`);
    throw e;
  }
}

export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  await prepareOutDir(options.out);
  const target = await connectTarget(options);
  try {
    return await auditTarget(target, options);
  } finally {
    await target.close();
  }
}

/** The report directory: created now, so that a file in its place is a usage error before any round trip. */
async function prepareOutDir(out: string): Promise<void> {
  const dir = path.resolve(out);
  const st = await fs.stat(dir).catch(() => null);
  if (st && !st.isDirectory()) throw new UsageError(`--out ${out} is not a directory (it is a file or something else); give a directory for the reports`);
  if (!st) {
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (e) {
      throw new UsageError(`--out ${out} cannot be created: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }
}

/** The targets of the audits now running in this process, so that a signal can interrupt them. */
const runningTargets = new Set<Target>();
let interruptedBy: 'SIGINT' | 'SIGTERM' | undefined;
let interruptedAt: Date | undefined;

/**
 * Ctrl-C or SIGTERM: every audit running in this process stops using its target. Items not yet measured
 * end `error` ("audit interrupted"), the reports are written with `run.interrupted`, and the run's exit code
 * is 130 (SIGINT) or 143 (SIGTERM). The CLI calls this on the first signal and exits on the second.
 */
export function interruptAudits(signal: 'SIGINT' | 'SIGTERM'): void {
  interruptedBy ??= signal;
  interruptedAt ??= new Date();
  for (const t of runningTargets) t.interrupt(signal);
}

/** The signal that interrupted the audits of this process, if one did. */
export function auditsInterrupted(): 'SIGINT' | 'SIGTERM' | undefined {
  return interruptedBy;
}

/** Open and connect the target an options object names; problems become usage errors (exit 2). */
export async function connectTarget(options: AuditOptions): Promise<Target> {
  const target = openTargetOrUsage(options);
  runningTargets.add(target);
  // in a fleet's process: an uncaught error of this audit stops its target (src/engine/crash-scope.ts)
  onContainedCrash(() => target.interrupt('the audit crashed'));
  if (interruptedBy) target.interrupt(interruptedBy);
  const close = target.close.bind(target);
  target.close = async () => { runningTargets.delete(target); await close(); };
  try {
    await target.connect();
  } catch (e) {
    await target.close().catch(() => undefined);
    throw asUsage(e);
  }
  return target;
}

/** Audit a connected target (left open: hardening audits, changes and audits again). */
export async function auditTarget(target: Target, options: AuditOptions): Promise<AuditResult> {
  const { runConfiguration, support } = await loadSteps();
  const policy = options.policy ? await loadPolicyChecked(options.policy) : undefined;
  assertNoPolicyConflict(policy, options);
  const outDir = path.resolve(options.out);
  {
    let session;
    try {
      session = await openSession(target, options.benchmark ?? policy?.benchmark, {
        level: options.level ?? policy?.level ?? 2,
        scoredOnly: options.scoredOnly ?? policy?.scoredOnly ?? false,
        only: [],
        tags: options.tags ?? null,
        include: policy?.include,
        exclude: policy?.exclude,
      });
    } catch (e) {
      // the target went away (or the run was interrupted) before the benchmark could even be settled
      if (target.lost) throw new UsageError(target.lost, 'unreachable');
      if (e instanceof BenchmarkChoiceError) throw new UsageError(e.message);
      throw asUsage(e);
    }
    session.containerRule = !options.containerAsHost;
    session.tailoring = policy?.tailoring ?? {};
    session.policy = policy;
    if (options.containerAsHost && (target.kind === 'docker' || target.kind === 'docker-image')) {
      session.warnings.push('--container-as-host: kernel, bootloader, partition and time items were evaluated inside the container as if it were a host');
    }
    session.selection.only = options.only?.length ? expandOnly(session.benchmarkId, options.only) : [];
    assertRequestSelects(session.benchmarkId, { ...session.selection, only: options.only, policy }); // selecting nothing is not compliance
    warmUp(session);
    await fs.mkdir(outDir, { recursive: true });
    const compliancePath = path.join(outDir, 'compliance.json');
    const allureResultsDir = options.allureResults === false ? undefined : path.join(outDir, 'allure-results');
    const cwd = packageRoot();
    const tagExpression = selectionTags(session.selection, policy) ?? '';
    // only the feature files with a selected scenario: cucumber need not parse the others
    const files = featureFilesSelecting(session.benchmarkId, tagExpression, session.selection.only);
    const messages = new RunMessages();
    // the session is this run's alone: another audit may run at once in this process (a fleet)
    await withSession(session, () => runCucumber({
      ...runConfiguration,
      support: support as IRunConfiguration['support'],
      sources: {
        ...runConfiguration.sources,
        paths: files ? files.map((f) => `${packagePath(featuresDir(session.benchmarkId))}/${f}`) : [`${packagePath(featuresDir(session.benchmarkId))}/**/*.feature`],
        tagExpression,
      },
      formats: {
        ...runConfiguration.formats,
        // cucumber's console output is discarded (see the stdout below): a formatter that does no work
        // (or, when a progress display is active, the formatter that feeds it)
        stdout: activeProgress() ? './dist/src/report/progress-formatter.js' : './dist/src/report/null-formatter.js',
        files: {},
      },
      runtime: { ...runConfiguration.runtime, worldParameters: { benchmark: session.benchmarkId, managed: true } },
    }, { cwd, stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr: process.stderr }, (envelope) => messages.onEnvelope(envelope)));
    if (!messages.finished) {
      throw new Error(`cucumber did not run the features of ${session.benchmarkId} (a feature file that does not parse, or a step library that does not load): see the messages above`);
    }
    // the run's one result, built by the engine from the verdicts the session kept; compliance.json is it
    const report = buildResult({
      benchmarkId: session.benchmarkId,
      withScenario: messages.withScenario,
      selected: messages.selected,
      tagsById: messages.tagsById,
      verdicts: session.verdicts,
      selection: session.selection,
      policy,
      target: { kind: target.kind, uri: target.uri, os: session.os ? { id: session.os.id, versionId: session.os.versionId, prettyName: session.os.prettyName } : null },
      startedAt: session.startedAt.toISOString(),
      finishedAt: new Date(),
      warnings: session.warnings,
      roundTrips: target.counters.roundTrips,
      bytesRead: target.counters.bytesRead,
    });
    if (interruptedBy) report.run.interrupted = { signal: interruptedBy, at: (interruptedAt ?? new Date()).toISOString() };
    if (target.lost) report.run.targetLost = target.lost;
    await fs.writeFile(compliancePath, `${JSON.stringify(report, null, 2)}\n`);
    if (allureResultsDir) {
      await fs.rm(allureResultsDir, { recursive: true, force: true });
      writeAllureResults(allureResultsDir, report, messages.scenarios, messages.runHookFailures);
    }
    const formatFiles = await writeReportFormats(outDir, report, options.formats ?? REPORT_FORMATS);
    return { report, exitCode: runExitCode(report), outDir, compliancePath, allureResultsDir, formatFiles };
  }
}

/** The files an audit wrote, as its summary lists them ("compliance.json: PATH", ...). */
export function resultPaths(result: AuditResult): string[] {
  const paths = [`compliance.json: ${result.compliancePath}`, ...result.formatFiles.map((f) => `${path.basename(f)}: ${f}`)];
  if (result.allureResultsDir) paths.push(`Allure results: ${result.allureResultsDir}`);
  return paths;
}

/**
 * The exit code of a finished run: interrupted → 130/143; the target lost during the run → 3, or 2 when no
 * item passed or failed (nothing could be measured); otherwise what the verdicts say (exitCodeFor).
 */
export function runExitCode(report: ComplianceReport): AuditResult['exitCode'] {
  return reportExitCode(report);
}

/** The caps and timeouts an options object asks for, checked. */
function limitsOf(options: AuditOptions): Partial<TargetLimits> {
  const limits: Partial<TargetLimits> = { largeFiles: PACKAGE_DATABASES };
  if (options.maxFileBytes !== undefined) {
    if (!Number.isInteger(options.maxFileBytes) || options.maxFileBytes < 1) throw new UsageError(`the file size cap must be a positive number of bytes (got ${options.maxFileBytes})`);
    limits.maxFileBytes = options.maxFileBytes;
  }
  if (options.timeoutSeconds !== undefined) {
    if (!Number.isFinite(options.timeoutSeconds) || options.timeoutSeconds <= 0) throw new UsageError(`the timeout must be a positive number of seconds (got ${options.timeoutSeconds})`);
    limits.timeoutMs = Math.round(options.timeoutSeconds * 1000);
  }
  return limits;
}

function openTargetOrUsage(options: AuditOptions) {
  const limits = limitsOf(options);
  try {
    return openTarget(options.target, { ...options, limits });
  } catch (e) {
    throw asUsage(e);
  }
}

function asUsage(e: unknown): unknown {
  if (e instanceof TargetError) {
    const kind = e.code === 'auth' ? 'auth' : e.code === 'usage' ? 'usage' : 'unreachable';
    return new UsageError(e.message, kind);
  }
  return e;
}
