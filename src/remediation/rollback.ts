/**
 * Rollback: restore what a hardening run changed, byte for byte (content, mode, owner, symlinks, files
 * that did not exist), from the manifest the run left on the target. Removed packages cannot be put back
 * without a package source: rollback lists them.
 */
import type { FileNode, Target } from '../targets/target.js';
import { BACKUP_ROOT } from './harden.js';
import { UsageError } from '../api.js';

export interface RollbackReport {
  runId: string;
  target: string;
  restored: Array<{ path: string; type: FileNode['type'] }>;
  cannotUndo: string[];
}

type ManifestNode = { path: string; type: 'file'; contentBase64: string; mode: number; uid: number; gid: number } | Exclude<FileNode, { type: 'file' }>;

export async function rollbackRun(target: Target, runId: string): Promise<RollbackReport> {
  if (!/^[0-9A-Za-z-]+$/.test(runId)) throw new UsageError(`not a run id: ${runId}`);
  const manifestPath = `${BACKUP_ROOT}/${runId}/manifest.json`;
  const [read] = await target.readFiles([manifestPath]);
  if (read.state !== 'file') throw new UsageError(`no hardening run ${runId} on ${target.uri} (${manifestPath} is ${read.state})`);
  const manifest = JSON.parse(read.content.toString('utf8')) as { nodes: ManifestNode[]; packagesRemoved: string[]; packagesInstalled?: string[]; rolledBackAt?: string };
  if (manifest.rolledBackAt) throw new UsageError(`run ${runId} was already rolled back at ${manifest.rolledBackAt}`);
  const restored: RollbackReport['restored'] = [];
  for (const n of manifest.nodes) {
    const node: FileNode = n.type === 'file'
      ? { path: n.path, type: 'file', content: Buffer.from(n.contentBase64, 'base64'), mode: n.mode, uid: n.uid, gid: n.gid }
      : n;
    await target.writeNode(node);
    restored.push({ path: n.path, type: n.type });
  }
  if (target.isLive && target.kind !== 'docker-image' && manifest.nodes.some((n) => n.path.startsWith('/etc/ssh/'))) {
    await target.exec('if [ -d /run/systemd/system ]; then systemctl reload ssh 2>/dev/null || systemctl reload sshd; elif [ -f /run/sshd.pid ]; then kill -HUP "$(cat /run/sshd.pid)"; fi');
  }
  const cannotUndo = [
    ...manifest.packagesRemoved.map((p) => `package ${p} was removed; reinstall it from your package source if it is needed`),
    ...(manifest.packagesInstalled ?? []).map((p) => `package ${p} was installed (--allow-install); remove it with the package manager if it is not wanted`),
  ];
  await target.writeNode({
    path: manifestPath, type: 'file', mode: 0o600, uid: 0, gid: 0,
    content: Buffer.from(JSON.stringify({ ...manifest, rolledBackAt: new Date().toISOString() }, null, 1)),
  });
  return { runId, target: target.uri, restored, cannotUndo };
}
