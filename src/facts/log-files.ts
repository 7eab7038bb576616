/**
 * The files under /var/log, from one walk of the tree (one round trip). On a running system the mount
 * points below /var/log (a separate /var/log/audit, say) are walked too, since the walk itself never
 * crosses into another filesystem. Kept: how many regular files there are, the first of them by name
 * (evidence of what is logged), and every regular file its group may write or execute or other users may
 * use at all (`find /var/log -type f -perm /g+wx,o+rwx`).
 */
import { CheckError } from '../model/verdict.js';
import type { WalkEntry } from '../targets/target.js';
import { mountedFilesystems } from './mounts.js';
import { defineFact } from './store.js';

export const LOG_DIR = '/var/log';
/** group write and execute, and every permission of others */
export const LOG_FILE_FORBIDDEN_BITS = 0o037;
const MAX_LISTED = 2000;

export interface LogFiles {
  roots: string[];
  entriesWalked: number;
  regularFiles: number;
  /** the first MAX_LISTED regular files, sorted by path */
  listed: WalkEntry[];
  /** regular files with group write or execute, or any permission for others (all of them, sorted) */
  tooOpen: WalkEntry[];
}

/** Collect walk entries into the summary; an entry seen twice (a mount point seen from both sides) counts once. */
export function summariseLogFiles(roots: string[], entries: Iterable<WalkEntry>): LogFiles {
  const seen = new Set<string>();
  let walked = 0;
  let regular = 0;
  const listed: WalkEntry[] = [];
  const tooOpen: WalkEntry[] = [];
  for (const e of entries) {
    if (seen.has(e.path)) continue;
    seen.add(e.path);
    walked++;
    if (e.type !== 'f') continue;
    regular++;
    listed.push(e);
    if (e.mode & LOG_FILE_FORBIDDEN_BITS) tooOpen.push(e);
  }
  const byPath = (a: WalkEntry, b: WalkEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { roots, entriesWalked: walked, regularFiles: regular, listed: listed.sort(byPath).slice(0, MAX_LISTED), tooOpen: tooOpen.sort(byPath) };
}

export const logFiles = defineFact<LogFiles>('log-files', async ({ facts, target }) => {
  const roots = [LOG_DIR];
  if (target.isLive) {
    for (const m of await facts.get(mountedFilesystems)) {
      if (m.mountpoint.startsWith(`${LOG_DIR}/`) && !roots.includes(m.mountpoint)) roots.push(m.mountpoint);
    }
  }
  const entries: WalkEntry[] = [];
  await target.walk({ roots }, (e) => entries.push(e));
  if (!entries.some((e) => e.path === LOG_DIR)) throw new CheckError(`${LOG_DIR} could not be walked: it does not exist or cannot be read`);
  return summariseLogFiles(roots, entries);
});
