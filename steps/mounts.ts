/**
 * Steps about filesystem configuration: which directories are filesystems of their own and with which
 * options they are mounted, on the running system (/proc/self/mounts) and at boot (/etc/fstab and enabled
 * systemd mount units, and on systemd systems the mounts systemd makes itself, such as /dev/shm); removable
 * media mounts; the sticky bit on world-writable directories (from the one filesystem walk of the run); and
 * the automounter. Failing checks record their fix: mount options in the boot configuration
 * (src/remediation/mount-fixes.ts), the sticky bit, the automounter disabled; a missing partition is a
 * person's work (needsPerson), and so is remounting a running filesystem.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './support/evidence.js';
import { packageInstalled } from './support/packages.js';
import { configuredMounts, mountedFilesystems, systemdOwnMountAt, type MountEntry } from '../src/facts/mounts.js';
import { isRestrictingFlag, readMountFlag, type RestrictingFlag } from '../src/facts/mount-options.js';
import { configuredRemovableMedia, mountedRemovableMedia, type RemovableMediaMounts } from '../src/facts/removable-media.js';
import { filesystemScan } from '../src/facts/filesystem.js';
import { identities } from '../src/facts/accounts.js';
import { describeUnit, systemdUnits } from '../src/facts/systemd-units.js';
import { CheckError } from '../src/model/verdict.js';
import { bootOptionFix, configureOwnMountFix, noautoFix, separateFilesystemSteps } from '../src/remediation/mount-fixes.js';
import { permissionsFix, serviceDisableFix } from '../src/remediation/templates.js';

const normalise = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** The systemd mount unit name for a path, as systemd-escape --path makes it: /var/log → var-log.mount */
export function mountUnitName(path: string): string {
  const trimmed = normalise(path).replace(/^\/+/, '');
  if (!trimmed) return '-.mount';
  return `${trimmed.split('/').map((c) => c.replace(/[^A-Za-z0-9:_.]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('-')}.mount`;
}

function flagOf(option: string): RestrictingFlag {
  if (!isRestrictingFlag(option)) throw new CheckError(`"${option}" is not one of the mount options this check reads (nodev, nosuid, noexec)`);
  return option;
}

/** The mount the running system shows at a path: the last one listed there, on top of any earlier. */
function liveMountAt(mounts: MountEntry[], path: string): MountEntry | undefined {
  return mounts.filter((m) => normalise(m.mountpoint) === path).pop();
}

/** The filesystem a path is part of when nothing is mounted on it: the longest mount point above it. */
function enclosingMount(mounts: MountEntry[], path: string): MountEntry | undefined {
  return mounts
    .filter((m) => m.mountpoint === '/' || path.startsWith(`${normalise(m.mountpoint)}/`))
    .reduce<MountEntry | undefined>((best, m) => (!best || m.mountpoint.length >= best.mountpoint.length ? m : best), undefined);
}

/** noauto (unless a later auto) keeps a configured mount from being mounted at boot. */
const readNoauto = (m: MountEntry) => m.options.lastIndexOf('noauto') > m.options.lastIndexOf('auto');

const liveSource = (m: MountEntry) => `${m.file}:${m.line}`;
const liveLine = (m: MountEntry) => `${m.source} ${m.mountpoint} ${m.fstype} ${m.options.join(',')}`;

/** Evidence for a configured mount: an fstab line, a systemd mount unit, or a mount systemd makes itself. */
function configuredSource(m: MountEntry): string {
  return m.line ? `${m.file}:${m.line}` : m.file;
}
function configuredLine(m: MountEntry): string {
  if (m.systemdOwn) return `${m.fstype} on ${m.mountpoint}, options ${m.options.join(',')} (mounted by systemd itself at boot when nothing configures ${m.mountpoint})`;
  return m.line
    ? `${m.source} ${m.mountpoint} ${m.fstype} ${m.options.join(',')}`
    : `What=${m.source} Where=${m.mountpoint} Type=${m.fstype} Options=${m.options.join(',')} (enabled mount unit)`;
}

/** The boot configuration of a path: every entry for it (recorded), and the one that applies (fstab's last, else the unit). */
async function configuredMountAt(world: CisWorld, path: string): Promise<MountEntry | undefined> {
  // a scenario asks twice (does the item apply, then the options): the evidence is recorded once
  const key = `configured mount at ${path}`;
  if (key in world.subject) return world.subject[key] as MountEntry | undefined;
  const all = (await world.fact(configuredMounts)).filter((m) => normalise(m.mountpoint) === path);
  for (const m of all) world.record(configuredSource(m), configuredLine(m));
  const fstab = all.filter((m) => m.line);
  if (fstab.length > 1) world.record('/etc/fstab', `${fstab.length} lines mount ${path}: the last one, line ${fstab[fstab.length - 1].line}, is mounted on top at boot`);
  const chosen = fstab.length ? fstab[fstab.length - 1] : all[0];
  world.subject[key] = chosen;
  return chosen;
}

/** Evidence when nothing is configured for a path: that fstab has no line and what the matching unit is. */
async function recordNothingConfigured(world: CisWorld, path: string): Promise<void> {
  const key = `nothing configured at ${path}`;
  if (key in world.subject) return;
  world.subject[key] = true;
  const unit = (await world.fact(systemdUnits)).state(mountUnitName(path));
  world.record('/etc/fstab and systemd mount units', `no /etc/fstab line mounts ${path}; ${describeUnit(unit)}`);
}

Then('the mount point {string} has a filesystem of its own on the running system', async function (this: CisWorld, rawPath: string) {
  const path = normalise(rawPath);
  const mounts = await this.liveFact(mountedFilesystems);
  if (!mounts) return;
  const m = liveMountAt(mounts, path);
  if (!m) {
    const outer = enclosingMount(mounts, path);
    this.record('/proc/self/mounts', `nothing is mounted at ${path}${outer ? `; it is part of the filesystem mounted at ${outer.mountpoint} (${outer.fstype} from ${outer.source}, line ${outer.line})` : ''}`);
    this.needsPerson(separateFilesystemSteps(path));
    this.fail(`${path} is not a separate filesystem on the running system`);
  }
  this.record(liveSource(m), liveLine(m));
});

Then('the mount point {string} is configured to be mounted at boot', async function (this: CisWorld, rawPath: string) {
  const path = normalise(rawPath);
  const m = await configuredMountAt(this, path);
  if (!m) {
    await recordNothingConfigured(this, path);
    // a mount systemd makes by itself (/dev/shm) is written into fstab as it is; anything else needs a filesystem
    const own = systemdOwnMountAt(path);
    if (own) this.remedy(configureOwnMountFix(own));
    else this.needsPerson(separateFilesystemSteps(path));
    this.fail(`${path} is not configured to be mounted at boot: no /etc/fstab line and no enabled systemd mount unit`);
  }
  if (readNoauto(m)) {
    this.remedy(noautoFix(m));
    this.fail(`${configuredSource(m)} has the option noauto: ${path} is not mounted at boot`);
  }
});

/** The item does not apply when nothing is configured for a path and (on a running system) nothing is mounted there. */
async function separateMountOrNotApplicable(world: CisWorld, path: string): Promise<'skipped' | undefined> {
  const mounts = await world.liveFact(mountedFilesystems);
  const mounted = mounts && liveMountAt(mounts, path);
  if (mounted) {
    world.record(liveSource(mounted), `a filesystem is mounted at ${path} on the running system`);
    return undefined;
  }
  if (mounts) world.record('/proc/self/mounts', `nothing is mounted at ${path} on the running system`);
  const live = mounts ? 'and nothing is mounted on it' : 'the running system was not checked (offline root filesystem)';
  return world.notApplicable(`${path} is not a separate mount (see the item about its partition): nothing is configured for it at boot; ${live}`);
}

Given('the mount point {string} is a separate mount, or the item does not apply', async function (this: CisWorld, rawPath: string) {
  const path = normalise(rawPath);
  if (await configuredMountAt(this, path)) return undefined;
  await recordNothingConfigured(this, path);
  return separateMountOrNotApplicable(this, path);
});

/**
 * As above, but when nothing configures the path and the system boots with systemd, the mount systemd makes
 * there itself (SYSTEMD_OWN_MOUNTS: /dev/shm) is its boot configuration: it is mounted at every boot with
 * systemd's options.
 */
Given('the mount point {string} is a separate mount, counting the mount systemd makes there itself at boot, or the item does not apply', async function (this: CisWorld, rawPath: string) {
  const path = normalise(rawPath);
  if (await configuredMountAt(this, path)) return undefined;
  await recordNothingConfigured(this, path);
  const own = systemdOwnMountAt(path);
  if (own && await packageInstalled(this, 'systemd')) {
    this.record(configuredSource(own), configuredLine(own));
    this.subject[`configured mount at ${path}`] = own;
    return undefined;
  }
  return separateMountOrNotApplicable(this, path);
});

/**
 * Read one flag on one mount and record it; `line` is quoted with the reading when it was not recorded
 * before. Returns the failure message when the flag is not in force (the caller records the fix, then fails).
 */
function readFlag(world: CisWorld, options: string[], flag: RestrictingFlag, source: string, what: string, line?: string): string | null {
  const r = readMountFlag(options, flag);
  const how = r.set ? `${flag} is set (by ${r.decidedBy})` : r.decidedBy ? `${flag} is turned off by "${r.decidedBy}"` : `${flag} is not among the options`;
  world.record(source, `${line ? `${line}\n` : ''}${what}: ${how}`);
  return r.set ? null : `${what}: ${how}`;
}

/** The running mount lacks a flag: fix the boot configuration too when it lacks it, and a person remounts. */
async function remedyRunningMount(world: CisWorld, path: string, flag: RestrictingFlag): Promise<void> {
  const boot = (await configuredMountAt(world, path)) ?? systemdOwnMountAt(path);
  if (boot && !readMountFlag(boot.options, flag).set) world.remedy(bootOptionFix(boot, flag));
  world.needsPerson([
    ...(boot ? [] : separateFilesystemSteps(path)),
    `once the boot configuration of ${path} has ${flag}, mount it again with it: mount -o remount,${flag} ${path} (or reboot)`,
  ]);
}

Then('the mount point {string} is mounted with the option {string} on the running system', async function (this: CisWorld, rawPath: string, option: string) {
  const path = normalise(rawPath);
  const flag = flagOf(option);
  const mounts = await this.liveFact(mountedFilesystems);
  if (!mounts) return;
  const m = liveMountAt(mounts, path);
  if (!m) {
    this.record('/proc/self/mounts', `nothing is mounted at ${path}`);
    this.needsPerson([`mount ${path} as its boot configuration says (mount ${path}), or reboot`]);
    this.fail(`${path} is configured as a separate mount but is not mounted on the running system, so its options are not in force`);
  }
  const failure = readFlag(this, m.options, flag, liveSource(m), `the filesystem mounted at ${path}`, liveLine(m));
  if (failure) {
    await remedyRunningMount(this, path, flag);
    this.fail(failure);
  }
});

Then('the mount point {string} is configured to be mounted with the option {string} at boot', async function (this: CisWorld, rawPath: string, option: string) {
  const path = normalise(rawPath);
  const flag = flagOf(option);
  const m = await configuredMountAt(this, path);
  if (!m) {
    await recordNothingConfigured(this, path);
    // mounted now but not configured: systemd's own mount (/dev/shm) goes into fstab with the flag added
    const own = systemdOwnMountAt(path);
    if (own) this.remedy(bootOptionFix(own, flag));
    else this.needsPerson(separateFilesystemSteps(path));
    this.fail(`${path} is not configured to be mounted at boot (no /etc/fstab line, no enabled systemd mount unit), so ${flag} is not set at boot`);
  }
  const failure = readFlag(this, m.options, flag, configuredSource(m), `the boot configuration of ${path}`);
  if (failure) {
    this.remedy(bootOptionFix(m, flag));
    this.fail(failure);
  }
});

/** Check every removable media mount found for a flag; record each and what was examined; fix those without it. */
function decideRemovable(world: CisWorld, media: RemovableMediaMounts, flag: RestrictingFlag, source: string, where: string, lineOf: (m: MountEntry) => string, sourceOf: (m: MountEntry) => string, fix: (missing: MountEntry[]) => void): void {
  if (!media.found.length) {
    world.record(source, `no removable media mount among the ${media.examined} ${media.examined === 1 ? where.replace(/^(\w+)s\b/, '$1') : where}`);
    return;
  }
  const missing: MountEntry[] = [];
  for (const { entry, why } of media.found) {
    const r = readMountFlag(entry.options, flag);
    world.record(sourceOf(entry), `${lineOf(entry)}\nremovable media: ${why}; ${r.set ? `${flag} is set (by ${r.decidedBy})` : `${flag} is not set`}`);
    if (!r.set) missing.push(entry);
  }
  if (missing.length) {
    fix(missing);
    world.fail(`removable media ${where} without ${flag}: ${missing.map((m) => m.mountpoint).join(', ')}`);
  }
}

Then('every removable media mount configured at boot has the option {string}', async function (this: CisWorld, option: string) {
  const media = await this.fact(configuredRemovableMedia);
  const flag = flagOf(option);
  decideRemovable(this, media, flag, '/etc/fstab and enabled systemd mount units', 'mounts configured at boot', configuredLine, configuredSource,
    (missing) => { for (const m of missing) this.remedy(bootOptionFix(m, flag)); });
});

Then('every removable media filesystem mounted on the running system has the option {string}', async function (this: CisWorld, option: string) {
  const media = await this.liveFact(mountedRemovableMedia);
  if (!media) return;
  const flag = flagOf(option);
  decideRemovable(this, media, flag, '/proc/self/mounts', 'filesystems mounted on the running system', liveLine, liveSource,
    (missing) => this.needsPerson(missing.map((m) => `mount ${m.mountpoint} again with ${flag} (mount -o remount,${flag} ${m.mountpoint}), or unmount it and mount it with ${flag}; a desktop's automounter (udisks) takes its options from its own configuration`)));
});

Then('every directory on them that every user can write has the sticky bit set', async function (this: CisWorld) {
  const scan = await this.fact(filesystemScan);
  const found = scan.worldWritableDirsWithoutSticky;
  const source = `walk of ${scan.roots.join(' ')} without crossing filesystems`;
  if (found.total === 0) {
    this.record(source, `world-writable directories without the sticky bit: none among ${scan.entriesWalked} entries`);
    return;
  }
  const ids = await this.fact(identities);
  const lines = found.entries.map((e) => `${e.path} (mode ${formatMode(e.mode)}, owner ${ids.userName(e.uid) ?? `uid ${e.uid}`}:${ids.groupName(e.gid) ?? `gid ${e.gid}`})`);
  this.record(source, `world-writable directories without the sticky bit: ${found.total}\n${capped(lines, found.total)}`);
  const more = found.total - found.entries.length;
  this.remedy(permissionsFix(
    `set the sticky bit on ${found.entries.length} world-writable director${found.entries.length === 1 ? 'y' : 'ies'}${more > 0 ? ` (the first ${found.entries.length}; ${more} more are found again by the next audit)` : ''}`,
    found.entries.map((e) => ({ path: e.path, mode: (e.mode & 0o7777) | 0o1000 })),
  ));
  this.fail(`world-writable directories without the sticky bit: ${found.total}, e.g. ${found.entries.slice(0, 3).map((e) => e.path).join(', ')}`);
});

Then('the automount service {string} is not enabled, or its package is not installed', async function (this: CisWorld, name: string) {
  await packageInstalled(this, name);
  const unit = (await this.fact(systemdUnits)).state(`${name}.service`);
  this.record('systemd unit files', describeUnit(unit));
  if (unit.path && unit.enabledBy.length && !unit.masked) {
    // disabling is removing the links that pull the unit in at boot, as `systemctl disable` does
    this.remedy(serviceDisableFix([unit.name], unit.enabledBy));
    this.fail(`${unit.name} is enabled (${unit.enabledBy.join(', ')}): removable media are mounted automatically`);
  }
});
