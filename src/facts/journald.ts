/**
 * systemd-journald's configuration as systemd 237 (Ubuntu 18.04) reads it: /etc/systemd/journald.conf,
 * then the drop-ins `journald.conf.d/*.conf` of /etc, /run, /usr/local/lib, /usr/lib and /lib in the
 * order of their file names (a drop-in in /etc hides one of the same name in the other directories).
 * Only the [Journal] section counts; `#` and `;` start comments; the last assignment of a setting wins.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { orderSystemdDropins, parseSystemdSection, systemdDropinDirs, type SystemdSetting } from './systemd-conf.js';

export const JOURNALD_CONF = '/etc/systemd/journald.conf';
/** Drop-in directories, the first hiding the later ones for a file of the same name. */
export const JOURNALD_DROPIN_DIRS = systemdDropinDirs('journald');
const DROPIN_GLOBS = JOURNALD_DROPIN_DIRS.map((d) => `${d}/*.conf`);

export type JournaldSetting = SystemdSetting;

export interface JournaldConfig {
  /** the files read, in the order they apply */
  files: string[];
  /** every [Journal] assignment, in the order applied */
  assignments: JournaldSetting[];
  /** the value in force, by setting name (case-sensitive, as systemd reads them) */
  settings: Map<string, JournaldSetting>;
}

/** The [Journal] assignments of one file. */
export const parseJournaldConf = (text: string, file: string): JournaldSetting[] => parseSystemdSection(text, file, 'Journal');

/** The order systemd applies drop-ins: by file name, the first directory winning for equal names. */
export const orderDropins = (paths: string[]): string[] => orderSystemdDropins(paths, JOURNALD_DROPIN_DIRS);

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
