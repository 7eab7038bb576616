/**
 * systemd-journald's configuration as systemd 237 (Ubuntu 18.04) reads it: /etc/systemd/journald.conf,
 * then the drop-ins `journald.conf.d/*.conf` of /etc, /run, /usr/local/lib, /usr/lib and /lib in the
 * order of their file names (a drop-in in /etc hides one of the same name in the other directories).
 * Only the [Journal] section counts; `#` and `;` start comments; the last assignment of a setting wins.
 */
import { CheckError } from '../engine/verdict.js';
import { defineFact } from './store.js';

export const JOURNALD_CONF = '/etc/systemd/journald.conf';
/** Drop-in directories, the first hiding the later ones for a file of the same name. */
export const JOURNALD_DROPIN_DIRS = [
  '/etc/systemd/journald.conf.d', '/run/systemd/journald.conf.d', '/usr/local/lib/systemd/journald.conf.d',
  '/usr/lib/systemd/journald.conf.d', '/lib/systemd/journald.conf.d',
];
const DROPIN_GLOBS = JOURNALD_DROPIN_DIRS.map((d) => `${d}/*.conf`);

export interface JournaldSetting { key: string; value: string; file: string; line: number }

export interface JournaldConfig {
  /** the files read, in the order they apply */
  files: string[];
  /** every [Journal] assignment, in the order applied */
  assignments: JournaldSetting[];
  /** the value in force, by setting name (case-sensitive, as systemd reads them) */
  settings: Map<string, JournaldSetting>;
}

/** The [Journal] assignments of one file. */
export function parseJournaldConf(text: string, file: string): JournaldSetting[] {
  const out: JournaldSetting[] = [];
  let section: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) { section = sec[1]; return; }
    const m = /^([A-Za-z0-9]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new CheckError(`${file}:${i + 1} is not a "Setting=value" line: ${line.slice(0, 120)}`);
    if (section === null) throw new CheckError(`${file}:${i + 1} assigns ${m[1]} outside any section`);
    if (section === 'Journal') out.push({ key: m[1], value: m[2].trim(), file, line: i + 1 });
  });
  return out;
}

/** The order systemd applies drop-ins: by file name, the first directory winning for equal names. */
export function orderDropins(paths: string[]): string[] {
  const byName = new Map<string, string>();
  const rank = (p: string) => JOURNALD_DROPIN_DIRS.findIndex((d) => p.startsWith(`${d}/`));
  for (const p of paths) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    const have = byName.get(name);
    if (!have || rank(p) < rank(have)) byName.set(name, p);
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}

export function journaldFromFiles(files: Array<{ path: string; text: string }>): JournaldConfig {
  const main = files.filter((f) => f.path === JOURNALD_CONF);
  const dropins = orderDropins(files.filter((f) => f.path !== JOURNALD_CONF).map((f) => f.path));
  const ordered = [...main, ...dropins.map((p) => files.find((f) => f.path === p)!)];
  const assignments = ordered.flatMap((f) => parseJournaldConf(f.text, f.path));
  const settings = new Map<string, JournaldSetting>();
  for (const a of assignments) settings.set(a.key, a);
  return { files: ordered.map((f) => f.path), assignments, settings };
}

export const journaldConfig = defineFact<JournaldConfig>('journald-config', async ({ facts }) => {
  const files: Array<{ path: string; text: string }> = [];
  for (const r of await facts.readMany([JOURNALD_CONF, ...DROPIN_GLOBS])) {
    if (r.state === 'missing' || r.state === 'directory') continue;
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    files.push({ path: r.path, text: r.content.toString('utf8') });
  }
  return journaldFromFiles(files);
}, [JOURNALD_CONF, ...DROPIN_GLOBS]);

/** systemd's boolean words; undefined for anything else. */
export function systemdBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return undefined;
}
