/**
 * Who may schedule jobs: the allow and deny lists of cron (/etc/cron.allow, /etc/cron.deny) and of at
 * (/etc/at.allow, /etc/at.deny), compared as the fixture's Debian cron (crontab) and at (3.1) compare
 * them, proven in test/differential/cron-access.test.ts:
 * - root may always use both commands, whatever the lists say;
 * - when an allow list exists only the users in it may, and the deny list is not consulted;
 * - without an allow list everyone not in the deny list may; with neither list, cron lets everyone use
 *   crontab but at lets only root use at;
 * - a line names a user only when it is exactly the user name: no trimming of blanks and no comments
 *   ("  alice" or "# alice" names nobody); cron cuts the last character of a last line that does not end in
 *   a newline ("alice" reads as "alic"), at reads it whole (with a warning).
 * The Aliyun Linux 2 fixture has neither crontab nor at, so cronie's reading is not proven; the items only
 * ask whether the lists exist, with which mode and owner, and these rules only shape the evidence.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const SCHEDULER_ACCESS_FILES = ['/etc/cron.allow', '/etc/cron.deny', '/etc/at.allow', '/etc/at.deny'];

export type Scheduler = 'cron' | 'at';

export interface AccessList {
  path: string;
  exists: boolean;
  /** the user names the program matches, exactly as written */
  users: string[];
  /** lines the program reads otherwise than they look: blanks around a name, a "#" line, cron's unterminated last line */
  notes: string[];
}

export const schedulerOf = (path: string): Scheduler => (path.startsWith('/etc/at.') ? 'at' : 'cron');

/** The names in an allow or deny list as the program compares them, and notes on the lines it reads otherwise than they look. */
export function readAccessList(text: string, scheduler: Scheduler): { users: string[]; notes: string[] } {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const users: string[] = [];
  const notes: string[] = [];
  if (last !== '') {
    if (scheduler === 'at') lines.push(last);
    else {
      // crontab cuts the last character of every line, meant to be the newline: an unterminated last line loses a letter
      const cut = last.slice(0, -1);
      notes.push(`"${last}" (the last line has no newline; Debian's crontab cuts its last character and reads "${cut}")`);
      if (cut !== '') lines.push(cut);
    }
  }
  for (const l of lines) {
    if (l === '') continue;
    if (/^\s|\s$/.test(l)) notes.push(`"${l}" (blanks around a name: it names no user)`);
    else if (l.startsWith('#')) notes.push(`"${l}" (not a comment: a name no user has)`);
    else users.push(l);
  }
  return { users, notes };
}

/** The user names in a list, as the program compares them. */
export const parseAccessList = (text: string, scheduler: Scheduler = 'cron'): string[] => readAccessList(text, scheduler).users;

/** Whether the user may use crontab (cron) or at, given the program's allow and deny lists. */
export function mayUse(scheduler: Scheduler, allow: AccessList, deny: AccessList, user: string): boolean {
  if (user === 'root') return true;
  if (allow.exists) return allow.users.includes(user);
  if (deny.exists) return !deny.users.includes(user);
  return scheduler === 'cron';
}

export const schedulerAccessLists = defineFact<Map<string, AccessList>>('scheduler-access-lists', async ({ facts }) => {
  const lists = new Map<string, AccessList>();
  for (const r of await facts.readMany(SCHEDULER_ACCESS_FILES)) {
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.state === 'directory') throw new CheckError(`${r.path} is a directory, a list of user names was expected`);
    const read = r.state === 'file' ? readAccessList(r.content.toString('utf8'), schedulerOf(r.path)) : { users: [], notes: [] };
    lists.set(r.path, { path: r.path, exists: r.state === 'file', ...read });
  }
  return lists;
}, SCHEDULER_ACCESS_FILES);
