/**
 * systemd-coredump's configuration as systemd 237 (Ubuntu 18.04) reads it: /etc/systemd/coredump.conf,
 * then the drop-ins `coredump.conf.d/*.conf` of /etc, /run, /usr/local/lib, /usr/lib and /lib in the
 * order of their file names (a drop-in in /etc hides one of the same name further down). Only the
 * [Coredump] section counts; `#` and `;` start comments; the last assignment of a setting wins.
 */
import { CheckError } from '../engine/verdict.js';
import { defineFact } from './store.js';

export const COREDUMP_CONF = '/etc/systemd/coredump.conf';
export const COREDUMP_DROPIN_DIRS = [
  '/etc/systemd/coredump.conf.d', '/run/systemd/coredump.conf.d', '/usr/local/lib/systemd/coredump.conf.d',
  '/usr/lib/systemd/coredump.conf.d', '/lib/systemd/coredump.conf.d',
];
const GLOBS = [COREDUMP_CONF, ...COREDUMP_DROPIN_DIRS.map((d) => `${d}/*.conf`)];

export interface CoredumpSetting { key: string; value: string; file: string; line: number }

export interface CoredumpConfig {
  files: string[];
  /** the value in force, by setting name */
  settings: Map<string, CoredumpSetting>;
}

export function parseCoredumpConf(text: string, file: string): CoredumpSetting[] {
  const out: CoredumpSetting[] = [];
  let section: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) { section = sec[1]; return; }
    const m = /^([A-Za-z0-9]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new CheckError(`${file}:${i + 1} is not a "Setting=value" line: ${line.slice(0, 120)}`);
    if (section === null) throw new CheckError(`${file}:${i + 1} assigns ${m[1]} outside any section`);
    if (section === 'Coredump') out.push({ key: m[1], value: m[2].trim(), file, line: i + 1 });
  });
  return out;
}

/** The main file first, then the drop-ins by name, the first directory winning for equal names. */
export function orderCoredumpFiles(paths: string[]): string[] {
  const byName = new Map<string, string>();
  const rank = (p: string) => COREDUMP_DROPIN_DIRS.findIndex((d) => p.startsWith(`${d}/`));
  for (const p of paths.filter((x) => x !== COREDUMP_CONF && rank(x) >= 0)) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    const have = byName.get(name);
    if (!have || rank(p) < rank(have)) byName.set(name, p);
  }
  const dropins = [...byName.keys()].sort().map((n) => byName.get(n)!);
  return [...(paths.includes(COREDUMP_CONF) ? [COREDUMP_CONF] : []), ...dropins];
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
