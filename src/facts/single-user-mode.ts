/**
 * What systemd starts in rescue (single user) and emergency mode: the ExecStart= command lines of
 * rescue.service and emergency.service as systemd loads them. The unit file is the first found in the
 * unit directories (/etc/systemd/system, /run/systemd/system, /lib/systemd/system,
 * /usr/lib/systemd/system); then the drop-ins `<unit>.d/*.conf` of those directories apply in the order
 * of their file names (a drop-in in /etc hides one of the same name further down). In [Service], every
 * `ExecStart=` adds a command and an empty `ExecStart=` clears the list. A unit masked in
 * /etc/systemd/system (linked to /dev/null) is not started at all.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { UNIT_DIRS, systemdUnits } from './systemd-units.js';
import { packageManager } from './packages.js';

/**
 * The ExecStart= of the packaged units: systemd 219 (CentOS 7, Alibaba Cloud Linux 2) runs sulogin
 * from a shell; systemd 237 (Ubuntu 18.04) has its own sulogin wrapper.
 */
export function suloginCommand(family: 'rpm' | 'dpkg', unit: string): string {
  return family === 'rpm'
    ? '-/bin/sh -c "/usr/sbin/sulogin; /usr/bin/systemctl --fail --no-block default"'
    : `-/lib/systemd/systemd-sulogin-shell ${unit.replace(/\.service$/, '')}`;
}

export const SINGLE_USER_UNITS = ['rescue.service', 'emergency.service'] as const;

export interface ExecLine { file: string; line: number; command: string }
/** One assignment in a unit file: a command, or the empty assignment that clears the list. */
export interface ExecAssignment { file: string; line: number; value: string }

export interface UnitExecStart {
  unit: string;
  /** the unit file systemd loads, null when there is none */
  file: string | null;
  masked: boolean;
  /** the drop-ins applied, in order */
  dropIns: string[];
  /** the commands systemd runs, after every assignment of the unit file and its drop-ins */
  commands: ExecLine[];
  /** the command this system's packaged unit uses to ask for root's password (what a fix puts back) */
  suloginCommand: string;
}

/** The ExecStart= assignments of the [Service] section, in order (continuation lines joined). */
export function parseExecStart(text: string, file: string): ExecAssignment[] {
  const out: ExecAssignment[] = [];
  let section: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i].trim();
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1).trimEnd()} ${lines[++i].trim()}`;
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) { section = sec[1]; continue; }
    const m = /^([A-Za-z0-9]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new CheckError(`${file}:${start} is not a "Setting=value" line: ${line.slice(0, 120)}`);
    if (section === 'Service' && m[1] === 'ExecStart') out.push({ file, line: start, value: m[2].trim() });
  }
  return out;
}

/** Apply assignments in order: a value adds a command, an empty value clears the list. */
export function applyExecStart(assignments: ExecAssignment[]): ExecLine[] {
  let commands: ExecLine[] = [];
  for (const a of assignments) {
    if (!a.value) commands = [];
    else commands.push({ file: a.file, line: a.line, command: a.value });
  }
  return commands;
}

/** Drop-ins of a unit: by file name, the first directory in UNIT_DIRS winning for equal names. */
export function orderDropIns(paths: string[], unit: string): string[] {
  const byName = new Map<string, string>();
  const rank = (p: string) => UNIT_DIRS.findIndex((d) => p.startsWith(`${d}/${unit}.d/`));
  for (const p of paths.filter((x) => rank(x) >= 0 && x.endsWith('.conf'))) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    const have = byName.get(name);
    if (!have || rank(p) < rank(have)) byName.set(name, p);
  }
  return [...byName.keys()].sort().map((n) => byName.get(n)!);
}

const GLOBS = UNIT_DIRS.flatMap((d) => SINGLE_USER_UNITS.flatMap((u) => [`${d}/${u}`, `${d}/${u}.d/*.conf`]));

export const singleUserModeUnits = defineFact<UnitExecStart[]>('single-user-mode-units', async ({ facts }) => {
  const units = await facts.get(systemdUnits);
  const family = (await facts.get(packageManager)) === 'rpm' ? 'rpm' : 'dpkg';
  const reads = await facts.readMany(GLOBS);
  const texts = new Map<string, string>();
  const unreadable = new Map<string, string>();
  for (const r of reads) {
    if (GLOBS.includes(r.path) && r.path.includes('*')) continue;
    if (r.state === 'missing' || r.state === 'directory') continue;
    if (r.state === 'unreadable') unreadable.set(r.path, r.reason);
    else texts.set(r.path, r.content.toString('utf8'));
  }
  // where /lib links to /usr/lib (merged /usr, as on the RPM family) a file is found twice: keep the /usr/lib name
  for (const p of [...texts.keys()].filter((x) => x.startsWith('/lib/systemd/system/'))) {
    const twin = `/usr${p}`;
    if (texts.has(twin) && texts.get(twin) === texts.get(p)) texts.delete(p);
  }
  return SINGLE_USER_UNITS.map((unit) => {
    const masked = units.state(unit).masked;
    const file = UNIT_DIRS.map((d) => `${d}/${unit}`).find((p) => texts.has(p)) ?? null;
    const dropIns = orderDropIns([...texts.keys()], unit);
    const sulogin = suloginCommand(family, unit);
    if (masked) return { unit, file, masked, dropIns, commands: [], suloginCommand: sulogin };
    // a file that cannot be read (the masking link to /dev/null aside) leaves the command unknown
    for (const [p, reason] of unreadable) if (p.includes(`/${unit}`)) throw new CheckError(`${p} cannot be read: ${reason}`);
    const assignments = [file, ...dropIns].filter((f): f is string => !!f).flatMap((f) => parseExecStart(texts.get(f)!, f));
    return { unit, file, masked, dropIns, commands: applyExecStart(assignments), suloginCommand: sulogin };
  });
}, GLOBS);
