/**
 * Package updates the running system knows of without asking any repository: APT simulates a full
 * upgrade (`apt-get -s dist-upgrade`) against the package lists already downloaded in /var/lib/apt/lists,
 * and the age of those lists says how current that knowledge is. Nothing is downloaded and nothing is
 * installed. Live targets only.
 */
import { CheckError } from '../engine/verdict.js';
import { defineFact } from './store.js';

export interface PendingUpgrade { name: string; from: string; to: string; origin: string; security: boolean }

export interface PendingUpdates {
  command: string;
  upgrades: PendingUpgrade[];
  /** the newest package index or Release file in /var/lib/apt/lists, as seconds since the epoch; null when there is none */
  listsUpdatedAt: number | null;
  /** how many package index and Release files there are */
  listFiles: number;
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
  return { command: PENDING_UPDATES_COMMAND, upgrades, listsUpdatedAt: times.length ? Math.max(...times) : null, listFiles: times.length };
}

export const pendingUpdates = defineFact<PendingUpdates>('pending-updates', async ({ facts }) => {
  const r = await facts.command(`pending package updates (${PENDING_UPDATES_COMMAND})`, SCRIPT);
  return parsePendingUpdates(r.stdout.toString('utf8'));
});
