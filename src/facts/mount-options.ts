/**
 * What a list of mount options means for the three restricting flags the benchmark asks about (nodev,
 * nosuid, noexec), read the way mount(8) reads an option list: a later option overrides an earlier one;
 * "user" and "users" imply noexec, nosuid and nodev, "owner" and "group" imply nosuid and nodev, each
 * unless a later option says otherwise; "defaults" changes none of the three. The kernel's own table
 * (/proc/self/mounts) always spells the flags out, so the same reading serves it and /etc/fstab.
 */

export type RestrictingFlag = 'nodev' | 'nosuid' | 'noexec';

export const RESTRICTING_FLAGS: readonly RestrictingFlag[] = ['nodev', 'nosuid', 'noexec'];

/** The option that turns each flag off again. */
const OPPOSITE: Record<RestrictingFlag, string> = { nodev: 'dev', nosuid: 'suid', noexec: 'exec' };

/** Options that switch some restricting flags on as a side effect. */
const IMPLIES: Record<string, RestrictingFlag[]> = {
  user: ['noexec', 'nosuid', 'nodev'],
  users: ['noexec', 'nosuid', 'nodev'],
  owner: ['nosuid', 'nodev'],
  group: ['nosuid', 'nodev'],
};

export function isRestrictingFlag(s: string): s is RestrictingFlag {
  return (RESTRICTING_FLAGS as readonly string[]).includes(s);
}

export interface FlagReading {
  /** whether the flag is in force after the whole list is read */
  set: boolean;
  /** the option that decided it ("nodev", "user" (implies nodev), "dev"), or null when no option touched it */
  decidedBy: string | null;
}

/** Whether `flag` is in force for a mount with these options. */
export function readMountFlag(options: readonly string[], flag: RestrictingFlag): FlagReading {
  let reading: FlagReading = { set: false, decidedBy: null };
  for (const raw of options) {
    const o = raw.trim();
    if (o === flag) reading = { set: true, decidedBy: o };
    else if (o === OPPOSITE[flag]) reading = { set: false, decidedBy: o };
    else if (IMPLIES[o]?.includes(flag)) reading = { set: true, decidedBy: `${o} (implies ${flag})` };
  }
  return reading;
}

/**
 * The option list with `flag` in force, changed as little as possible: the options that turn it off
 * ("dev", "suid", "exec") are removed, and the flag is appended unless the list already ends with it in
 * force. Used to write the boot configuration a remediation proposes.
 */
export function withMountFlag(options: readonly string[], flag: RestrictingFlag): string[] {
  const kept = options.map((o) => o.trim()).filter((o) => o && o !== OPPOSITE[flag]);
  return readMountFlag(kept, flag).set ? kept : [...kept, flag];
}

/** The option list without the options that keep a filesystem from being mounted at boot ("noauto"). */
export function withoutNoauto(options: readonly string[]): string[] {
  return options.map((o) => o.trim()).filter((o) => o && o !== 'noauto');
}
