/**
 * Who may schedule jobs: the allow and deny lists of cron (/etc/cron.allow, /etc/cron.deny) and of at
 * (/etc/at.allow, /etc/at.deny). When an allow list exists only the users in it may use the command and
 * the deny list is not consulted; without one, everyone not in the deny list may. One user name a line.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const SCHEDULER_ACCESS_FILES = ['/etc/cron.allow', '/etc/cron.deny', '/etc/at.allow', '/etc/at.deny'];

export interface AccessList { path: string; exists: boolean; users: string[] }

/** The user names in an allow or deny list: one a line, blank lines and "#" comment lines skipped. */
export function parseAccessList(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

export const schedulerAccessLists = defineFact<Map<string, AccessList>>('scheduler-access-lists', async ({ facts }) => {
  const lists = new Map<string, AccessList>();
  for (const r of await facts.readMany(SCHEDULER_ACCESS_FILES)) {
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.state === 'directory') throw new CheckError(`${r.path} is a directory, a list of user names was expected`);
    lists.set(r.path, { path: r.path, exists: r.state === 'file', users: r.state === 'file' ? parseAccessList(r.content.toString('utf8')) : [] });
  }
  return lists;
}, SCHEDULER_ACCESS_FILES);
