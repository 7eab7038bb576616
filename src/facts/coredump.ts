/**
 * systemd-coredump's configuration as systemd 237 (Ubuntu 18.04) reads it: /etc/systemd/coredump.conf,
 * then the drop-ins `coredump.conf.d/*.conf` of /etc, /run, /usr/local/lib, /usr/lib and /lib in the
 * order of their file names (a drop-in in /etc hides one of the same name further down). Only the
 * [Coredump] section counts; `#` and `;` start comments; the last assignment of a setting wins.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { orderSystemdDropins, parseSystemdSection, systemdDropinDirs, type SystemdSetting } from './systemd-conf.js';

export const COREDUMP_CONF = '/etc/systemd/coredump.conf';
export const COREDUMP_DROPIN_DIRS = systemdDropinDirs('coredump');
const GLOBS = [COREDUMP_CONF, ...COREDUMP_DROPIN_DIRS.map((d) => `${d}/*.conf`)];

export type CoredumpSetting = SystemdSetting;

export interface CoredumpConfig {
  files: string[];
  /** the value in force, by setting name */
  settings: Map<string, CoredumpSetting>;
}

export const parseCoredumpConf = (text: string, file: string): CoredumpSetting[] => parseSystemdSection(text, file, 'Coredump');

/** The main file first, then the drop-ins by name, the first directory winning for equal names. */
export function orderCoredumpFiles(paths: string[]): string[] {
  return [...(paths.includes(COREDUMP_CONF) ? [COREDUMP_CONF] : []), ...orderSystemdDropins(paths, COREDUMP_DROPIN_DIRS)];
}

export const coredumpConfig = defineFact<CoredumpConfig>('coredump-config', async ({ facts }) => {
  const texts = new Map<string, string>();
  for (const r of await facts.readMany(GLOBS)) {
    if (r.state === 'missing' || r.state === 'directory') continue;
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    texts.set(r.path, r.content.toString('utf8'));
  }
  const files = orderCoredumpFiles([...texts.keys()]);
  const settings = new Map<string, CoredumpSetting>();
  for (const f of files) for (const s of parseCoredumpConf(texts.get(f)!, f)) settings.set(s.key, s);
  return { files, settings };
}, GLOBS);
