/**
 * Hardening: audit, plan the failing items' remediations (plan.ts), record and apply them (apply.ts),
 * validate (sshd -t before a reload; the connection in use must still work), audit again and report per
 * item fixed / still failing / skipped. The run record (run-record.ts) lives on the target under
 * /var/lib/cis-bdd/runs/<runId>/ and is written before each change, so that `cis-bdd rollback` restores
 * the tree exactly, also after a run that was killed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FileNode, Target } from '../targets/target.js';
import { TargetError } from '../targets/target.js';
import { auditTarget, connectTarget, UsageError, type AuditOptions } from '../api.js';
import type { ComplianceItem, ComplianceReport } from '../model/result.js';
import type { Remediation } from '../model/remediation.js';
import { packageManager } from '../facts/packages.js';
import { FactStore } from '../facts/store.js';
import { dockerClient } from '../targets/docker.js';
import { planChanges, type ItemOutcome, type PlannedItem } from './plan.js';
import { applyRemediations } from './apply.js';
import { listRuns, newRunId, reserveRun, writeRecord, type RunRecord } from './run-record.js';
import { crashPoint } from './fault-injection.js';
import { formatHardenPlan, formatHardenSummary } from './summary.js';
import { isSound, itemsMadeWorse, profileOf, rollbackCommand } from './comparison.js';
import { activeProgress } from '../report/progress.js';

export { BACKUP_ROOT } from './run-record.js';
export { planChanges, type ItemOutcome, type PlannedItem } from './plan.js';
export { applyRemediations, type ApplyContext, type ApplyResult } from './apply.js';
export { formatHardenPlan, formatHardenSummary };

export interface HardenOptions extends AuditOptions {
  dryRun?: boolean;
  allowInstall?: boolean;
  /** docker-image targets: the tag of the hardened image to commit */
  tag?: string;
  /** apply to a live system (local, ssh://) without asking: the person has read the plan (--yes) */
  yes?: boolean;
  /**
   * Asked once the plan is known, before anything changes on a live system (local, ssh://) when `yes` is
   * not set; true applies. Without it and without `yes`, hardening a live system is refused.
   */
  confirm?: (plan: HardenReport) => Promise<boolean>;
  /** how cis-bdd was started, for the rollback command printed (default "cis-bdd") */
  command?: string;
}

/** Target kinds that are the system itself, not a copy: a real apply there is confirmed first. */
const LIVE_SYSTEMS = new Set(['local', 'ssh']);

/** Whether a target URI names a live system whose hardening must be confirmed (local, ssh://). */
export function needsConfirmation(uri: string | undefined): boolean {
  return uri === undefined || uri === 'local' || uri === 'local://' || uri.startsWith('ssh://');
}

export interface HardenReport {
  runId: string;
  dryRun: boolean;
  target: string;
  benchmark: string;
  policy: string | null;
  /** the profile audited and hardened: level, scored only, ids or tags */
  profile: string;
  plan: PlannedItem[];
  outcomes: ItemOutcome[];
  backedUp: Array<{ path: string; type: FileNode['type'] }>;
  packagesRemoved: string[];
  backupDir: string | null;
  image?: string;
  /** earlier runs on the target that stopped before they completed (killed): roll them back too, newest first */
  interruptedRuns?: string[];
  /** the rollback command of each of those runs, in the same order */
  interruptedRollback?: string[];
  /** the CIS-CAT score of the audit before and after (null: no scored item passed or failed; after: null on a dry run) */
  score: { before: number | null; after: number | null };
  /** the compliance.json of the audit before and after the run (after: null when nothing was applied) */
  reports: { before: string; after: string | null };
  /** the command that undoes the run, ready to paste (null: nothing to undo, or a docker-image target) */
  rollbackCommand: string | null;
  /** set when the plan was shown on a terminal and the person did not confirm it: nothing changed */
  declined?: boolean;
}

/** Rounds of apply-and-re-audit in one run: enough for the longest scenario whose steps each fix one thing. */
const MAX_ROUNDS = 4;

export interface HardenResult { report: HardenReport; exitCode: 0 | 1 | 2 | 3; outDir: string }

/**
 * The options a hardening run is refused for, before anything is read: a docker-image without a tag; a
 * real apply that does not say what to harden; a live system (local, ssh://) with no way to confirm.
 */
export function checkHardenOptions(options: HardenOptions): void {
  if (options.tag && !options.target?.startsWith('docker-image://')) throw new UsageError('--tag applies only to docker-image:// targets');
  if (options.dryRun) return;
  if (options.target?.startsWith('docker-image://') && !options.tag) {
    throw new UsageError('hardening a docker-image:// target needs --tag NAME:TAG for the hardened image (or --dry-run)');
  }
  if (!options.policy && !options.level && !options.only?.length && !options.tags) {
    // an audit's default profile is Level 2, every item: hardening with it removes packages and services a
    // machine may need; what gets changed is the person's choice, stated on the command line
    throw new UsageError('harden needs to be told what to harden: --policy FILE or --level 1|2 (or --only IDS); --dry-run shows the plan without them');
  }
  if (!options.yes && !options.confirm && needsConfirmation(options.target)) {
    throw new UsageError(`hardening ${options.target ?? 'local'} changes a live system and there is no terminal to confirm the plan on: pass --yes to apply it without asking (read it first with --dry-run)`);
  }
}

export async function runHarden(options: HardenOptions): Promise<HardenResult> {
  const outDir = path.resolve(options.out);
  checkHardenOptions(options);
  await fs.mkdir(outDir, { recursive: true });
  const target = await connectTarget(options);
  try {
    return await hardenConnected(target, options, outDir);
  } finally {
    await target.close();
  }
}

async function hardenConnected(target: Target, options: HardenOptions, outDir: string): Promise<HardenResult> {
  let runId = newRunId();
  const progress = activeProgress();
  progress?.phase('audit before hardening');
  const before = await auditTarget(target, { ...options, out: path.join(outDir, 'before'), allureResults: false });
  progress?.end(`audited: ${before.report.summary.fail + before.report.summary.notScoredFail} item(s) failing`);
  const report: HardenReport = {
    runId, dryRun: !!options.dryRun, target: target.uri, benchmark: before.report.benchmark.id,
    policy: before.report.policy?.file ?? null, profile: profileOf(before.report, options.only), plan: [], outcomes: [], backedUp: [], packagesRemoved: [], backupDir: null,
    score: { before: before.report.summary.score, after: null }, reports: { before: before.compliancePath, after: null }, rollbackCommand: null,
  };
  const manager = await new FactStore(target).get(packageManager).catch(() => null);
  const automatable = (item: ComplianceItem) => !!item.remediation && !(item.remediation.needsInstall?.length && !options.allowInstall);

  // 1. plan: only failing items (waived and unselected items are never touched)
  const planned: Array<{ item: ComplianceItem; remediation: Remediation }> = [];
  for (const item of before.report.items) {
    if (item.status !== 'fail') continue;
    if (item.manualFix && !item.remediation) {
      report.outcomes.push({ id: item.id, title: item.title, outcome: 'needs a person', steps: item.manualFix.steps });
      continue;
    }
    if (!item.remediation) {
      report.outcomes.push({ id: item.id, title: item.title, outcome: 'skipped', reason: 'no automated remediation for this item' });
      continue;
    }
    if (!automatable(item)) {
      report.outcomes.push({ id: item.id, title: item.title, outcome: 'skipped', reason: `needs ${item.remediation.needsInstall!.join(', ')} installed: pass --allow-install` });
      continue;
    }
    planned.push({ item, remediation: item.remediation });
  }

  progress?.phase(`planning ${planned.length} item(s)`);
  const planning = await planChanges(target, planned.map((p) => ({ id: p.item.id, title: p.item.title, remediation: p.remediation })), manager);
  progress?.end(`planned ${planning.plan.length} item(s)`);
  report.plan = planning.plan;
  report.outcomes.push(...planning.skipped);
  const { original, final } = planning;
  const interrupted = (await listRuns(target).catch(() => [])).filter((r) => r.state === 'applying' && r.recorded && !r.damaged).map((r) => r.runId);
  const undo = (id: string) => rollbackCommand(target, id, { command: options.command, identityFile: options.identityFile, knownHostsFile: options.knownHostsFile, sudo: options.sudo });
  if (interrupted.length) {
    report.interruptedRuns = interrupted;
    report.interruptedRollback = interrupted.map((id) => undo(id) ?? `cis-bdd rollback --run ${id}`);
  }

  if (options.dryRun || report.plan.length === 0) {
    await writeReport(outDir, report);
    return { report, exitCode: 0, outDir };
  }
  // a live system (local, ssh://) changes only once the person has seen the plan and said yes
  if (LIVE_SYSTEMS.has(target.kind) && !options.yes) {
    progress?.end();
    if (!options.confirm) throw new UsageError(`hardening ${target.uri} changes a live system: confirm the plan on a terminal, or pass --yes`);
    if (!(await options.confirm(report))) {
      report.declined = true;
      await writeReport(outDir, report);
      return { report, exitCode: 1, outDir };
    }
  }
  // a directory of its own, never one another run used (a run killed at the same second, say)
  runId = report.runId = await reserveRun(target, runId);

  // apply, audit again; a scenario stops at its first failing step, so an item whose re-audit fails at
  // a later step with a new remediation gets another round (at most MAX_ROUNDS), under the same run id;
  // so does an item the run made worse (it did not fail before) that has a remediation
  let current = planned.filter((p) => report.plan.some((x) => x.id === p.item.id));
  let snapshots = { original, final, plan: report.plan };
  let manifest: RunRecord | undefined;
  const refused = new Map<string, string>();
  const lastApplied = new Map<string, string>();
  const unplannable = new Map<string, string>();
  let after: Awaited<ReturnType<typeof auditTarget>>;
  for (let round = 1; ; round++) {
    progress?.phase(`round ${round}: applying ${current.length} item(s)`);
    const applied = await applyRemediations(target, current.map((p) => ({ id: p.item.id, remediation: p.remediation })), { ...options, runId, manager, ...snapshots, previous: manifest });
    progress?.end(`round ${round}: applied`);
    manifest = applied.manifest;
    report.backupDir = applied.backupDir;
    report.backedUp = applied.backedUp;
    report.packagesRemoved = applied.packagesRemoved;
    for (const [id, why] of applied.refused) refused.set(id, why);
    for (const p of current) lastApplied.set(p.item.id, JSON.stringify(p.remediation.changes));

    // audit again: an item is fixed only when the check itself now passes
    progress?.phase(`round ${round}: verifying`);
    after = await auditTarget(target, { ...options, out: path.join(outDir, 'after'), allureResults: false });
    progress?.end(`round ${round}: ${after.report.summary.fail + after.report.summary.notScoredFail} item(s) still failing`);
    if (round >= MAX_ROUNDS) break;
    const worse = new Set(itemsMadeWorse(before.report, after.report).map((w) => w.after.id));
    const next = after.report.items.filter((a) => a.status === 'fail' && (lastApplied.has(a.id) || worse.has(a.id)) && !refused.has(a.id) && automatable(a)
      && JSON.stringify(a.remediation!.changes) !== lastApplied.get(a.id)).map((item) => ({ item, remediation: item.remediation! }));
    if (!next.length) break;
    const more = await planChanges(target, next.map((p) => ({ id: p.item.id, title: p.item.title, remediation: p.remediation })), manager);
    for (const k of more.skipped) unplannable.set(k.id, k.reason ?? 'its remediation cannot be applied here');
    for (const m of more.plan) {
      const entry = report.plan.find((x) => x.id === m.id);
      if (!entry) {
        report.plan.push({ ...m, madeWorseInRound: round });
        continue;
      }
      entry.summary = `${entry.summary}; then ${m.summary}`;
      entry.files.push(...m.files);
      entry.commands.push(...m.commands);
      entry.validate ??= m.validate;
      if (m.directories) entry.directories = [...(entry.directories ?? []), ...m.directories];
      if (m.cannotUndo) entry.cannotUndo = [...(entry.cannotUndo ?? []), ...m.cannotUndo];
    }
    current = next.filter((p) => more.plan.some((x) => x.id === p.item.id));
    if (!current.length) break;
    snapshots = { original: more.original, final: more.final, plan: more.plan };
  }

  const wasById = new Map(before.report.items.map((i) => [i.id, i]));
  const afterById = new Map(after.report.items.map((i) => [i.id, i]));
  for (const p of report.plan) {
    const a = afterById.get(p.id)!;
    if (p.madeWorseInRound) {
      const was = `${wasById.get(p.id)!.status} before the run, made to fail by round ${p.madeWorseInRound}`;
      if (isSound(a.status)) report.outcomes.push({ id: p.id, title: p.title, outcome: 'fixed', reason: `${was}; fixed again by the next round (now ${a.status})` });
      else report.outcomes.push({ id: p.id, title: p.title, outcome: 'made worse', reason: `${was}; still ${a.status}${refused.has(p.id) ? `: ${refused.get(p.id)}` : a.reason ? `: ${a.reason}` : ''}`, evidence: a.evidence });
    }
    else if (refused.has(p.id)) report.outcomes.push({ id: p.id, title: p.title, outcome: 'still failing', reason: refused.get(p.id), evidence: a.evidence });
    else if (a.status === 'pass') report.outcomes.push({ id: p.id, title: p.title, outcome: 'fixed' });
    else if (a.status === 'not-applicable' && target.notLiveReason && a.reason?.startsWith(target.notLiveReason)) {
      // the persistent configuration now complies; the running part cannot be read on this kind of target
      report.outcomes.push({ id: p.id, title: p.title, outcome: 'fixed', reason: `persistent configuration fixed; ${a.reason}` });
    }
    else if (a.status === 'fail' && a.manualFix && !a.remediation) {
      // what could be fixed was; the check now stops at a step that only a person can take
      report.outcomes.push({ id: p.id, title: p.title, outcome: 'needs a person', reason: `partly fixed; what is left needs a person: ${a.reason ?? ''}`, steps: a.manualFix.steps, evidence: a.evidence });
    }
    else report.outcomes.push({ id: p.id, title: p.title, outcome: 'still failing', reason: `${a.status}: ${a.reason ?? ''}`, evidence: a.evidence });
  }
  // every other item whose status got worse, with or without a fix (a fix that had no round left, or none)
  for (const w of itemsMadeWorse(before.report, after.report)) {
    if (report.plan.some((p) => p.id === w.after.id)) continue;
    const fix = !w.after.remediation ? 'it has no automated fix' : !automatable(w.after) ? 'its fix needs --allow-install'
      : unplannable.get(w.after.id) ?? `no round was left for its fix (at most ${MAX_ROUNDS})`;
    report.outcomes.push({ id: w.after.id, title: w.after.title, outcome: 'made worse', reason: `${w.before.status} before the run, ${w.after.status} now (${fix}): ${w.after.reason ?? ''}`, evidence: w.after.evidence, ...(w.after.manualFix ? { steps: w.after.manualFix.steps } : {}) });
  }
  report.score.after = after.report.summary.score;
  report.reports.after = after.compliancePath;

  // the run is complete: its record says so (a record still "applying" marks a run that was stopped)
  await crashPoint('before-complete');
  if (manifest) await writeRecord(target, { ...manifest, state: 'complete' });
  if (options.tag && target.kind === 'docker-image') {
    report.image = await commitImage(target, options.tag, runId);
  }
  report.rollbackCommand = undo(runId);
  await writeReport(outDir, report);
  const allFixed = report.plan.every((p) => report.outcomes.find((o) => o.id === p.id)?.outcome === 'fixed');
  const harmed = report.outcomes.some((o) => o.outcome === 'made worse');
  return { report, exitCode: allFixed && !harmed ? 0 : 1, outDir };
}

async function commitImage(target: Target, tag: string, runId: string): Promise<string> {
  const container = (target as unknown as { container?: { id: string } }).container;
  if (!container) throw new TargetError('no container to commit', 'io');
  const [repo, version] = tag.includes(':') && !tag.endsWith(']') ? [tag.slice(0, tag.lastIndexOf(':')), tag.slice(tag.lastIndexOf(':') + 1)] : [tag, 'latest'];
  const c = dockerClient().getContainer(container.id);
  // the throwaway container ran sh on stdin; the committed image keeps the original command
  await c.commit({ repo, tag: version, comment: `hardened by cis-bdd run ${runId}`, changes: [`LABEL io.cis-bdd.harden-run=${runId}`] });
  return `${repo}:${version}`;
}

async function writeReport(outDir: string, report: HardenReport) {
  await fs.writeFile(path.join(outDir, 'harden.json'), `${JSON.stringify(report, null, 2)}\n`);
}

export type { ComplianceReport };
