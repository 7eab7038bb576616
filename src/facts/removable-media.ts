/**
 * Mounts of removable media (USB sticks, memory cards, optical discs, floppies), among the filesystems
 * configured to mount at boot and those mounted on a running system. A mount counts as removable media
 * when any of these says so, and the reason is kept for evidence:
 * - its mount point is under /media or /run/media (where desktops and udisks mount plugged-in media), or
 *   a component of it names such media (cdrom, dvd, floppy, usb, usb-stick, sdcard);
 * - its device is an optical or floppy drive (/dev/sr0, /dev/cdrom, /dev/fd0, ...) or a USB disk as udev
 *   names it (/dev/disk/by-id/usb-...);
 * - its filesystem type is one of optical discs (iso9660, udf);
 * - on a running system, the kernel marks its disk removable (/sys/block/<disk>/removable is 1).
 */
import { CheckError } from '../model/verdict.js';
import { configuredMounts, mountedFilesystems, type MountEntry } from './mounts.js';
import { defineFact } from './store.js';

const MEDIA_DIRS = ['/media', '/run/media'];
const MEDIA_NAME = /^(cdrom|cdrw|dvd|dvdrw|floppy|usb(?:[-_]?(?:disk|stick|drive|key|flash))?|sdcard|sd-card|memstick)\d*$/i;
const MEDIA_DEVICE = /^\/dev\/(sr\d+|scd\d+|fd\d+|cdrom\d*|cdrw\d*|dvd\w*|floppy\w*|disk\/by-id\/usb-.*)$/;
const MEDIA_FSTYPES = new Set(['iso9660', 'udf']);

export interface RemovableMediaMount { entry: MountEntry; why: string }

export interface RemovableMediaMounts {
  /** how many mount entries were examined */
  examined: number;
  found: RemovableMediaMount[];
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** The disk a block device belongs to, by the kernel's naming: sdb1 → sdb, mmcblk0p1 → mmcblk0, nvme0n1p2 → nvme0n1. */
export function diskOf(device: string): string {
  const name = device.replace(/^\/dev\//, '');
  const m = /^((?:mmcblk|nvme\d+n|loop|md|nbd)\d+)p\d+$/.exec(name) ?? /^((?:sd|hd|vd|xvd)[a-z]+)\d+$/.exec(name);
  return m ? m[1] : name;
}

/** Why a mount is of removable media, or null when nothing says so. */
export function removableMediaReason(e: MountEntry, removableDisks: ReadonlySet<string> = new Set()): string | null {
  const dir = MEDIA_DIRS.find((d) => under(e.mountpoint, d));
  if (dir) return `mounted under ${dir}, where removable media are mounted`;
  const named = e.mountpoint.split('/').find((c) => MEDIA_NAME.test(c));
  if (named) return `the mount point names removable media ("${named}")`;
  if (MEDIA_DEVICE.test(e.source)) return `${e.source} is a removable media device`;
  if (MEDIA_FSTYPES.has(e.fstype)) return `${e.fstype} is a filesystem of optical discs`;
  if (e.source.startsWith('/dev/') && removableDisks.size) {
    const disk = diskOf(e.source);
    if (removableDisks.has(disk)) return `the kernel marks the disk ${disk} removable (/sys/block/${disk}/removable)`;
  }
  return null;
}

export function findRemovableMedia(entries: MountEntry[], removableDisks: ReadonlySet<string> = new Set()): RemovableMediaMounts {
  const found: RemovableMediaMount[] = [];
  for (const entry of entries) {
    const why = removableMediaReason(entry, removableDisks);
    if (why) found.push({ entry, why });
  }
  return { examined: entries.length, found };
}

/** Parse `grep -H . /sys/block/<disk>/removable` output into the disks marked removable. */
export function parseRemovableFlags(text: string): Set<string> {
  const disks = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const m = /^\/sys\/block\/([^/\s]+)\/removable:([01])$/.exec(line.trim());
    if (!m) throw new CheckError(`/sys/block/*/removable line ${i + 1} is not understood: ${line.slice(0, 120)}`);
    if (m[2] === '1') disks.add(m[1]);
  });
  return disks;
}

/** Removable media among the filesystems configured to mount at boot (/etc/fstab, enabled mount units). */
export const configuredRemovableMedia = defineFact<RemovableMediaMounts>('removable-media-configured', async ({ facts }) =>
  findRemovableMedia(await facts.get(configuredMounts)));

/** Removable media among the filesystems mounted now (running systems only; one command for the disk flags). */
export const mountedRemovableMedia = defineFact<RemovableMediaMounts>('removable-media-mounted', async ({ facts }) => {
  const mounts = await facts.get(mountedFilesystems);
  const r = await facts.command('removable disks (/sys/block/*/removable)', 'grep -H . /sys/block/*/removable 2>/dev/null; true');
  return findRemovableMedia(mounts, parseRemovableFlags(r.stdout.toString('utf8')));
});
