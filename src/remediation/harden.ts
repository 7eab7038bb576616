/**
 * Hardening: audit, plan the failing items' remediations, back up every file they touch, apply, validate
 * (sshd -t before a reload; the connection in use must still work), audit again and report per item
 * fixed / still failing / skipped. Backups and a manifest live on the target under
 * /var/lib/cis-bdd/runs/<runId>/ so that `cis-bdd rollback` can restore them byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FileNode, Target } from '../targets/target.js';
import { TargetError } from '../targets/target.js';
import { auditTarget, connectTarget, UsageError, type AuditOptions } from '../api.js';
import type { ComplianceItem, ComplianceReport } from '../report/compliance.js';
import type { Change, Remediation } from './model.js';
import { applyEdits, unifiedDiff } from './edits.js';
import { shellQuote } from '../targets/target.js';
import { packageManager } from '../facts/packages.js';
import { FactStore } from '../facts/store.js';
import { dockerClient } from '../targets/docker.js';

export const BACKUP_ROOT = '/var/lib/cis-bdd/runs';

export interface HardenOptions extends AuditOptions {
  dryRun?: boolean;
  allowInstall?: boolean;
  /** docker-image targets: the tag of the hardened image to commit */
  tag?: string;
}

export interface PlannedItem {
  id: string;
  title: string;
  summary: string;
  files: Array<{ path: string; diff: string }>;
  commands: string[];
  validate?: 'sshd';
}

export interface ItemOutcome {
  id: string;
  title: string;
  outcome: 'fixed' | 'still failing' | 'skipped' | 'needs a person';
  reason?: string;
  evidence?: ComplianceItem['evidence'];
  steps?: string[];
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
}

/** Rounds of apply-and-re-audit in one run: enough for the longest scenario whose steps each fix one thing. */
const MAX_ROUNDS = 4;

export interface HardenResult { report: HardenReport; exitCode: 0 | 1 | 2 | 3; outDir: string }

interface Manifest {
  runId: string;
  createdAt: string;
  target: string;
  nodes: Array<FileNode & { content?: never } | { path: string; type: 'file'; contentBase64: string; mode: number; uid: number; gid: number }>;
  packagesRemoved: string[];
  /** installed with --allow-install; rollback leaves them and says so */
  packagesInstalled?: string[];
  commands: string[];
}

/** Paths a change writes. */
function pathsOf(c: Change): string[] {
  return 'path' in c ? [c.path] : [];
}

/** Apply the file-level changes of one item to the in-memory nodes. */
function applyToNodes(nodes: Map<string, FileNode>, changes: Change[]): void {
  for (const c of changes) {
    const node = nodes.get((c as { path?: string }).path ?? '');
    switch (c.kind) {
      case 'edit-file': {
        const current = nodes.get(c.path)!;
        if (current.type === 'file') nodes.set(c.path, { ...current, content: Buffer.from(applyEdits(current.content.toString('utf8'), c.edits)) });
        else if (current.type === 'missing') {
          const create = c.create ?? { mode: 0o644, uid: 0, gid: 0 };
          nodes.set(c.path, { path: c.path, type: 'file', content: Buffer.from(applyEdits('', c.edits)), ...create });
        } else throw new Error(`${c.path} is a ${current.type}; a text edit needs a file`);
        break;
      }
      case 'set-mode':
        if (node?.type === 'file' || node?.type === 'directory') nodes.set(c.path, { ...node, mode: c.mode });
        else throw new Error(`${c.path} does not exist: its mode cannot be set`);
        break;
      case 'set-owner':
        if (node?.type === 'file' || node?.type === 'directory') nodes.set(c.path, { ...node, uid: c.uid, gid: c.gid });
        else throw new Error(`${c.path} does not exist: its owner cannot be set`);
        break;
      case 'delete':
        nodes.set(c.path, { path: c.path, type: 'missing' });
        break;
      case 'symlink':
        nodes.set(c.path, { path: c.path, type: 'symlink', linkTarget: c.linkTarget });
        break;
      default:
        break;
    }
  }
}

function describeNode(n: FileNode): string | null {
  if (n.type === 'file') return n.content.toString('utf8');
  if (n.type === 'symlink') return `-> ${n.linkTarget}`;
  if (n.type === 'directory') return `(directory)`;
  return null;
}

function metaLine(n: FileNode): string {
  if (n.type === 'file' || n.type === 'directory') return `mode ${n.mode.toString(8).padStart(4, '0')} owner ${n.uid}:${n.gid}`;
  return n.type;
}

function sameNode(a: FileNode, b: FileNode): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'file' && b.type === 'file') return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.content.equals(b.content);
  if (a.type === 'directory' && b.type === 'directory') return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
  if (a.type === 'symlink' && b.type === 'symlink') return a.linkTarget === b.linkTarget;
  return true;
}

/** The commands a change runs on the target (package removal, running kernel, service reload). */
function commandsFor(target: Target, c: Change, manager: string | null): string[] {
  switch (c.kind) {
    case 'remove-packages':
      if (!target.canExecute) return [];
      return manager === 'rpm'
        ? [`rpm -e ${c.names.map(shellQuote).join(' ')}`]
        : [`DEBIAN_FRONTEND=noninteractive dpkg --purge ${c.names.map(shellQuote).join(' ')}`];
    case 'install-packages':
      if (!target.canExecute) return [];
      return manager === 'rpm'
        ? [`yum -y install ${c.names.map(shellQuote).join(' ')}`]
        : [`DEBIAN_FRONTEND=noninteractive apt-get -y -q install ${c.names.map(shellQuote).join(' ')}`];
    case 'sysctl-running':
      return target.isLive && target.kind !== 'docker-image' ? [`sysctl -w ${shellQuote(`${c.key}=${c.value}`)}`] : [];
    case 'reload-service': {
      if (!target.isLive) return [];
      // the SSH daemon's unit is ssh.service on Debian-family systems and sshd.service on RPM-family ones
      const units = /^sshd?\.service$/.test(c.unit) ? ['ssh.service', 'sshd.service'] : [c.unit];
      const tries = units.map((u) => `systemctl reload-or-restart ${shellQuote(u)} 2>/dev/null`).join(' || ');
      return [`if [ -d /run/systemd/system ]; then ${tries}; fi`];
    }
    default:
      return [];
  }
}

/**
 * Plan: snapshot every path the remediations touch (one round trip), apply their changes in memory in
 * item order (several items may edit one file), and describe each item's part as diffs and commands.
 */
export async function planChanges(target: Target, planned: Array<{ id: string; title: string; remediation: Remediation }>, manager: string | null) {
  const plan: PlannedItem[] = [];
  const skipped: ItemOutcome[] = [];
  const paths = [...new Set(planned.flatMap((p) => p.remediation.changes.flatMap(pathsOf)))];
  const original = new Map((await target.readNodes(paths)).map((n) => [n.path, n]));
  const final = new Map(original);
  for (const p of planned) {
    const itemNodes = new Map(final);
    try {
      applyToNodes(itemNodes, p.remediation.changes);
    } catch (e) {
      skipped.push({ id: p.id, title: p.title, outcome: 'skipped', reason: `its remediation cannot be applied here: ${(e as Error).message}` });
      continue;
    }
    const itemPaths = [...new Set(p.remediation.changes.flatMap(pathsOf))];
    const files = itemPaths.filter((f) => !sameNode(final.get(f)!, itemNodes.get(f)!)).map((f) => {
      const was = final.get(f)!;
      const now = itemNodes.get(f)!;
      const meta = metaLine(was) !== metaLine(now) ? `\n${metaLine(was)} -> ${metaLine(now)}` : '';
      return { path: f, diff: unifiedDiff(f, describeNode(was), describeNode(now)) + meta };
    });
    for (const f of itemPaths) final.set(f, itemNodes.get(f)!);
    const commands = p.remediation.changes.flatMap((c) => commandsFor(target, c, manager));
    plan.push({ id: p.id, title: p.title, summary: p.remediation.summary, files, commands, validate: p.remediation.validate });
  }
  return { plan, skipped, original, final };
}

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
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
  const before = await auditTarget(target, { ...options, out: path.join(outDir, 'before'), allureResults: false });
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

  const planning = await planChanges(target, planned.map((p) => ({ id: p.item.id, title: p.item.title, remediation: p.remediation })), manager);
  report.plan = planning.plan;
  report.outcomes.push(...planning.skipped);
  const { original, final } = planning;

  if (options.dryRun || report.plan.length === 0) {
    await writeReport(outDir, report);
    return { report, exitCode: 0, outDir };
  }

  // apply, audit again; a scenario stops at its first failing step, so an item whose re-audit fails at
  // a later step with a new remediation gets another round (at most MAX_ROUNDS), under the same run id
  let current = planned.filter((p) => report.plan.some((x) => x.id === p.item.id));
  let snapshots = { original, final, plan: report.plan };
  let manifest: Manifest | undefined;
  const refused = new Map<string, string>();
  const lastApplied = new Map<string, string>();
  let after: Awaited<ReturnType<typeof auditTarget>>;
  for (let round = 1; ; round++) {
    const applied = await applyRemediations(target, current.map((p) => ({ id: p.item.id, remediation: p.remediation })), { ...options, runId, manager, ...snapshots, previous: manifest });
    manifest = applied.manifest;
    report.backupDir = applied.backupDir;
    report.backedUp = applied.backedUp;
    report.packagesRemoved = applied.packagesRemoved;
    for (const [id, why] of applied.refused) refused.set(id, why);
    for (const p of current) lastApplied.set(p.item.id, JSON.stringify(p.remediation.changes));

    // audit again: an item is fixed only when the check itself now passes
    after = await auditTarget(target, { ...options, out: path.join(outDir, 'after'), allureResults: false });
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

  if (options.tag && target.kind === 'docker-image') {
    report.image = await commitImage(target, options.tag, runId);
  }
  await writeReport(outDir, report);
  const allFixed = report.plan.every((p) => report.outcomes.find((o) => o.id === p.id)?.outcome === 'fixed');
  return { report, exitCode: allFixed ? 0 : 1, outDir };
}

export interface ApplyContext extends HardenOptions {
  runId: string;
  manager: string | null;
  /** snapshots of every path the changes touch, and the nodes after all changes */
  original: Map<string, FileNode>;
  final: Map<string, FileNode>;
  plan: PlannedItem[];
  /** the manifest of this run's earlier rounds: its backups are kept (they hold the state before the run) */
  previous?: Manifest;
}

export interface ApplyResult {
  backupDir: string;
  backedUp: HardenReport['backedUp'];
  packagesRemoved: string[];
  /** items whose change was refused or failed, with why */
  refused: Map<string, string>;
  /** everything the run has recorded on the target so far (backups, commands, removals) */
  manifest: Manifest;
}

/**
 * Apply planned remediations safely: back up every node that changes (manifest first), write the new
 * nodes, refuse sshd changes that `sshd -t` rejects, run the commands, reload sshd and check that a new
 * connection still works, restoring the previous sshd configuration if not.
 */
export async function applyRemediations(target: Target, planned: Array<{ id: string; remediation: Remediation }>, ctx: ApplyContext): Promise<ApplyResult> {
  const { runId, manager, original, final } = ctx;
  const report = { plan: ctx.plan, packagesRemoved: [] as string[] };
  const paths = [...new Set(planned.flatMap((p) => p.remediation.changes.flatMap(pathsOf)))];
  const changed = paths.filter((p) => !sameNode(original.get(p)!, final.get(p)!));
  const backupDir = `${BACKUP_ROOT}/${runId}`;
  // a path an earlier round of this run changed is already backed up as it was before the run
  const known = new Set(ctx.previous?.nodes.map((n) => n.path) ?? []);
  const manifest: Manifest = {
    runId, createdAt: ctx.previous?.createdAt ?? new Date().toISOString(), target: target.uri,
    commands: [...(ctx.previous?.commands ?? [])], packagesRemoved: [...(ctx.previous?.packagesRemoved ?? [])],
    packagesInstalled: [...(ctx.previous?.packagesInstalled ?? [])],
    nodes: [...(ctx.previous?.nodes ?? []), ...changed.filter((p) => !known.has(p)).map((p) => {
      const n = original.get(p)!;
      return n.type === 'file' ? { path: n.path, type: 'file' as const, contentBase64: n.content.toString('base64'), mode: n.mode, uid: n.uid, gid: n.gid } : n as never;
    })],
  };
  const writeManifest = () => target.writeNode({ path: `${backupDir}/manifest.json`, type: 'file', content: Buffer.from(JSON.stringify(manifest, null, 1)), mode: 0o600, uid: 0, gid: 0 });
  await target.writeNode({ path: backupDir, type: 'directory', mode: 0o700, uid: 0, gid: 0 });
  await writeManifest();
  const backedUp = manifest.nodes.map((n) => ({ path: n.path, type: n.type }));

  for (const p of changed) await target.writeNode(final.get(p)!);

  // 3. sshd: validate before any reload; refuse (restore) a configuration sshd would not start with
  const sshdItems = report.plan.filter((p) => p.validate === 'sshd');
  const refused = new Map<string, string>();
  if (sshdItems.length && target.canExecute) {
    // sshd -t needs a host key and its privilege separation directory; a system that has neither yet (an
    // image) is validated with a throwaway key and a temporary /run/sshd, both removed afterwards
    const t = await target.exec([
      'S=$(command -v sshd || echo /usr/sbin/sshd)',
      'made=; if [ ! -d /run/sshd ]; then mkdir -p /run/sshd && chmod 0755 /run/sshd && made=1; fi',
      'if ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1; then "$S" -t 2>&1; rc=$?',
      'else d=$(mktemp -d) && ssh-keygen -q -t ed25519 -N "" -f "$d/k" && "$S" -t -h "$d/k" 2>&1; rc=$?; rm -rf "$d"; fi',
      '[ -n "$made" ] && rmdir /run/sshd',
      'exit $rc',
    ].join('\n'));
    if (t.exitCode !== 0) {
      const why = `sshd -t refused the new configuration: ${t.stdout.toString().trim().split('\n')[0]}`;
      const sshdPaths = new Set(planned.filter((p) => p.remediation.validate === 'sshd').flatMap((p) => p.remediation.changes.flatMap(pathsOf)));
      for (const f of sshdPaths) if (changed.includes(f)) await target.writeNode(original.get(f)!);
      for (const p of sshdItems) refused.set(p.id, why);
      manifest.commands.push(`sshd -t refused the change; restored ${[...sshdPaths].join(', ')}`);
    }
  }

  // 4. commands: package removals, running kernel values, service reloads
  for (const p of report.plan) {
    if (refused.has(p.id)) continue;
    let failed: string | undefined;
    for (const cmd of p.commands) {
      const r = await target.exec(cmd);
      manifest.commands.push(cmd);
      // the item's later commands are not run after one fails
      if (r.exitCode !== 0) { failed = `command failed (exit ${r.exitCode}): ${cmd}: ${r.stderr.trim().split('\n')[0]}`; break; }
    }
    if (failed) { refused.set(p.id, failed); continue; }
    if (!target.canExecute) continue;
    // what the commands did to the package set, from the changes they carried out
    for (const c of planned.find((x) => x.id === p.id)?.remediation.changes ?? []) {
      if (c.kind === 'remove-packages') manifest.packagesRemoved.push(...c.names);
      else if (c.kind === 'install-packages') (manifest.packagesInstalled ??= []).push(...c.names);
    }
  }
  if (!target.canExecute) {
    for (const p of planned) {
      if (refused.has(p.id)) continue;
      const installs = p.remediation.changes.flatMap((c) => (c.kind === 'install-packages' ? c.names : []));
      if (installs.length) {
        // nothing runs on an offline tree, and its repositories are not this machine's
        refused.set(p.id, `${installs.join(', ')} cannot be installed into an offline root filesystem: install ${installs.length > 1 ? 'them' : 'it'} with the system's own package manager (${manager === 'rpm' ? 'yum install' : 'apt-get install'} ${installs.join(' ')}) when building the image, or harden the running system`);
        continue;
      }
      const names = p.remediation.changes.flatMap((c) => (c.kind === 'remove-packages' ? c.names : []));
      if (!names.length) continue;
      const failure = await removePackagesOffline(target, manager, names, manifest);
      if (failure) refused.set(p.id, failure);
    }
  }
  await writeManifest();

  // 5. reload sshd and make sure the connection in use still works; otherwise put the old config back
  if (sshdItems.some((p) => !refused.has(p.id)) && target.isLive && target.kind !== 'docker-image') {
    await target.exec('if [ -d /run/systemd/system ]; then systemctl reload ssh 2>/dev/null || systemctl reload sshd; elif [ -f /run/sshd.pid ]; then kill -HUP "$(cat /run/sshd.pid)"; fi');
    const alive = await connectionStillWorks(target, ctx);
    if (!alive.ok) {
      const sshdPaths = new Set(planned.filter((p) => p.remediation.validate === 'sshd').flatMap((p) => p.remediation.changes.flatMap(pathsOf)));
      for (const f of sshdPaths) if (changed.includes(f)) await target.writeNode(original.get(f)!);
      await target.exec('if [ -f /run/sshd.pid ]; then kill -HUP "$(cat /run/sshd.pid)"; fi');
      for (const p of sshdItems) refused.set(p.id, `a new SSH connection failed after the reload (${alive.why}); the previous sshd configuration was restored`);
    }
  }
  return { backupDir, backedUp, packagesRemoved: manifest.packagesRemoved, refused, manifest };
}

/**
 * Remove packages from an offline tree with the package manager of the auditing machine pointed at it
 * (maintainer scripts run chrooted in it). Returns why it could not, or null. An RPM database this
 * machine's rpm can only read (the Berkeley DB of rpm 4.11 on ACL2, read by Debian's rpm as bdb_ro) is
 * never rewritten in another format: the item is refused with the command to run on the system itself.
 */
async function removePackagesOffline(target: Target, manager: string | null, names: string[], manifest: Manifest): Promise<string | null> {
  const root = (target as unknown as { root?: string }).root;
  if (!root) return 'packages cannot be removed on this target: it has no command execution and no tree on this machine';
  const { execFileSync } = await import('node:child_process');
  const args = manager === 'rpm' ? ['rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-e', ...names]] as const
    : ['dpkg', [`--root=${root}`, '--purge', ...names]] as const;
  try {
    execFileSync(args[0], [...args[1]], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const lines = (err.stderr?.toString() ?? err.message).split('\n').map((l) => l.trim()).filter((l) => /error/i.test(l));
    const readOnly = lines.some((l) => /bdb_ro/.test(l)) ? ' (its RPM database is Berkeley DB, which this machine\'s rpm can only read)' : '';
    const own = manager === 'rpm' ? `rpm -e ${names.join(' ')}` : `dpkg --purge ${names.join(' ')}`;
    return `${args[0]} could not remove ${names.join(', ')} from the tree${readOnly}: ${lines[0] ?? err.message.split('\n')[0]}; run "${own}" on the system itself (or chrooted in the tree with its own ${args[0]})`;
  }
  manifest.packagesRemoved.push(...names);
  return null;
}

async function connectionStillWorks(target: Target, options: HardenOptions): Promise<{ ok: boolean; why?: string }> {
  if (target.kind !== 'ssh') {
    const r = await target.exec('true').catch((e) => ({ exitCode: -1, stderr: String(e) }));
    return r.exitCode === 0 ? { ok: true } : { ok: false, why: r.stderr };
  }
  // a fresh connection, as the next administrator would make it; sshd re-executes itself on reload, so a
  // connection in that instant may be dropped: try a few times before calling it a lock-out
  let why = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 500 * attempt));
    try {
      const fresh = await connectTarget({ ...options, acceptNewHostKey: false });
      const r = await fresh.exec('true');
      await fresh.close();
      if (r.exitCode === 0) return { ok: true };
      why = `exit ${r.exitCode}`;
    } catch (e) {
      why = (e as Error).message;
      if (/authentication failed|host key/.test(why)) break;
    }
  }
  return { ok: false, why };
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

export function formatHardenSummary(r: HardenReport): string {
  const line = '-'.repeat(72);
  const out = [line, `${r.dryRun ? 'Hardening plan (dry run)' : 'Hardening'} ${r.runId} of ${r.target} (${r.benchmark})${r.policy ? `, policy ${r.policy}` : ''}`, line];
  for (const p of r.plan) {
    const o = r.outcomes.find((x) => x.id === p.id);
    out.push(`${p.id.padEnd(10)} ${o ? o.outcome.toUpperCase().padEnd(14) : 'PLANNED'.padEnd(14)} ${p.summary}`);
    if (r.dryRun) {
      for (const f of p.files) out.push(...f.diff.split('\n').map((l) => `             ${l}`));
      for (const c of p.commands) out.push(`             $ ${c}`);
    } else if (o?.reason) out.push(`             ${o.reason}`);
  }
  const others = r.outcomes.filter((o) => !r.plan.some((p) => p.id === o.id));
  if (others.length) {
    out.push(line);
    for (const o of others) {
      out.push(`${o.id.padEnd(10)} ${o.outcome.toUpperCase().padEnd(14)} ${o.title}${o.reason ? ` — ${o.reason}` : ''}`);
      for (const s of o.steps ?? []) out.push(`             - ${s}`);
    }
  }
  out.push(line);
  const n = (k: ItemOutcome['outcome']) => r.outcomes.filter((o) => o.outcome === k).length;
  out.push(r.dryRun ? `${r.plan.length} item(s) planned; nothing changed` : `${n('fixed')} fixed, ${n('still failing')} still failing, ${n('skipped')} skipped, ${n('needs a person')} need a person`);
  if (r.backupDir) out.push(`Backups on the target: ${r.backupDir} (cis-bdd rollback --run ${r.runId})`);
  if (r.image) out.push(`Hardened image: ${r.image}`);
  return `${out.join('\n')}\n`;
}

export type { ComplianceReport };
