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
import type { ComplianceItem, ComplianceReport } from '../report/compliance.js';
import type { Remediation } from '../model/remediation.js';
import { packageManager } from '../facts/packages.js';
import { FactStore } from '../facts/store.js';
import { dockerClient } from '../targets/docker.js';
import { planChanges, type ItemOutcome, type PlannedItem } from './plan.js';
import { applyRemediations } from './apply.js';
import { listRuns, newRunId, reserveRun, writeRecord, type RunRecord } from './run-record.js';
import { crashPoint } from './fault-injection.js';
import { formatHardenSummary } from './summary.js';
import { activeProgress } from '../report/progress.js';

export { BACKUP_ROOT } from './run-record.js';
export { planChanges, type ItemOutcome, type PlannedItem } from './plan.js';
export { applyRemediations, type ApplyContext, type ApplyResult } from './apply.js';
export { formatHardenSummary };

export interface HardenOptions extends AuditOptions {
  dryRun?: boolean;
  allowInstall?: boolean;
  /** docker-image targets: the tag of the hardened image to commit */
  tag?: string;
}

export interface HardenReport {
  runId: string;
  dryRun: boolean;
  target: string;
  benchmark: string;
  policy: string | null;
  plan: PlannedItem[];
  outcomes: ItemOutcome[];
  backedUp: Array<{ path: string; type: FileNode['type'] }>;
  packagesRemoved: string[];
  backupDir: string | null;
  image?: string;
  /** earlier runs on the target that stopped before they completed (killed): roll them back too, newest first */
  interruptedRuns?: string[];
}

/** Rounds of apply-and-re-audit in one run: enough for the longest scenario whose steps each fix one thing. */
const MAX_ROUNDS = 4;

export interface HardenResult { report: HardenReport; exitCode: 0 | 1 | 2 | 3; outDir: string }

export async function runHarden(options: HardenOptions): Promise<HardenResult> {
  const outDir = path.resolve(options.out);
  await fs.mkdir(outDir, { recursive: true });
  if (options.tag && !options.target?.startsWith('docker-image://')) throw new UsageError('--tag applies only to docker-image:// targets');
  if (!options.dryRun && options.target?.startsWith('docker-image://') && !options.tag) {
    throw new UsageError('hardening a docker-image:// target needs --tag NAME:TAG for the hardened image (or --dry-run)');
  }
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
  progress?.end(`audited: ${before.report.summary.fail} item(s) failing`);
  const report: HardenReport = {
    runId, dryRun: !!options.dryRun, target: target.uri, benchmark: before.report.benchmark.id,
    policy: before.report.policy?.file ?? null, plan: [], outcomes: [], backedUp: [], packagesRemoved: [], backupDir: null,
  };
  const manager = await new FactStore(target).get(packageManager).catch(() => null);

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
    if (item.remediation.needsInstall?.length && !options.allowInstall) {
      report.outcomes.push({ id: item.id, title: item.title, outcome: 'skipped', reason: `needs ${item.remediation.needsInstall.join(', ')} installed: pass --allow-install` });
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
  if (interrupted.length) report.interruptedRuns = interrupted;

  if (options.dryRun || report.plan.length === 0) {
    await writeReport(outDir, report);
    return { report, exitCode: 0, outDir };
  }
  // a directory of its own, never one another run used (a run killed at the same second, say)
  runId = report.runId = await reserveRun(target, runId);

  // apply, audit again; a scenario stops at its first failing step, so an item whose re-audit fails at
  // a later step with a new remediation gets another round (at most MAX_ROUNDS), under the same run id
  let current = planned.filter((p) => report.plan.some((x) => x.id === p.item.id));
  let snapshots = { original, final, plan: report.plan };
  let manifest: RunRecord | undefined;
  const refused = new Map<string, string>();
  const lastApplied = new Map<string, string>();
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
    progress?.end(`round ${round}: ${after.report.summary.fail} item(s) still failing`);
    if (round >= MAX_ROUNDS) break;
    const next = after.report.items.filter((a) => a.status === 'fail' && lastApplied.has(a.id) && !refused.has(a.id) && a.remediation
      && !(a.remediation.needsInstall?.length && !options.allowInstall)
      && JSON.stringify(a.remediation.changes) !== lastApplied.get(a.id)).map((item) => ({ item, remediation: item.remediation! }));
    if (!next.length) break;
    const more = await planChanges(target, next.map((p) => ({ id: p.item.id, title: p.item.title, remediation: p.remediation })), manager);
    for (const m of more.plan) {
      const entry = report.plan.find((x) => x.id === m.id)!;
      entry.summary = `${entry.summary}; then ${m.summary}`;
      entry.files.push(...m.files);
      entry.commands.push(...m.commands);
      entry.validate ??= m.validate;
      if (m.directories) entry.directories = [...(entry.directories ?? []), ...m.directories];
    }
    current = next.filter((p) => more.plan.some((x) => x.id === p.item.id));
    if (!current.length) break;
    snapshots = { original: more.original, final: more.final, plan: more.plan };
  }

  const afterById = new Map(after.report.items.map((i) => [i.id, i]));
  for (const p of report.plan) {
    const a = afterById.get(p.id)!;
    if (refused.has(p.id)) report.outcomes.push({ id: p.id, title: p.title, outcome: 'still failing', reason: refused.get(p.id), evidence: a.evidence });
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

  // the run is complete: its record says so (a record still "applying" marks a run that was stopped)
  await crashPoint('before-complete');
  if (manifest) await writeRecord(target, { ...manifest, state: 'complete' });
  if (options.tag && target.kind === 'docker-image') {
    report.image = await commitImage(target, options.tag, runId);
  }
  await writeReport(outDir, report);
  const allFixed = report.plan.every((p) => report.outcomes.find((o) => o.id === p.id)?.outcome === 'fixed');
  return { report, exitCode: allFixed ? 0 : 1, outDir };
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
