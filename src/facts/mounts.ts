/**
 * Mounted filesystems (/proc/self/mounts, live targets only) and the configured ones (/etc/fstab, and
 * systemd .mount units such as tmp.mount), with their options.
 */
import { defineFact } from './store.js';
import { liveText } from './live-files.js';
import { CheckError } from '../model/verdict.js';
import { systemdUnits } from './systemd-units.js';

export interface MountEntry {
  source: string;
  mountpoint: string;
  fstype: string;
  options: string[];
  /** where the entry was read: /etc/fstab, /proc/self/mounts, a mount unit's path, or systemd's own table */
  file: string;
  /** the line in `file`; 0 for a mount unit and for systemd's own mounts */
  line: number;
  /** the fields of a mount table line as written (escapes kept), for rewriting the line */
  fields?: string[];
  /** a mount systemd makes itself at boot when nothing configures it (SYSTEMD_OWN_MOUNTS) */
  systemdOwn?: boolean;
}

const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));

/** Parse fstab or /proc/self/mounts; with `strict`, a malformed line is an error instead of skipped. */
export function parseMountTable(text: string, file: string, strict = false): MountEntry[] {
  const out: MountEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const f = line.split(/\s+/);
    if (f.length < 4) {
      if (strict) throw new CheckError(`${file}:${i + 1} is not a mount table line: ${line.slice(0, 80)}`);
      return;
    }
    out.push({ source: unescape(f[0]), mountpoint: unescape(f[1]), fstype: f[2], options: f[3].split(','), file, line: i + 1, fields: f });
  });
  return out;
}

/** The systemd .mount unit's [Mount] section as a mount entry. */
export function parseMountUnit(text: string, file: string): MountEntry | null {
  const get = (k: string) => new RegExp(`^\\s*${k}\\s*=\\s*(.*)$`, 'm').exec(text)?.[1].trim();
  const where = get('Where');
  if (!where) return null;
  return { source: get('What') ?? '', mountpoint: where, fstype: get('Type') ?? '', options: (get('Options') ?? '').split(',').filter(Boolean), file, line: 0 };
}

/** A mount table field as fstab writes it: space, tab, newline and backslash as octal escapes. */
export const escapeMountField = (s: string) => s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

/**
 * Filesystems systemd mounts itself early at every boot when neither /etc/fstab nor a mount unit
 * configures them (the API filesystems of systemd's mount-setup.c, unchanged from systemd 219 of CentOS 7
 * and Alibaba Cloud Linux 2 to today). Only the ones a benchmark item asks about are listed: /dev/shm, a
 * tmpfs with nosuid and nodev, but without noexec.
 */
export const SYSTEMD_OWN_MOUNTS: readonly MountEntry[] = [
  { source: 'tmpfs', mountpoint: '/dev/shm', fstype: 'tmpfs', options: ['mode=1777', 'nosuid', 'nodev', 'strictatime'], file: "systemd's own mount table (mount-setup.c)", line: 0, systemdOwn: true },
];

export const systemdOwnMountAt = (path: string): MountEntry | undefined => SYSTEMD_OWN_MOUNTS.find((m) => m.mountpoint === path);

export const mountedFilesystems = defineFact('mounts-live', async ({ facts }) => {
  const text = await liveText(facts, '/proc/self/mounts', 'mounted filesystems (/proc/self/mounts)');
  if (text === null) throw new CheckError('/proc/self/mounts is missing on a live target');
  // the kernel writes this table: a line it cannot be parsed means something is wrong, never skip it
  return parseMountTable(text, '/proc/self/mounts', true);
});

const MOUNT_UNIT_FILES = ['/etc/systemd/system/*.mount', '/lib/systemd/system/*.mount', '/usr/lib/systemd/system/*.mount'];

/**
 * Filesystems configured to be mounted at boot: /etc/fstab, then enabled (not masked) .mount units such as
 * tmp.mount; fstab wins for a mountpoint it names.
 */
export const configuredMounts = defineFact('mounts-configured', async ({ facts }) => {
  const fstab = await facts.text('/etc/fstab');
  const entries = fstab === null ? [] : parseMountTable(fstab, '/etc/fstab');
  const units = await facts.get(systemdUnits);
  for (const r of await facts.readMany(MOUNT_UNIT_FILES)) {
    if (r.state !== 'file') continue;
    const state = units.state(r.path.split('/').pop()!);
    if (state.masked || !state.enabledBy.length || state.path !== r.path) continue;
    const e = parseMountUnit(r.content.toString('utf8'), r.path);
    if (e && !entries.some((x) => x.mountpoint === e.mountpoint)) entries.push(e);
  }
  return entries;
}, ['/etc/fstab', ...MOUNT_UNIT_FILES]);
