/**
 * What a hardening run did to the whole audit, not only to the items it planned: the items whose status
 * got worse between the audit before and the audit after (a fix of one item that breaks another), the
 * score before and after, and the command that undoes the run, complete enough to paste.
 */
import path from 'node:path';
import type { ComplianceItem, ComplianceReport } from '../model/result.js';
import type { Target } from '../targets/target.js';
import type { Change } from '../model/remediation.js';
import { shellWord } from '../model/text.js';

/** Statuses an item may have after hardening without having been harmed by it. */
const SOUND = new Set(['pass', 'not-applicable']);
/** Statuses that mean the item does not comply, or could not be measured. */
const UNSOUND = new Set(['fail', 'error', 'unknown']);

/** Did the item get worse: sound before (pass, not applicable), failing or unmeasured after. */
export function isWorse(before: ComplianceItem['status'], after: ComplianceItem['status']): boolean {
  return SOUND.has(before) && UNSOUND.has(after);
}

export const isSound = (status: ComplianceItem['status']) => SOUND.has(status);

/** The items of `after` whose status is worse than in `before`, in the report's order. */
export function itemsMadeWorse(before: ComplianceReport, after: ComplianceReport): Array<{ before: ComplianceItem; after: ComplianceItem }> {
  const was = new Map(before.items.map((i) => [i.id, i]));
  return after.items.flatMap((a) => {
    const b = was.get(a.id);
    return b && isWorse(b.status, a.status) ? [{ before: b, after: a }] : [];
  });
}

/** The profile an audit ran with, in words: level, scored only, the ids (as given) or tags it was narrowed to. */
export function profileOf(report: ComplianceReport, onlyAsGiven?: string[]): string {
  const s = report.selection;
  const parts = [`Level ${s.level}${s.level === 1 ? ' only' : ' (Level 1 and 2 items)'}`];
  if (s.scoredOnly) parts.push('scored items only');
  if (onlyAsGiven?.length) parts.push(`only ${onlyAsGiven.join(',')}`);
  else if (s.only.length) parts.push(`only ${s.only.length} item(s) by id`);
  if (s.tags) parts.push(`tags ${s.tags}`);
  return parts.join(', ');
}

/** What rollback cannot undo of a change, in words; null when it can. */
export function cannotUndo(c: Change, runsCommands: boolean): string | null {
  switch (c.kind) {
    case 'remove-packages':
      return `removes ${c.names.length === 1 ? 'package' : 'packages'} ${c.names.join(', ')} (rollback cannot reinstall ${c.names.length === 1 ? 'it' : 'them'})`;
    case 'install-packages':
      return runsCommands ? `installs ${c.names.length === 1 ? 'package' : 'packages'} ${c.names.join(', ')} (rollback does not remove ${c.names.length === 1 ? 'it' : 'them'})` : null;
    default:
      return null;
  }
}


export interface RollbackOptions {
  /** how cis-bdd was started (the words before "harden"); default "cis-bdd" */
  command?: string;
  identityFile?: string;
  knownHostsFile?: string;
  sudo?: boolean;
}

/**
 * The rollback command of a run, with every option it needs to reach the same target the same way.
 * Null for a docker-image target: the hardened image is a new image, the original one is unchanged.
 */
export function rollbackCommand(target: Target, runId: string, o: RollbackOptions): string | null {
  if (target.kind === 'docker-image') return null;
  const words = ['rollback', '--target', target.uri, '--run', runId];
  if (target.kind === 'ssh') {
    if (o.identityFile) words.push('--identity', path.resolve(o.identityFile));
    if (o.knownHostsFile) words.push('--known-hosts', path.resolve(o.knownHostsFile));
  }
  if (o.sudo && target.kind === 'ssh') words.push('--sudo');
  return `${o.command ?? 'cis-bdd'} ${words.map(shellWord).join(' ')}`;
}
