/**
 * Jobs cron runs: the system crontab /etc/crontab and the files in /etc/cron.d (lines with a user field),
 * the users' crontabs (no user field), and the scripts in /etc/cron.hourly, cron.daily, cron.weekly and
 * cron.monthly that run-parts starts (from /etc/crontab, or through anacron). Where the users' crontabs
 * are and which file names are skipped depends on the cron of the system, told by its package manager:
 *
 * - Debian's cron (Ubuntu 18.04): users' crontabs in /var/spool/cron/crontabs; cron and run-parts skip
 *   file names with characters other than letters, digits, `_` and `-`;
 * - cronie (CentOS 7, Alibaba Cloud Linux 2): users' crontabs directly in /var/spool/cron; cronie skips
 *   names starting with `.` or ending with `~`, `.rpmnew`, `.rpmorig` or `.rpmsave`, and its run-parts
 *   also skips names ending with `,`, `.cfsaved`, `.swp` or `,v`.
 *
 * Skipped files are listed as ignored. A line cron cannot parse is skipped by cron and listed here with
 * the reason.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { packageManager } from './packages.js';

export const SYSTEM_CRONTAB = '/etc/crontab';
export const CRON_D = '/etc/cron.d';
export const USER_CRONTABS = '/var/spool/cron/crontabs';
/** cronie's directory of users' crontabs (one file per user, named after the user) */
export const CRONIE_USER_CRONTABS = '/var/spool/cron';
export const PERIODS = ['hourly', 'daily', 'weekly', 'monthly'] as const;
export type Period = (typeof PERIODS)[number];

const GLOBS = [SYSTEM_CRONTAB, `${CRON_D}/*`, `${USER_CRONTABS}/*`, `${CRONIE_USER_CRONTABS}/*`, ...PERIODS.map((p) => `/etc/cron.${p}/*`)];

export interface CrontabEntry {
  file: string;
  line: number;
  /** the five time fields, or an @keyword */
  schedule: string;
  /** the user the job runs as: the user field of system crontabs, the file's name for users' crontabs */
  user: string;
  command: string;
}

export interface PeriodicScript {
  file: string;
  period: Period;
  /** lines that are neither blank nor comments */
  lines: Array<{ line: number; text: string }>;
}

export interface ScheduledJobs {
  /** which cron's rules were applied */
  cron: 'debian' | 'cronie';
  /** where the users' crontabs are */
  userCrontabs: string;
  entries: CrontabEntry[];
  scripts: PeriodicScript[];
  /** files cron or run-parts do not run, and lines cron skips, with the reason */
  ignored: Array<{ where: string; reason: string }>;
}

/** One of the five time fields: lists of *, numbers, ranges or three-letter names, each with an optional step. */
const validTimeField = (w: string) => w.split(',').every((p) => /^(\*|\d+(-\d+)?|[A-Za-z]{3}(-[A-Za-z]{3})?)(\/\d+)?$/.test(p));

const SPECIAL = /^@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

/** cron's and run-parts' (Debian) naming rule for files in cron.d and the periodic directories. */
export const cronRunsName = (name: string) => /^[A-Za-z0-9_-]+$/.test(name);

/** cronie's rule for crontab files (cron.d, users' crontabs) and, with `runParts`, its run-parts' rule. */
export function cronieRunsName(name: string, runParts = false): boolean {
  if (name.startsWith('.') || name.endsWith('~') || /\.(rpmnew|rpmorig|rpmsave)$/.test(name)) return false;
  if (runParts && (/(,|\.cfsaved|\.swp|,v)$/.test(name))) return false;
  return true;
}
const CRONIE_SKIPS = 'cronie skips names starting with "." or ending with "~", ".rpmnew", ".rpmorig" or ".rpmsave"';
const CRONIE_RUN_PARTS_SKIPS = 'run-parts skips names starting with "." or ending with "~", ",", ".rpmnew", ".rpmorig", ".rpmsave", ".cfsaved", ".swp" or ",v"';

/**
 * Parse one crontab. `userField` is true for /etc/crontab and /etc/cron.d; for a user's crontab the
 * owner is the file's name.
 */
export function parseCrontab(text: string, file: string, userField: boolean): { entries: CrontabEntry[]; skipped: Array<{ where: string; reason: string }> } {
  const entries: CrontabEntry[] = [];
  const skipped: Array<{ where: string; reason: string }> = [];
  const owner = file.slice(file.lastIndexOf('/') + 1);
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    if (/^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(line)) return; // environment setting
    const words = line.split(/\s+/);
    const timeFields = SPECIAL.test(words[0]) ? 1 : 5;
    const need = timeFields + (userField ? 2 : 1);
    if (words.length < need) { skipped.push({ where: `${file}:${i + 1}`, reason: 'too few fields for a cron job' }); return; }
    if (timeFields === 5 && !words.slice(0, 5).every(validTimeField)) {
      skipped.push({ where: `${file}:${i + 1}`, reason: 'the time fields are not valid' });
      return;
    }
    if (words[0].startsWith('@') && timeFields === 5) { skipped.push({ where: `${file}:${i + 1}`, reason: `unknown schedule ${words[0]}` }); return; }
    // the command is the rest of the line as written, after the schedule and the user
    let rest = raw.replace(/^\s+/, '');
    for (let w = 0; w < need - 1; w++) rest = rest.replace(/^\S+\s+/, '');
    entries.push({
      file,
      line: i + 1,
      schedule: words.slice(0, timeFields).join(' '),
      user: userField ? words[timeFields] : owner,
      command: rest.trim(),
    });
  });
  return { entries, skipped };
}

export function parsePeriodicScript(text: string, file: string, period: Period): PeriodicScript {
  const lines: Array<{ line: number; text: string }> = [];
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t && !t.startsWith('#')) lines.push({ line: i + 1, text: t });
  });
  return { file, period, lines };
}

export const scheduledJobs = defineFact<ScheduledJobs>('scheduled-jobs', async ({ facts }) => {
  const cron = (await facts.get(packageManager)) === 'rpm' ? 'cronie' : 'debian';
  const userCrontabs = cron === 'cronie' ? CRONIE_USER_CRONTABS : USER_CRONTABS;
  const entries: CrontabEntry[] = [];
  const scripts: PeriodicScript[] = [];
  const ignored: Array<{ where: string; reason: string }> = [];
  for (const r of await facts.readMany(GLOBS)) {
    if (GLOBS.includes(r.path) && r.path !== SYSTEM_CRONTAB) continue; // a glob that matched nothing
    if (r.state === 'missing' || r.state === 'directory') continue;
    const dir = r.path.slice(0, r.path.lastIndexOf('/'));
    const name = r.path.slice(dir.length + 1);
    if (dir === (cron === 'cronie' ? USER_CRONTABS : CRONIE_USER_CRONTABS)) continue; // the other cron's place
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    const text = r.content.toString('utf8');
    if (cron === 'cronie' && r.path !== SYSTEM_CRONTAB) {
      const runParts = PERIODS.some((p) => dir === `/etc/cron.${p}`);
      if (!cronieRunsName(name, runParts)) { ignored.push({ where: r.path, reason: runParts ? CRONIE_RUN_PARTS_SKIPS : CRONIE_SKIPS }); continue; }
    }
    if (r.path === SYSTEM_CRONTAB || dir === userCrontabs) {
      const parsed = parseCrontab(text, r.path, r.path === SYSTEM_CRONTAB);
      entries.push(...parsed.entries);
      ignored.push(...parsed.skipped);
      continue;
    }
    if (cron === 'debian' && !cronRunsName(name)) { ignored.push({ where: r.path, reason: 'cron and run-parts skip file names with characters other than letters, digits, _ and -' }); continue; }
    if (dir === CRON_D) {
      const parsed = parseCrontab(text, r.path, true);
      entries.push(...parsed.entries);
      ignored.push(...parsed.skipped);
      continue;
    }
    const period = PERIODS.find((p) => dir === `/etc/cron.${p}`);
    if (period) scripts.push(parsePeriodicScript(text, r.path, period));
  }
  return { cron, userCrontabs, entries, scripts, ignored };
}, GLOBS);
