/**
 * The pure parts of the filesystem walk: which mounts are walked (from real mount tables, parsed by the
 * shared mounts fact), how entries are classified, how findings are collected while the walk streams.
 */
import { describe, expect, it } from 'vitest';
import { classifyEntry, EXCLUDED_FS_TYPES, isLocalFsType, parseDpkgVerify, ScanCollector, walkRoots } from '../../src/facts/filesystem.js';
import { parseMountTable } from '../../src/facts/mounts.js';
import type { WalkEntry } from '../../src/targets/target.js';

/** /proc/self/mounts inside a container of the Ubuntu 18.04 fixture image (docker, overlay2). */
const CONTAINER_MOUNTS = `overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/5ZRB:/var/lib/docker/overlay2/l/ACQR,upperdir=/var/lib/docker/overlay2/a582/diff,workdir=/var/lib/docker/overlay2/a582/work 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0
devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0
sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0
tmpfs /sys/fs/cgroup tmpfs rw,nosuid,nodev,noexec,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup ro,nosuid,nodev,noexec,relatime,cpu 0 0
mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0
shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0
/dev/vda /etc/resolv.conf ext4 rw,relatime,discard 0 0
/dev/vda /etc/hostname ext4 rw,relatime,discard 0 0
/dev/vda /etc/hosts ext4 rw,relatime,discard 0 0
proc /proc/bus proc ro,nosuid,nodev,noexec,relatime 0 0
tmpfs /proc/acpi tmpfs ro,relatime 0 0
tmpfs /proc/keys tmpfs rw,nosuid,size=65536k,mode=755 0 0
tmpfs /sys/firmware tmpfs ro,relatime 0 0
`;

/** An Ubuntu 18.04 desktop-style host: snaps, a separate /home, NFS, sshfs, a USB disk with a space in its label. */
const HOST_MOUNTS = `sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
udev /dev devtmpfs rw,nosuid,relatime,size=8137616k,nr_inodes=2034404,mode=755 0 0
devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0
tmpfs /run tmpfs rw,nosuid,noexec,relatime,size=1632548k,mode=755 0 0
/dev/mapper/vg-root / ext4 rw,relatime,errors=remount-ro 0 0
securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime 0 0
systemd-1 /proc/sys/fs/binfmt_misc autofs rw,relatime,fd=32,pgrp=1,timeout=0,minproto=5,maxproto=5,direct 0 0
hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0
/dev/loop0 /snap/core/9665 squashfs ro,nodev,relatime 0 0
/dev/sda1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077 0 0
/dev/mapper/vg-home /home ext4 rw,relatime 0 0
fileserver:/export/shared /srv/shared nfs4 rw,relatime,vers=4.2,addr=10.0.0.5 0 0
//nas/media /mnt/media cifs rw,relatime,vers=3.0 0 0
ops@backup:/ /mnt/backup fuse.sshfs rw,nosuid,nodev,relatime,user_id=0,group_id=0 0 0
gvfsd-fuse /run/user/1000/gvfs fuse.gvfsd-fuse rw,nosuid,nodev,relatime,user_id=1000,group_id=1000 0 0
/dev/sdb1 /media/ops/USB\\040DISK fuseblk rw,nosuid,nodev,relatime,user_id=0,group_id=0,allow_other 0 0
/dev/mapper/vg-home /home ext4 rw,relatime 0 0
`;

const entry = (path: string, type: string, mode: number, uid = 0, gid = 0): WalkEntry => ({ path, type, mode, uid, gid, size: 0 });

describe('walkRoots', () => {
  it('walks the local filesystems of a container and prunes /proc and /sys', () => {
    const { roots, skipped } = walkRoots(parseMountTable(CONTAINER_MOUNTS, '/proc/self/mounts'));
    expect(roots).toEqual(['/', '/dev', '/dev/shm', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);
    expect(skipped.find((s) => s.mountPoint === '/proc/keys')?.why).toBe('under a pruned tree');
    expect(skipped.find((s) => s.mountPoint === '/dev/mqueue')?.why).toBe('not a local disk filesystem');
  });

  it('keeps local disks, tmpfs, devtmpfs, squashfs and fuseblk; leaves out network, FUSE and pseudo filesystems', () => {
    const { roots, skipped } = walkRoots(parseMountTable(HOST_MOUNTS, '/proc/self/mounts'));
    expect(roots).toEqual(['/', '/boot/efi', '/dev', '/dev/shm', '/home', '/media/ops/USB DISK', '/run', '/snap/core/9665']);
    expect(skipped.map((s) => s.mountPoint)).toEqual(expect.arrayContaining(['/srv/shared', '/mnt/media', '/mnt/backup', '/run/user/1000/gvfs', '/dev/hugepages', '/dev/pts']));
    expect(roots.filter((r) => r === '/home')).toHaveLength(1);
  });

  it('classifies filesystem types', () => {
    for (const t of ['ext4', 'xfs', 'btrfs', 'tmpfs', 'overlay', 'vfat', 'fuseblk', 'zfs']) expect(isLocalFsType(t), t).toBe(true);
    for (const t of ['proc', 'nfs', 'nfs4', 'cifs', 'fuse.sshfs', 'fuse', 'autofs', 'cgroup2']) expect(isLocalFsType(t), t).toBe(false);
    expect(EXCLUDED_FS_TYPES.has('ext4')).toBe(false);
  });
});

describe('classifyEntry', () => {
  const uids = new Set([0, 1, 102]);
  const gids = new Set([0, 42]);

  it('flags world-writable regular files, not links, devices or sticky directories', () => {
    expect(classifyEntry(entry('/opt/x', 'f', 0o666), uids, gids).worldWritableFile).toBe(true);
    expect(classifyEntry(entry('/opt/x', 'f', 0o664), uids, gids).worldWritableFile).toBe(false);
    expect(classifyEntry(entry('/opt/l', 'l', 0o777), uids, gids).worldWritableFile).toBe(false);
    expect(classifyEntry(entry('/dev/null', 'c', 0o666), uids, gids).worldWritableFile).toBe(false);
    expect(classifyEntry(entry('/tmp', 'd', 0o1777), uids, gids).worldWritableDirWithoutSticky).toBe(false);
    expect(classifyEntry(entry('/srv/drop', 'd', 0o777), uids, gids).worldWritableDirWithoutSticky).toBe(true);
  });

  it('flags owners and groups the target does not know, for every type', () => {
    const c = classifyEntry(entry('/opt/old', 'l', 0o777, 1000, 1000), uids, gids);
    expect(c.unowned).toBe(true);
    expect(c.ungrouped).toBe(true);
    const known = classifyEntry(entry('/var/log/syslog', 'f', 0o640, 102, 42), uids, gids);
    expect(known.unowned || known.ungrouped).toBe(false);
  });

  it('flags set-user-ID and set-group-ID regular files only', () => {
    expect(classifyEntry(entry('/usr/bin/at', 'f', 0o6755), uids, gids)).toMatchObject({ setuid: true, setgid: true });
    expect(classifyEntry(entry('/usr/bin/wall', 'f', 0o2755), uids, gids)).toMatchObject({ setuid: false, setgid: true });
    expect(classifyEntry(entry('/var/mail', 'd', 0o2775), uids, gids).setgid).toBe(false);
  });
});

describe('ScanCollector', () => {
  it('counts an entry seen twice once, and keeps lists sorted', () => {
    const c = new ScanCollector(new Set([0]), new Set([0]));
    c.add(entry('/srv/b', 'f', 0o666));
    c.add(entry('/srv/a', 'f', 0o666));
    c.add(entry('/srv/b', 'f', 0o666));
    const r = c.result();
    expect(r.worldWritableFiles.total).toBe(2);
    expect(r.worldWritableFiles.entries.map((e) => e.path)).toEqual(['/srv/a', '/srv/b']);
    expect(c.entriesAdded).toBe(3);
  });

  it('keeps at most its limit of entries but counts all', () => {
    const c = new ScanCollector(new Set([0]), new Set([0]), 10);
    for (let i = 0; i < 25; i++) c.add(entry(`/data/f${i}`, 'f', 0o4755, 5000));
    const r = c.result();
    expect(r.setuidFiles.total).toBe(25);
    expect(r.setuidFiles.entries).toHaveLength(10);
    expect(r.unowned.total).toBe(25);
  });

  it('keeps only findings while 1,000,000 entries stream through it', () => {
    const c = new ScanCollector(new Set([0]), new Set([0]));
    if (global.gc) global.gc();
    const before = process.memoryUsage().heapUsed;
    for (let n = 0; n < 1_000_000; n++) {
      // every 1000th file is world-writable and owned by an unknown uid
      const odd = n % 1000 === 0;
      c.add({ path: `/data/dir${n >> 10}/file${n}`, type: 'f', mode: odd ? 0o666 : 0o644, uid: odd ? 4242 : 0, gid: 0, size: 10 });
    }
    const r = c.result();
    expect(c.entriesAdded).toBe(1_000_000);
    expect(r.worldWritableFiles.total).toBe(1000);
    expect(r.unowned.total).toBe(1000);
    expect(r.setuidFiles.total).toBe(0);
    // what is kept is the findings, not the walk: far below the 300 MB budget
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(100 * 1024 * 1024);
  }, 60_000);
});

describe('parseDpkgVerify', () => {
  it('reads dpkg 1.19 output (Ubuntu 18.04), configuration files and missing files', () => {
    const out = '??5??????   /usr/bin/wall\n??5?????? c /etc/adduser.conf\nmissing     /usr/share/doc/x/README\n';
    expect(parseDpkgVerify(out)).toEqual([
      { path: '/usr/bin/wall', checks: '??5??????', config: false, line: '??5??????   /usr/bin/wall' },
      { path: '/etc/adduser.conf', checks: '??5??????', config: true, line: '??5?????? c /etc/adduser.conf' },
      { path: '/usr/share/doc/x/README', checks: 'missing', config: false, line: 'missing     /usr/share/doc/x/README' },
    ]);
    expect(parseDpkgVerify('')).toEqual([]);
  });

  it('rejects output it does not understand', () => {
    expect(() => parseDpkgVerify('dpkg: warning: files list file for package foo missing\n')).toThrow(/line 1 is not understood/);
  });
});
