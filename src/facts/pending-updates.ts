/**
 * Package updates the running system knows of without asking any repository, by its package manager:
 *
 * - APT (dpkg systems) simulates a full upgrade (`apt-get -s dist-upgrade`) against the package lists
 *   already downloaded in /var/lib/apt/lists;
 * - yum (RPM systems) lists updates from its metadata cache only (`yum -C check-update`: -C never
 *   downloads), the repositories' repomd.xml files in /var/cache/yum.
 *
 * The age of the lists or the cache says how current that knowledge is. Nothing is downloaded and
 * nothing is installed. Live targets only.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { packageManager } from './packages.js';

export interface PendingUpgrade { name: string; from: string; to: string; origin: string; security: boolean }

export interface PendingUpdates {
  /** which package manager was asked */
  manager: 'apt' | 'yum';
  command: string;
  upgrades: PendingUpgrade[];
  /** the newest package index or Release file (APT) or repomd.xml (yum), as seconds since the epoch; null when there is none */
  listsUpdatedAt: number | null;
  /** how many package index and Release files (APT) or cached repositories (yum) there are */
  listFiles: number;
  /** where that knowledge is kept */
  cacheDir: string;
  /** why the package manager could list nothing from what it has (yum not installed, no cache): the item then says what to run */
  unavailable?: string;
}

export const PENDING_UPDATES_COMMAND = 'LC_ALL=C apt-get -s -o Debug::NoLocking=1 dist-upgrade';
const SCRIPT = `${PENDING_UPDATES_COMMAND} 2>&1; echo "@@apt-exit $?"; echo "@@lists"; for f in /var/lib/apt/lists/*_Packages /var/lib/apt/lists/*Release; do [ -f "$f" ] && stat -L -c '%Y %n' "$f"; done; true`;

/** Parse the simulation (`Inst NAME [OLD] (NEW ORIGIN [ARCH])` lines) and the times of the package lists. */
export function parsePendingUpdates(text: string): PendingUpdates {
  const [sim, lists = ''] = text.split('\n@@lists\n');
  const exit = /@@apt-exit (\d+)/.exec(sim);
  if (!exit) throw new CheckError('the output of apt-get -s dist-upgrade could not be read');
  if (exit[1] !== '0') throw new CheckError(`apt-get -s dist-upgrade failed (exit ${exit[1]}): ${sim.split('\n').filter((l) => /^E:/.test(l)).join(' ').slice(0, 300)}`);
  const upgrades: PendingUpgrade[] = [];
  for (const line of sim.split('\n')) {
    const m = /^Inst (\S+) (?:\[([^\]]*)\] )?\((\S+) (.*?)(?: \[[^\]]*\])?\)/.exec(line);
    if (!m) continue;
    upgrades.push({ name: m[1], from: m[2] ?? '', to: m[3], origin: m[4], security: /-security\b/.test(m[4]) });
  }
  const times = lists.split('\n').map((l) => /^(\d+) /.exec(l)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1]));
  return { manager: 'apt', command: PENDING_UPDATES_COMMAND, upgrades, listsUpdatedAt: times.length ? Math.max(...times) : null, listFiles: times.length, cacheDir: '/var/lib/apt/lists' };
}

export const YUM_CACHE = '/var/cache/yum';
export const YUM_PENDING_UPDATES_COMMAND = 'LC_ALL=C yum -C -q check-update';
const YUM_SCRIPT = `${YUM_PENDING_UPDATES_COMMAND} 2>&1; echo "@@yum-exit $?"; echo "@@cache"; for f in ${YUM_CACHE}/*/*/*/repomd.xml ${YUM_CACHE}/*/*/*/repodata/repomd.xml; do [ -f "$f" ] && stat -c '%Y %n' "$f"; done; true`;

/**
 * Parse `yum -C -q check-update` (exit 100: updates listed, 0: none, 1: failed) and the times of the
 * cached repository metadata. A line is `name.arch  [epoch:]version-release  repository`; yum wraps a
 * long name onto a line of its own. The "Obsoleting Packages" list that may follow repeats packages.
 */
export function parseYumCheckUpdate(text: string): PendingUpdates {
  const [out, cache = ''] = text.split('\n@@cache\n');
  const exit = /@@yum-exit (\d+)/.exec(out);
  if (!exit) throw new CheckError('the output of yum -C check-update could not be read');
  const lines = out.slice(0, exit.index).split('\n').map((l) => l.replace(/\r$/, ''));
  const times = cache.split('\n').map((l) => /^(\d+) /.exec(l)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1]));
  const base = { manager: 'yum' as const, command: YUM_PENDING_UPDATES_COMMAND, upgrades: [] as PendingUpgrade[], listsUpdatedAt: times.length ? Math.max(...times) : null, listFiles: times.length, cacheDir: YUM_CACHE };
  const said = lines.filter((l) => l.trim()).join(' ').slice(0, 300);
  if (exit[1] === '127' || /yum: (command )?not found/.test(said)) return { ...base, unavailable: 'yum is not installed on the target' };
  if (exit[1] === '1') {
    if (/Cache-only enabled but no cache|No cached metadata|Cannot retrieve repository metadata|no cache for/i.test(said)) {
      return { ...base, unavailable: `yum has no cached metadata to list updates from: ${said}` };
    }
    throw new CheckError(`yum -C check-update failed (exit 1): ${said}`);
  }
  if (exit[1] !== '0' && exit[1] !== '100') throw new CheckError(`yum -C check-update failed (exit ${exit[1]}): ${said}`);
  let pending = '';
  for (const raw of lines) {
    if (/^Obsoleting Packages/.test(raw)) break;
    const words = `${pending} ${raw}`.trim().split(/\s+/).filter(Boolean);
    if (!words.length) { pending = ''; continue; }
    if (words.length === 1 && /\.[A-Za-z0-9_]+$/.test(words[0])) { pending = words[0]; continue; }
    pending = '';
    if (words.length !== 3) continue;
    const m = /^(.+)\.([A-Za-z0-9_]+)$/.exec(words[0]);
    if (!m) continue;
    base.upgrades.push({ name: m[1], from: '', to: words[1], origin: words[2], security: false });
  }
  if (exit[1] === '100' && !base.upgrades.length) throw new CheckError(`yum -C check-update says updates are available, but none could be read: ${said}`);
  return base;
}

export const pendingUpdates = defineFact<PendingUpdates>('pending-updates', async ({ facts }) => {
  if ((await facts.get(packageManager)) === 'rpm') {
    const r = await facts.command(`pending package updates (${YUM_PENDING_UPDATES_COMMAND}, from yum's cache only)`, YUM_SCRIPT);
    return parseYumCheckUpdate(r.stdout.toString('utf8'));
  }
  const r = await facts.command(`pending package updates (${PENDING_UPDATES_COMMAND})`, SCRIPT);
  return parsePendingUpdates(r.stdout.toString('utf8'));
});
