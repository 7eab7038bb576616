/**
 * Planning a hardening run: snapshot every node the remediations touch (with the directories above them
 * and the temporary names a write uses), apply the changes in memory in item order (several items may
 * edit one file), and describe each item's part as diffs and commands. Nothing on the target changes here.
 */
import path from 'node:path';
import type { FileNode, Target } from '../targets/target.js';
import { shellQuote } from '../targets/target.js';
import type { ComplianceItem } from '../model/result.js';
import type { Change, Remediation } from '../model/remediation.js';
import { applyEdits, unifiedDiff } from './edits.js';
import { TEMP_SUFFIX } from './run-record.js';
import { cannotUndo } from './comparison.js';
import { byCodeUnits } from '../model/text.js';

export interface PlannedItem {
  id: string;
  title: string;
  summary: string;
  files: Array<{ path: string; diff: string }>;
  commands: string[];
  validate?: 'sshd';
  /** directories that do not exist yet and are created (0755 root) for the item's new files */
  directories?: string[];
  /** what of this item's changes `cis-bdd rollback` cannot undo (package removals, installs) */
  cannotUndo?: string[];
  /** set when the item was not planned at first: an earlier round of the run made it fail, and this round fixes it */
  madeWorseInRound?: number;
}

export interface ItemOutcome {
  id: string;
  title: string;
  /** `made worse`: not failing before the run (pass, not applicable), failing or unmeasured after it */
  outcome: 'fixed' | 'still failing' | 'made worse' | 'skipped' | 'needs a person';
  reason?: string;
  evidence?: ComplianceItem['evidence'];
  steps?: string[];
}

/** Paths a change writes. */
export function pathsOf(c: Change): string[] {
  return 'path' in c ? [c.path] : [];
}

/** The directories above a path, outermost first, without "/". */
export function ancestorsOf(p: string): string[] {
  const out: string[] = [];
  for (let d = path.posix.dirname(p); d !== '/' && d !== '.'; d = path.posix.dirname(d)) out.unshift(d);
  return out;
}

/** The name a target writes a file's new content to before renaming it over the file (see the targets). */
export const tempNameOf = (p: string) => `${p}${TEMP_SUFFIX}`;

/** Every path a write of `p` may create besides `p` itself: missing parents and the temporary name. */
export function surroundingsOf(paths: string[]): string[] {
  return [...new Set(paths.flatMap((p) => [...ancestorsOf(p), tempNameOf(p)]))];
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

export function sameNode(a: FileNode, b: FileNode): boolean {
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

/** The missing directories the new nodes among `paths` need, outermost first. */
export function directoriesToCreate(paths: string[], nodes: Map<string, FileNode>): string[] {
  const needed = paths.filter((p) => nodes.get(p)?.type !== 'missing').flatMap(ancestorsOf);
  return [...new Set(needed)].filter((d) => nodes.get(d)?.type === 'missing')
    .sort((a, b) => a.split('/').length - b.split('/').length || byCodeUnits(a, b));
}

/**
 * Plan: snapshot every path the remediations touch, with the directories above them and their temporary
 * names (one round trip), apply their changes in memory in item order, and describe each item's part.
 * `original` holds every node read (the surroundings too); `final` the nodes after all changes.
 */
export async function planChanges(target: Target, planned: Array<{ id: string; title: string; remediation: Remediation }>, manager: string | null) {
  const plan: PlannedItem[] = [];
  const skipped: ItemOutcome[] = [];
  const paths = [...new Set(planned.flatMap((p) => p.remediation.changes.flatMap(pathsOf)))];
  const extra = surroundingsOf(paths).filter((p) => !paths.includes(p));
  const original = new Map((await target.readNodes([...paths, ...extra])).map((n) => [n.path, n]));
  const final = new Map(original);
  const creating = new Set<string>();
  for (const p of planned) {
    const itemNodes = new Map(final);
    const itemPaths = [...new Set(p.remediation.changes.flatMap(pathsOf))];
    try {
      applyToNodes(itemNodes, p.remediation.changes);
      for (const f of itemPaths) {
        if (itemNodes.get(f)!.type === 'missing') continue;
        const blocking = ancestorsOf(f).map((d) => itemNodes.get(d)!).find((d) => d.type !== 'directory' && d.type !== 'missing' && d.type !== 'symlink');
        if (blocking) throw new Error(`${blocking.path} is a ${blocking.type}, not a directory: ${f} cannot be written`);
      }
    } catch (e) {
      skipped.push({ id: p.id, title: p.title, outcome: 'skipped', reason: `its remediation cannot be applied here: ${(e as Error).message}` });
      continue;
    }
    const files = itemPaths.filter((f) => !sameNode(final.get(f)!, itemNodes.get(f)!)).map((f) => {
      const was = final.get(f)!;
      const now = itemNodes.get(f)!;
      const meta = metaLine(was) !== metaLine(now) ? `\n${metaLine(was)} -> ${metaLine(now)}` : '';
      return { path: f, diff: unifiedDiff(f, describeNode(was), describeNode(now)) + meta };
    });
    for (const f of itemPaths) final.set(f, itemNodes.get(f)!);
    const directories = directoriesToCreate(files.map((f) => f.path), final).filter((d) => !creating.has(d));
    for (const d of directories) creating.add(d);
    const commands = p.remediation.changes.flatMap((c) => commandsFor(target, c, manager));
    const lasting = p.remediation.changes.map((c) => cannotUndo(c, target.canExecute)).filter((x): x is string => x !== null);
    plan.push({
      id: p.id, title: p.title, summary: p.remediation.summary, files, commands, validate: p.remediation.validate,
      ...(directories.length ? { directories } : {}), ...(lasting.length ? { cannotUndo: lasting } : {}),
    });
  }
  return { plan, skipped, original, final };
}
