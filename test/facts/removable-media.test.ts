/** Which mounts count as removable media, on real mount tables, fstab lines and /sys/block output. */
import { describe, expect, it } from 'vitest';
import { diskOf, findRemovableMedia, parseRemovableFlags, removableMediaReason } from '../../src/facts/removable-media.js';
import { parseMountTable, type MountEntry } from '../../src/facts/mounts.js';

/** /proc/self/mounts inside a container of the Ubuntu 18.04 fixture image started with --tmpfs /tmp. */
const CONTAINER_MOUNTS = `overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/APZV:/var/lib/docker/overlay2/l/ACQR,upperdir=/var/lib/docker/overlay2/e5b4/diff,workdir=/var/lib/docker/overlay2/e5b4/work 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0
devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0
sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0
mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0
shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/vda /etc/resolv.conf ext4 rw,relatime,discard,resv_strict,resuid=65534,resgid=65534 0 0
/dev/vda /etc/hostname ext4 rw,relatime,discard,resv_strict,resuid=65534,resgid=65534 0 0
/dev/vda /etc/hosts ext4 rw,relatime,discard,resv_strict,resuid=65534,resgid=65534 0 0
`;

/** An Ubuntu 18.04 desktop with a USB stick mounted by udisks, a DVD, a memory card and snaps. */
const DESKTOP_MOUNTS = `/dev/mapper/vg-root / ext4 rw,relatime,errors=remount-ro 0 0
/dev/loop0 /snap/core/9665 squashfs ro,nodev,relatime 0 0
/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077 0 0
/dev/sdb1 /media/ops/USB\\040DISK vfat rw,nosuid,nodev,relatime,uid=1000,gid=1000,uhelper=udisks2 0 0
/dev/sr0 /media/ops/UBUNTU iso9660 ro,nosuid,nodev,relatime,nojoliet,uhelper=udisks2 0 0
/dev/mmcblk0p1 /srv/camera exfat rw,relatime 0 0
/dev/sdc2 /srv/backup ext4 rw,relatime 0 0
`;

/** The Debian installer's CD-ROM line and a few other fstab lines. */
const FSTAB = `# /etc/fstab: static file system information.
UUID=0a3407de-014b-458b-b5c1-848e92a327a3 /               ext4    errors=remount-ro 0       1
/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0
/dev/fd0 /mnt/floppy auto user,noauto 0 0
tmpfs /tmp tmpfs defaults,nodev,nosuid,noexec 0 0
LABEL=stick /mnt/usb-stick vfat noauto,nodev 0 0
`;

const SYS_BLOCK = `/sys/block/loop0/removable:0
/sys/block/mmcblk0/removable:1
/sys/block/nvme0n1/removable:0
/sys/block/sdb/removable:1
/sys/block/sdc/removable:0
/sys/block/sr0/removable:1
`;

const entry = (source: string, mountpoint: string, fstype = 'ext4'): MountEntry => ({ source, mountpoint, fstype, options: [], file: '/etc/fstab', line: 1 });

describe('removable media', () => {
  it('finds none in a container', () => {
    const r = findRemovableMedia(parseMountTable(CONTAINER_MOUNTS, '/proc/self/mounts', true), parseRemovableFlags('/sys/block/vda/removable:0\n/sys/block/loop0/removable:0\n'));
    expect(r).toEqual({ examined: 11, found: [] });
  });

  it('finds the stick, the disc and the memory card on a desktop, not the snaps or the internal disks', () => {
    const r = findRemovableMedia(parseMountTable(DESKTOP_MOUNTS, '/proc/self/mounts', true), parseRemovableFlags(SYS_BLOCK));
    expect(r.found.map((f) => [f.entry.mountpoint, f.why])).toEqual([
      ['/media/ops/USB DISK', 'mounted under /media, where removable media are mounted'],
      ['/media/ops/UBUNTU', 'mounted under /media, where removable media are mounted'],
      ['/srv/camera', 'the kernel marks the disk mmcblk0 removable (/sys/block/mmcblk0/removable)'],
    ]);
  });

  it('without the kernel\'s flags, a card at an ordinary mount point is not recognised', () => {
    expect(findRemovableMedia(parseMountTable(DESKTOP_MOUNTS, '/proc/self/mounts', true)).found.map((f) => f.entry.mountpoint))
      .toEqual(['/media/ops/USB DISK', '/media/ops/UBUNTU']);
  });

  it('finds the CD-ROM, floppy and USB lines of an fstab', () => {
    const r = findRemovableMedia(parseMountTable(FSTAB, '/etc/fstab'));
    expect(r.examined).toBe(5);
    expect(r.found.map((f) => `${f.entry.file}:${f.entry.line} ${f.why}`)).toEqual([
      '/etc/fstab:3 mounted under /media, where removable media are mounted',
      '/etc/fstab:4 the mount point names removable media ("floppy")',
      '/etc/fstab:6 the mount point names removable media ("usb-stick")',
    ]);
  });

  it('recognises removable devices, disc types and mount point names', () => {
    expect(removableMediaReason(entry('/dev/sr1', '/srv/x'))).toBe('/dev/sr1 is a removable media device');
    expect(removableMediaReason(entry('/dev/cdrom', '/srv/x'))).toBe('/dev/cdrom is a removable media device');
    expect(removableMediaReason(entry('/dev/disk/by-id/usb-Kingston_DT_0011-0:0-part1', '/srv/x'))).toMatch(/is a removable media device/);
    expect(removableMediaReason(entry('/srv/a.iso', '/srv/x', 'iso9660'))).toBe('iso9660 is a filesystem of optical discs');
    expect(removableMediaReason(entry('/dev/sdb1', '/run/media/ops/STICK', 'vfat'))).toBe('mounted under /run/media, where removable media are mounted');
    expect(removableMediaReason(entry('/dev/sdb1', '/mnt/cdrom1'))).toBe('the mount point names removable media ("cdrom1")');
  });

  it('does not take ordinary mounts for removable media', () => {
    for (const e of [entry('/dev/sda1', '/'), entry('/dev/sda2', '/home'), entry('tmpfs', '/tmp', 'tmpfs'), entry('/dev/sdb1', '/mnt/data'),
      entry('/dev/sda3', '/mediafiles'), entry('server:/export', '/srv/usbdocs-archive', 'nfs4'), entry('/dev/sdb1', '/srv/x')]) {
      expect(removableMediaReason(e, new Set(['sdc'])), e.mountpoint).toBeNull();
    }
  });

  it('maps partitions to their disks as the kernel names them', () => {
    expect(['/dev/sdb1', '/dev/sdb', '/dev/mmcblk0p1', '/dev/mmcblk0', '/dev/nvme0n1p2', '/dev/vda3', '/dev/xvdf1', '/dev/sr0', '/dev/mapper/vg-home'].map(diskOf))
      .toEqual(['sdb', 'sdb', 'mmcblk0', 'mmcblk0', 'nvme0n1', 'vda', 'xvdf', 'sr0', 'mapper/vg-home']);
  });

  it('parses /sys/block flags and refuses anything else', () => {
    expect([...parseRemovableFlags(SYS_BLOCK)]).toEqual(['mmcblk0', 'sdb', 'sr0']);
    expect(parseRemovableFlags('')).toEqual(new Set());
    expect(() => parseRemovableFlags('/sys/block/sda/removable:yes\n')).toThrow(/line 1 is not understood/);
    expect(() => parseRemovableFlags('grep: /sys/block: Permission denied\n')).toThrow(/not understood/);
  });
});
