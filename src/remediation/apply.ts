/**
 * Applying planned remediations safely. Write-ahead: every node that changes, every directory created on
 * the way and every temporary name a write uses is recorded on the target (durably) before anything is
 * changed, so `cis-bdd rollback` can restore the tree exactly even after a kill in the middle. Then: write
 * the nodes, refuse sshd changes that `sshd -t` rejects, run the commands, reload sshd and check that a
 * new connection still works, restoring the previous sshd configuration if not.
 */
import type { FileNode, Target } from '../targets/target.js';
import { connectTarget } from '../api.js';
import type { Remediation } from '../model/remediation.js';
import type { HardenOptions } from './harden.js';
import { directoriesToCreate, pathsOf, sameNode, surroundingsOf, tempNameOf, type PlannedItem } from './plan.js';
import { backupDirOf, toAttributesNode, toRecordNode, writeRecord, TEMP_SUFFIX, type RunRecord } from './run-record.js';
import { shellQuote } from '../targets/target.js';
import { crashPoint } from './fault-injection.js';

export interface ApplyContext extends HardenOptions {
  runId: string;
  manager: string | null;
  /** snapshots of every path the changes touch (and, from planChanges, the paths around them), and the nodes after all changes */
  original: Map<string, FileNode>;
  final: Map<string, FileNode>;
  plan: PlannedItem[];
  /** the record of this run's earlier rounds: its backups are kept (they hold the state before the run) */
  previous?: RunRecord;
}

export interface ApplyResult {
  backupDir: string;
  backedUp: Array<{ path: string; type: FileNode['type'] }>;
  packagesRemoved: string[];
  /** items whose change was refused or failed, with why */
  refused: Map<string, string>;
  /** everything the run has recorded on the target so far (backups, directories, commands, removals) */
  manifest: RunRecord;
}

export async function applyRemediations(target: Target, planned: Array<{ id: string; remediation: Remediation }>, ctx: ApplyContext): Promise<ApplyResult> {
  const { runId, manager, original, final } = ctx;
  const paths = [...new Set(planned.flatMap((p) => p.remediation.changes.flatMap(pathsOf)))];
  const changed = paths.filter((p) => !sameNode(original.get(p)!, final.get(p)!));
  const backupDir = backupDirOf(runId);

  // what the writes may create besides the nodes themselves, as it is now (read now if the plan did not)
  const around = new Map(original);
  const unread = surroundingsOf(changed).filter((p) => !around.has(p));
  for (const n of unread.length ? await target.readNodes(unread) : []) around.set(n.path, n);
  for (const p of changed) around.set(p, final.get(p)!);
  const newDirs = directoriesToCreate(changed, around);
  const temps = changed.filter((p) => final.get(p)!.type === 'file' || original.get(p)!.type === 'file').map(tempNameOf);
  const recorded = (p: string) => {
    const was = original.get(p)!;
    const now = final.get(p)!;
    return was.type === 'file' && now.type === 'file' && was.content.equals(now.content) ? toAttributesNode(was) : toRecordNode(was);
  };

  // a path an earlier round of this run changed is already recorded as it was before the run
  const prev = ctx.previous;
  const known = new Set([...(prev?.nodes.map((n) => n.path) ?? []), ...(prev?.createdDirectories ?? []), ...(prev?.tempNames ?? [])]);
  // a temporary name that exists already (left by something else) is backed up like any other node
  const tempBackups = temps.filter((t) => !known.has(t) && around.get(t)?.type !== 'missing').map((t) => around.get(t)!);
  const manifest: RunRecord = {
    runId, createdAt: prev?.createdAt ?? new Date().toISOString(), target: target.uri, state: 'applying',
    nodes: [...(prev?.nodes ?? []), ...changed.filter((p) => !known.has(p)).map(recorded), ...tempBackups.map(toRecordNode)],
    createdDirectories: [...(prev?.createdDirectories ?? []), ...newDirs.filter((d) => !known.has(d))],
    tempNames: [...(prev?.tempNames ?? []), ...temps.filter((t) => !known.has(t) && around.get(t)?.type === 'missing')],
    commands: [...(prev?.commands ?? [])], packagesRemoved: [...(prev?.packagesRemoved ?? [])],
    packagesInstalled: [...(prev?.packagesInstalled ?? [])], packagesIntended: [...(prev?.packagesIntended ?? [])],
  };
  if (!prev) await target.writeNode({ path: backupDir, type: 'directory', mode: 0o700, uid: 0, gid: 0 });
  // 1. write-ahead: the record of everything below is on disk before the first change
  await writeRecord(target, manifest);
  const backedUp = manifest.nodes.map((n) => ({ path: n.path, type: n.type === 'attributes' ? 'file' as const : n.type }));

  // 2. directories the new files need, outermost first; then the nodes
  for (const d of newDirs) {
    await target.writeNode({ path: d, type: 'directory', mode: 0o755, uid: 0, gid: 0 });
    await crashPoint('dir-created');
  }
  for (const p of changed) {
    const node = final.get(p)!;
    const was = original.get(p)!;
    const attributesOnly = was.type === 'file' && node.type === 'file' && was.content.equals(node.content);
    await crashPoint('torn-write', async () => {
      if (node.type === 'file' && !attributesOnly) await target.writeNode({ ...node, path: `${p}${TEMP_SUFFIX}`, content: node.content.subarray(0, node.content.length >> 1) });
    });
    if (attributesOnly && node.type === 'file') await setFileAttributes(target, node.path, node, node);
    else await target.writeNode(node);
    await crashPoint('applied');
  }

  // 3. sshd: validate before any reload; refuse (restore) a configuration sshd would not start with
  const sshdItems = ctx.plan.filter((p) => p.validate === 'sshd');
  const sshdPaths = () => new Set(planned.filter((p) => p.remediation.validate === 'sshd').flatMap((p) => p.remediation.changes.flatMap(pathsOf)));
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
      for (const f of sshdPaths()) if (changed.includes(f)) await target.writeNode(original.get(f)!);
      for (const p of sshdItems) refused.set(p.id, why);
      manifest.commands.push(`sshd -t refused the change; restored ${[...sshdPaths()].join(', ')}`);
    }
  }

  // 4. commands: package removals, running kernel values, service reloads; package changes recorded first
  type PackageChange = NonNullable<RunRecord['packagesIntended']>[number];
  const packageChanges = planned.filter((p) => !refused.has(p.id)).flatMap((p) => p.remediation.changes.flatMap((c): PackageChange[] =>
    c.kind === 'remove-packages' ? c.names.map((name) => ({ name, action: 'remove' }))
      : c.kind === 'install-packages' && target.canExecute ? c.names.map((name) => ({ name, action: 'install' })) : []));
  if (packageChanges.length) {
    manifest.packagesIntended!.push(...packageChanges);
    await writeRecord(target, manifest);
  }
  for (const p of ctx.plan) {
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
  // intentions carried out (or refused) are settled: only those still pending when a run stops stay
  const settled = new Set([...manifest.packagesRemoved, ...(manifest.packagesInstalled ?? [])]);
  const refusedNames = new Set(planned.filter((p) => refused.has(p.id)).flatMap((p) => p.remediation.changes.flatMap((c) => ('names' in c ? c.names : []))));
  manifest.packagesIntended = manifest.packagesIntended!.filter((x) => !settled.has(x.name) && !refusedNames.has(x.name));
  await writeRecord(target, manifest);

  // 5. reload sshd and make sure the connection in use still works; otherwise put the old config back
  if (sshdItems.some((p) => !refused.has(p.id)) && target.isLive && target.kind !== 'docker-image') {
    await target.exec('if [ -d /run/systemd/system ]; then systemctl reload ssh 2>/dev/null || systemctl reload sshd; elif [ -f /run/sshd.pid ]; then kill -HUP "$(cat /run/sshd.pid)"; fi');
    const alive = await connectionStillWorks(target, ctx);
    if (!alive.ok) {
      for (const f of sshdPaths()) if (changed.includes(f)) await target.writeNode(original.get(f)!);
      await target.exec('if [ -f /run/sshd.pid ]; then kill -HUP "$(cat /run/sshd.pid)"; fi');
      for (const p of sshdItems) refused.set(p.id, `a new SSH connection failed after the reload (${alive.why}); the previous sshd configuration was restored`);
    }
  }
  return { backupDir, backedUp, packagesRemoved: manifest.packagesRemoved, refused, manifest };
}

/**
 * Give an existing file a mode and owner without touching its content. On a system that runs commands,
 * in place (chown, then chmod: a change of owner clears set-user-ID bits), so that a process writing
 * the file (a log) keeps writing to it; on a root filesystem, where nothing runs, by writing the file
 * anew with `content` (its current content).
 */
export async function setFileAttributes(target: Target, file: string, attributes: { mode: number; uid: number; gid: number }, current: Extract<FileNode, { type: 'file' }>): Promise<void> {
  if (!target.canExecute) {
    await target.writeNode({ ...current, path: file, mode: attributes.mode, uid: attributes.uid, gid: attributes.gid });
    return;
  }
  const q = shellQuote(file);
  const r = await target.exec(`[ -f ${q} ] && [ ! -L ${q} ] && chown ${attributes.uid}:${attributes.gid} ${q} && chmod ${attributes.mode.toString(8)} ${q}`);
  if (r.exitCode !== 0) throw new Error(`setting the mode and owner of ${file} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
}

/**
 * Remove packages from an offline tree with the package manager of the auditing machine pointed at it
 * (maintainer scripts run chrooted in it). Returns why it could not, or null. An RPM database this
 * machine's rpm can only read (the Berkeley DB of rpm 4.11 on ACL2, read by Debian's rpm as bdb_ro) is
 * never rewritten in another format: the item is refused with the command to run on the system itself.
 */
async function removePackagesOffline(target: Target, manager: string | null, names: string[], manifest: RunRecord): Promise<string | null> {
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
