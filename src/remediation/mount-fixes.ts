/**
 * Remediations for the boot configuration of mounts: which file to change so that a filesystem is mounted
 * with other options at the next boot, and the steps a person follows to give a directory a filesystem of
 * its own. Pure functions of the mount entry the audit read (src/facts/mounts.ts).
 *
 * Where the change goes, the same way the audit reads the boot configuration:
 * - an /etc/fstab line: the active lines for the mount point are commented out and the line is written
 *   again with the new options (the other fields as they were written);
 * - an enabled mount unit under /etc/systemd/system: its Options= line is set;
 * - a vendor mount unit (/usr/lib/systemd/system/tmp.mount) or a mount systemd makes itself (/dev/shm): an
 *   /etc/fstab line with the unit's source, type and options, which takes precedence at boot. Vendor files
 *   are not edited: a package update would put them back.
 *
 * Each fix writes the whole option list it read plus its own option. Fixes of several options of one mount
 * in the same run therefore do not add up: the last one's line stands, and the next run adds the next
 * option (the edit operations of src/model/remediation.ts cannot add an option to a line in place).
 *
 * A mount systemd makes by itself (/dev/shm: shared memory every process can write to) is written into
 * /etc/fstab with all three restricting options (nodev, nosuid, noexec) added to systemd's own: the
 * benchmarks ask for all three there, and a line with fewer would turn an item that did not apply
 * before (nothing configured) into a failing one.
 *
 * A change of the boot configuration takes effect at the next boot, or when the filesystem is mounted
 * again (mount -o remount).
 */
import type { Change, Remediation } from '../model/remediation.js';
import { escapeMountField, type MountEntry } from '../facts/mounts.js';
import { RESTRICTING_FLAGS, withMountFlag, withoutNoauto, type RestrictingFlag } from '../facts/mount-options.js';
import { commentOutLines, editFile, ensureLine, reEscape, remediation, rootFile, setKey } from './templates.js';

export const FSTAB = '/etc/fstab';
const ROOT_FILE = rootFile(0o644);


/**
 * A regular expression (source) matching the /etc/fstab lines that mount on `path`, trailing slashes
 * allowed, except the line `keep` (the one a fix writes, so that applying the fix again changes nothing).
 */
export function fstabLinesFor(path: string, keep?: string): string {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return `^${keep ? `(?!${reEscape(keep)}$)` : ''}\\s*\\S+\\s+${reEscape(escapeMountField(p))}/*\\s`;
}

/** The /etc/fstab line for a mount entry with other options: its own fields as written, or fields made from a unit. */
export function fstabLine(e: MountEntry, options: readonly string[]): string {
  const fields = e.fields
    ? [...e.fields]
    : [escapeMountField(e.source || e.fstype || 'none'), escapeMountField(e.mountpoint), e.fstype || 'auto', '', '0', '0'];
  fields[3] = options.length ? options.join(',') : 'defaults';
  return fields.join(' ');
}

const isEtcUnit = (e: MountEntry) => !e.line && !e.systemdOwn && e.file.startsWith('/etc/systemd/system/');

/** The change that makes the boot configuration of `e` mount it with `options`. */
export function bootMountChange(e: MountEntry, options: readonly string[]): Change {
  if (isEtcUnit(e)) {
    return editFile(e.file, [setKey('Options', options.join(','), '=')]);
  }
  // the new line, then every other line for the mount point commented out: the one read, and any line an
  // earlier fix of the same run wrote
  const line = fstabLine(e, options);
  const edits = [ensureLine(line), commentOutLines(fstabLinesFor(e.mountpoint, line))];
  return editFile(FSTAB, edits, e.line && e.file === FSTAB ? undefined : ROOT_FILE);
}

function where(e: MountEntry): string {
  if (isEtcUnit(e)) return `Options= of ${e.file}`;
  if (e.line && e.file === FSTAB) return `the ${FSTAB} line for ${e.mountpoint}`;
  return `an ${FSTAB} line for ${e.mountpoint} (it takes precedence over ${e.systemdOwn ? "systemd's own mount" : e.file})`;
}

/** systemd's own options for a mount it makes itself, with every restricting option added. */
export function ownMountOptions(e: MountEntry): string[] {
  return RESTRICTING_FLAGS.reduce<string[]>((options, flag) => withMountFlag(options, flag), [...e.options]);
}

/** Mount `e` with `flag` from the next boot on (systemd's own mount: with every restricting option). */
export function bootOptionFix(e: MountEntry, flag: RestrictingFlag): Remediation {
  const options = e.systemdOwn ? withMountFlag(ownMountOptions(e), flag) : withMountFlag(e.options, flag);
  return remediation(
    `mount ${e.mountpoint} with ${flag} at boot: ${where(e)} gets the options ${options.join(',')} (in force after a reboot or mount -o remount,${flag} ${e.mountpoint})`,
    [bootMountChange(e, options)],
  );
}

/** Mount `e` at boot: the same entry without noauto. */
export function noautoFix(e: MountEntry): Remediation {
  const options = withoutNoauto(e.options);
  return remediation(`mount ${e.mountpoint} at boot: ${where(e)} without noauto (options ${options.join(',') || 'defaults'})`, [bootMountChange(e, options)]);
}

/**
 * Write what systemd mounts by itself into /etc/fstab, so the mount is configured: systemd's options with
 * nodev, nosuid and noexec added (the options the benchmarks ask for on it; see the header).
 */
export function configureOwnMountFix(e: MountEntry): Remediation {
  const options = ownMountOptions(e);
  const added = options.filter((o) => !e.options.includes(o));
  return remediation(
    `configure ${e.mountpoint} in ${FSTAB} as systemd mounts it (${e.options.join(',')})${added.length ? ` with ${added.join(', ')} added` : ''}: options ${options.join(',')}`,
    [editFile(FSTAB, [ensureLine(fstabLine(e, options))], ROOT_FILE)],
  );
}

/** Directories that can be a memory-backed tmpfs instead of a partition (their content need not survive a reboot). */
const TMPFS_SUITABLE = new Set(['/tmp']);

/** What a person does to give `path` a filesystem of its own (re-partitioning is never automated). */
export function separateFilesystemSteps(path: string): string[] {
  return [
    `give ${path} a filesystem of its own: a new partition, or a logical volume (lvcreate in a volume group with free space), sized for what ${path} holds and will hold`,
    `make a filesystem on it and copy the content of ${path} onto it keeping owners, modes, ACLs and SELinux labels (cp -a, or rsync -aAXH), from single-user mode or with the services that write to ${path} stopped`,
    `add an ${FSTAB} line mounting it on ${path}, with the mount options the benchmark asks for on ${path}, then mount it (mount ${path}) or reboot; check with findmnt ${path}`,
    ...(TMPFS_SUITABLE.has(path)
      ? [`or, without re-partitioning, mount a memory-backed tmpfs on ${path} (emptied at every boot): an ${FSTAB} line "tmpfs ${path} tmpfs defaults,rw,nosuid,nodev,noexec,relatime 0 0", or systemctl unmask tmp.mount && systemctl enable tmp.mount with those options in its Options=`]
      : []),
  ];
}
