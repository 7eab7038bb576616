/**
 * Rollback: put back what a hardening run changed, exactly, from the run record it left on the target
 * (run-record.ts): every node as it was (content, mode, owner, symlink target, or absent), temporary files
 * a killed write left behind removed, and the directories the run created removed (deepest first). A run
 * that was killed part-way is rolled back the same way: its record names every change before it was made,
 * and restoring a node that was never changed writes what is already there. Removed packages cannot be
 * put back without a package source: rollback lists them.
 */
import type { FileNode, Target } from '../targets/target.js';
import { UsageError } from '../api.js';
import { crashPoint } from './fault-injection.js';
import { setFileAttributes } from './apply.js';
import { backupDirOf, fromRecordNode, latestRun, listRuns, readRecord, RecordError, RUN_ID, timeOfRunId, writeRecord } from './run-record.js';
import { byCodeUnits } from '../model/text.js';

export interface RollbackReport {
  runId: string;
  target: string;
  /** when the run started, from its record */
  startedAt?: string;
  /** the run had not completed (it was killed or failed): everything it meant to change was restored */
  interrupted: boolean;
  restored: Array<{ path: string; type: FileNode['type'] }>;
  /** directories the run had created, now removed */
  removedDirectories: string[];
  /** temporary files an interrupted write had left, now removed */
  removedTemporaryFiles: string[];
  cannotUndo: string[];
}

/** Roll back one run: `runId` as in harden.json, or "latest" (the newest run not rolled back yet). */
export async function rollbackRun(target: Target, runId: string): Promise<RollbackReport> {
  if (runId === 'latest') {
    const latest = latestRun(await listRuns(target));
    if (!latest) throw new UsageError(`no hardening run to roll back on ${target.uri} (nothing recorded under ${backupDirOf('')})`);
    runId = latest.runId;
  }
  if (!RUN_ID.test(runId)) throw new UsageError(`not a run id: ${runId}`);
  let record;
  try {
    record = await readRecord(target, runId);
  } catch (e) {
    if (e instanceof RecordError) throw new UsageError(`run ${runId} on ${target.uri}: ${e.message}`);
    throw e;
  }
  if (!record) {
    const [dir] = await target.readNodes([backupDirOf(runId)]);
    if (dir.type === 'missing') throw new UsageError(`no hardening run ${runId} on ${target.uri} (${backupDirOf(runId)} does not exist)`);
    // the run was stopped before its first record: it changed nothing. Say so in a record, so that the
    // next "--run latest" goes on to the run before it
    const startedAt = timeOfRunId(runId) || undefined;
    await writeRecord(target, { runId, createdAt: startedAt ?? new Date().toISOString(), target: target.uri, state: 'rolled-back', rolledBackAt: new Date().toISOString(), nodes: [], commands: [], packagesRemoved: [] });
    return { runId, target: target.uri, startedAt, interrupted: true, restored: [], removedDirectories: [], removedTemporaryFiles: [], cannotUndo: [] };
  }
  if (record.state === 'rolled-back') throw new UsageError(`run ${runId} was already rolled back at ${record.rolledBackAt}`);

  const restored: RollbackReport['restored'] = [];
  const cannotUndo: string[] = [];
  const attributePaths = record.nodes.filter((n) => n.type === 'attributes').map((n) => n.path);
  const current = new Map((attributePaths.length ? await target.readNodes(attributePaths) : []).map((n) => [n.path, n]));
  for (const n of record.nodes) {
    if (n.type === 'attributes') {
      // the run changed only the mode or owner: put those back, the content stays as it is now
      const now = current.get(n.path) ?? { path: n.path, type: 'missing' as const };
      if (now.type !== 'file') { cannotUndo.push(`${n.path} is now ${now.type === 'missing' ? 'gone' : `a ${now.type}`}: its mode and owner were not restored`); continue; }
      await setFileAttributes(target, n.path, n, now);
      restored.push({ path: n.path, type: 'file' });
    } else {
      await target.writeNode(fromRecordNode(n));
      restored.push({ path: n.path, type: n.type });
    }
    await crashPoint('restored');
  }
  // temporary files: only those a stopped write left behind (none existed before the run)
  const temps = record.tempNames ?? [];
  const leftTemps = temps.length ? (await target.readNodes(temps)).filter((n) => n.type !== 'missing') : [];
  for (const t of leftTemps) await target.writeNode({ path: t.path, type: 'missing' });
  // directories the run created, deepest first; one that now holds something the run did not put there stays
  const removedDirectories: string[] = [];
  const dirs = [...(record.createdDirectories ?? [])].sort((a, b) => b.split('/').length - a.split('/').length || byCodeUnits(b, a));
  const kept: string[] = [];
  for (const d of dirs) {
    // the directories above one that stays are not empty either
    if (kept.some((k) => k.startsWith(`${d}/`))) { kept.push(d); continue; }
    const [now] = await target.readNodes([d]);
    if (now.type === 'missing') continue;
    if (now.type !== 'directory') { cannotUndo.push(`${d} was created by the run as a directory and is now a ${now.type}: left as it is`); kept.push(d); continue; }
    try {
      await target.writeNode({ path: d, type: 'missing' });
      removedDirectories.push(d);
    } catch {
      cannotUndo.push(`directory ${d} was created by the run but now holds files it did not create: left in place, with the directories above it`);
      kept.push(d);
    }
  }
  if (target.isLive && target.kind !== 'docker-image' && record.nodes.some((n) => n.path.startsWith('/etc/ssh/'))) {
    await target.exec('if [ -d /run/systemd/system ]; then systemctl reload ssh 2>/dev/null || systemctl reload sshd; elif [ -f /run/sshd.pid ]; then kill -HUP "$(cat /run/sshd.pid)"; fi');
  }
  cannotUndo.push(
    ...record.packagesRemoved.map((p) => `package ${p} was removed; reinstall it from your package source if it is needed`),
    ...(record.packagesInstalled ?? []).map((p) => `package ${p} was installed (--allow-install); remove it with the package manager if it is not wanted`),
    ...(record.packagesIntended ?? []).map((p) => `package ${p.name}: the run stopped while it was being ${p.action === 'remove' ? 'removed' : 'installed'}; check whether it is installed`),
  );
  const rolledBackAt = new Date().toISOString();
  await writeRecord(target, { ...record, state: 'rolled-back', rolledBackAt });
  return {
    runId, target: target.uri, startedAt: record.createdAt, interrupted: record.state === 'applying', restored,
    removedDirectories, removedTemporaryFiles: leftTemps.map((t) => t.path), cannotUndo,
  };
}
