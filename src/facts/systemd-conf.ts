/**
 * systemd's configuration files of the `[Section]` / `Setting=value` kind (journald.conf, coredump.conf, ...)
 * as systemd reads them: the main file in /etc/systemd, then the drop-ins `<name>.conf.d/*.conf` of /etc,
 * /run, /usr/local/lib, /usr/lib and /lib in the order of their file names, a drop-in in an earlier
 * directory hiding one of the same name further down. Only the named section counts; `#` and `;` start
 * comments; the last assignment of a setting wins.
 */
import { CheckError } from '../model/verdict.js';
import { byCodeUnits } from '../model/text.js';

export interface SystemdSetting { key: string; value: string; file: string; line: number }

export interface IniSetting { section: string; key: string; value: string; file: string; line: number }

/** A systemd configuration file: [Section] headers and Key=Value lines; # and ; start comment lines. */
export function parseSystemdIni(text: string, file: string): IniSetting[] {
  const out: IniSetting[] = [];
  let section = '';
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '').trim();
    if (!l || l.startsWith('#') || l.startsWith(';')) return;
    const h = /^\[([^\]]+)\]$/.exec(l);
    if (h) { section = h[1]; return; }
    const eq = l.indexOf('=');
    if (eq <= 0) throw new CheckError(`${file}:${i + 1} is neither a [Section] header nor a Key=Value line: ${l.slice(0, 80)}`);
    out.push({ section, key: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim(), file, line: i + 1 });
  });
  return out;
}

/** The drop-in directories of `<name>.conf`, the first hiding the later ones for a file of the same name. */
export const systemdDropinDirs = (name: string): string[] =>
  ['/etc/systemd', '/run/systemd', '/usr/local/lib/systemd', '/usr/lib/systemd', '/lib/systemd'].map((d) => `${d}/${name}.conf.d`);

/** The assignments of one section of one file; a line that is not an assignment is an error. */
export function parseSystemdSection(text: string, file: string, wanted: string): SystemdSetting[] {
  const out: SystemdSetting[] = [];
  let section: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) { section = sec[1]; return; }
    const m = /^([A-Za-z0-9]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new CheckError(`${file}:${i + 1} is not a "Setting=value" line: ${line.slice(0, 120)}`);
    if (section === null) throw new CheckError(`${file}:${i + 1} assigns ${m[1]} outside any section`);
    if (section === wanted) out.push({ key: m[1], value: m[2].trim(), file, line: i + 1 });
  });
  return out;
}

/** Drop-ins in the order systemd applies them: by file name, the first directory winning for equal names. */
export function orderSystemdDropins(paths: string[], dirs: string[]): string[] {
  const byName = new Map<string, string>();
  const rank = (p: string) => dirs.findIndex((d) => p.startsWith(`${d}/`));
  for (const p of paths.filter((x) => rank(x) >= 0)) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    const have = byName.get(name);
    if (!have || rank(p) < rank(have)) byName.set(name, p);
  }
  return [...byName.entries()].sort(([a], [b]) => byCodeUnits(a, b)).map(([, p]) => p);
}
