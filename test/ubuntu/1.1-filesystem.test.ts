/**
 * 1.1 Filesystem Configuration on the Ubuntu 18.04 root filesystem. Offline, only the boot configuration
 * can be read (modprobe.d, /etc/fstab, systemd mount units): it fails an item, and a compliant one leaves
 * the item not applicable until the running system is checked. Pass cases of the live parts are on
 * containers (1.1-filesystem-live.test.ts).
 */
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { rootfsItemCases, type ItemCase } from '../support/cases.js';
import type { Layer } from '../support/fixtures.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const OFFLINE = /offline root filesystem: mounted filesystems \(\/proc\/self\/mounts\) not checked/;
const OFFLINE_MODULES = /offline root filesystem: loaded kernel modules \(\/proc\/modules\) not checked/;

const fstab = (...lines: string[]) => (l: Layer) => l.append('/etc/fstab', `${lines.join('\n')}\n`);
const modprobe = (text: string) => (l: Layer) => l.write('/etc/modprobe.d/cis.conf', text);
const symlink = (l: Layer, target: string, p: string) => symlinkSync(target, path.join(l.root, p));

/** Ubuntu's own tmp.mount, copied to /etc/systemd/system and enabled as `systemctl enable tmp.mount` does. */
function enableTmpMount(l: Layer, options = 'mode=1777,strictatime,nosuid,nodev') {
  l.write('/etc/systemd/system/tmp.mount', l.read('/usr/share/systemd/tmp.mount').replace(/^Options=.*$/m, `Options=${options}`));
  l.mkdir('/etc/systemd/system/local-fs.target.wants');
  symlink(l, '/etc/systemd/system/tmp.mount', '/etc/systemd/system/local-fs.target.wants/tmp.mount');
}

const AUTOFS_STANZA = '\nPackage: autofs\nStatus: install ok installed\nPriority: extra\nSection: utils\nArchitecture: amd64\nVersion: 5.1.2-1ubuntu3\nDescription: kernel-based automounter for Linux\n\n';
const AUTOFS_UNIT = '[Unit]\nDescription=Automounts filesystems on demand\n\n[Service]\nExecStart=/usr/sbin/automount -f\n\n[Install]\nWantedBy=multi-user.target\n';
const installAutofs = (l: Layer) => { l.append('/var/lib/dpkg/status', AUTOFS_STANZA); l.write('/lib/systemd/system/autofs.service', AUTOFS_UNIT); };
const enableAutofs = (l: Layer) => symlink(l, '/lib/systemd/system/autofs.service', '/etc/systemd/system/multi-user.target.wants/autofs.service');

const moduleCases = ([id, module]: [string, string]): ItemCase[] => [
  { id, expect: 'fail', given: `no modprobe.d line for ${module}, as shipped`, change: () => {}, reason: new RegExp(`no modprobe.d "install ${module} /bin/true" line`) },
  { id, expect: 'fail', given: `${module} only blacklisted, which does not stop an explicit load`, change: modprobe(`blacklist ${module}\n`), reason: new RegExp(`no modprobe.d "install ${module} /bin/true" line`) },
  { id, expect: 'not-applicable', given: `install ${module} /bin/true: the loaded modules need a running system`, change: modprobe(`install ${module} /bin/true\n`),
    reason: new RegExp(`${OFFLINE_MODULES.source}[\\s\\S]*/etc/modprobe.d/cis.conf:1: install ${module} /bin/true`) },
];

rootfsItemCases(UBUNTU, ['1.1'], [
  // 1.1.1.1-1.1.1.6, 1.1.24: the modprobe.d part decides offline
  ...([['1.1.1.1', 'cramfs'], ['1.1.1.2', 'freevxfs'], ['1.1.1.3', 'jffs2'], ['1.1.1.4', 'hfs'], ['1.1.1.5', 'hfsplus'], ['1.1.1.6', 'udf'], ['1.1.24', 'usb-storage']] as Array<[string, string]>).flatMap(moduleCases),
  // modprobe.d as kmod 24 reads it (issue 13; proven by test/differential/modprobe.test.ts)
  { id: '1.1.1.1', expect: 'fail', given: 'install cramfs /bin/true only in /usr/lib/modprobe.d, which kmod 24 does not read',
    change: (l) => l.write('/usr/lib/modprobe.d/cis.conf', 'install cramfs /bin/true\n'), reason: /no modprobe.d "install cramfs \/bin\/true" line/ },
  { id: '1.1.1.1', expect: 'not-applicable', given: 'install cramfs /bin/true in /lib/modprobe.d', change: (l) => l.write('/lib/modprobe.d/cis.conf', 'install cramfs /bin/true\n'),
    reason: /\/lib\/modprobe\.d\/cis\.conf:1: install cramfs \/bin\/true/ },
  { id: '1.1.1.1', expect: 'fail', given: 'the /lib/modprobe.d file hidden by an /etc/modprobe.d file of the same name',
    change: (l) => { l.write('/lib/modprobe.d/cis.conf', 'install cramfs /bin/true\n'); l.write('/etc/modprobe.d/cis.conf', '# emptied by the site\n'); },
    reason: /no modprobe.d "install cramfs \/bin\/true" line/ },
  { id: '1.1.1.1', expect: 'fail', given: 'an alias sends cramfs to squashfs: the install line for cramfs no longer applies',
    change: modprobe('install cramfs /bin/true\nalias cramfs squashfs\n'), reason: /aliases cramfs to squashfs[\s\S]*squashfs can be loaded/ },
  { id: '1.1.1.1', expect: 'not-applicable', given: 'install cram* /bin/true, a pattern, with cram-fs spelled with a dash elsewhere',
    change: modprobe('install cram* /bin/true\nblacklist cram-fs\n'), reason: /cis\.conf:1: install cram\* \/bin\/true/ },
  { id: '1.1.1.1', expect: 'fail', given: 'install cram* /bin/true first, then install cramfs /bin/sh: without the module file the named line applies',
    change: modprobe('install cram* /bin/true\ninstall cramfs /bin/sh -c true\n'), reason: /cis\.conf:2 installs cramfs with "\/bin\/sh -c true"/ },
  { id: '1.1.1.1', expect: 'not-applicable', given: 'the first install line wins: /bin/true before a later /sbin/modprobe line',
    change: (l) => { l.write('/etc/modprobe.d/a.conf', 'install cramfs /bin/true\n'); l.write('/lib/modprobe.d/b.conf', 'install cramfs /sbin/modprobe --ignore-install cramfs\n'); },
    reason: /a\.conf:1: install cramfs \/bin\/true \(the first matching install line wins/ },
  { id: '1.1.1.4', expect: 'fail', given: 'hfs installed with a command that loads it after all', change: modprobe('install hfs /sbin/modprobe --ignore-install hfs\n'), reason: /installs hfs with "\/sbin\/modprobe --ignore-install hfs"/ },

  // 1.1.2 /tmp configured at boot
  { id: '1.1.2', expect: 'fail', given: 'the unconfigured fstab, as shipped', change: () => {}, reason: /no \/etc\/fstab line mounts \/tmp; tmp\.mount: no unit file/ },
  { id: '1.1.2', expect: 'not-applicable', given: 'an fstab line mounts a tmpfs on /tmp', change: fstab('tmpfs /tmp tmpfs defaults,rw,nosuid,nodev,noexec,relatime 0 0'),
    reason: new RegExp(`${OFFLINE.source}[\\s\\S]*/etc/fstab:2: tmpfs /tmp tmpfs defaults,rw,nosuid,nodev,noexec,relatime`) },
  { id: '1.1.2', expect: 'not-applicable', given: 'Ubuntu\'s tmp.mount copied to /etc/systemd/system and enabled', change: (l) => enableTmpMount(l),
    reason: /\/etc\/systemd\/system\/tmp\.mount: What=tmpfs Where=\/tmp Type=tmpfs Options=mode=1777,strictatime,nosuid,nodev \(enabled mount unit\)/,
    alsoChanges: { '1.1.5': 'fail' } },
  { id: '1.1.2', expect: 'fail', given: 'tmp.mount copied but not enabled', change: (l) => l.write('/etc/systemd/system/tmp.mount', l.read('/usr/share/systemd/tmp.mount')),
    reason: /tmp\.mount \(\/etc\/systemd\/system\/tmp\.mount\) is not enabled/ },
  { id: '1.1.2', expect: 'fail', given: 'the fstab line for /tmp has noauto', change: fstab('tmpfs /tmp tmpfs noauto,nodev,nosuid,noexec 0 0'), reason: /\/etc\/fstab:2 has the option noauto/ },

  // 1.1.3-1.1.5 options of /tmp
  { id: '1.1.3', expect: 'not-applicable', given: '/tmp is not a separate mount, as shipped', change: () => {}, reason: /^\/tmp is not a separate mount/ },
  { id: '1.1.3', expect: 'fail', given: 'the /tmp line lacks nodev', change: fstab('tmpfs /tmp tmpfs defaults,nosuid,noexec 0 0'),
    reason: /the boot configuration of \/tmp: nodev is not among the options/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.3', expect: 'fail', given: 'nodev on the /tmp line is undone by a later dev', change: fstab('tmpfs /tmp tmpfs nodev,nosuid,noexec,dev 0 0'),
    reason: /nodev is turned off by "dev"/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.3', expect: 'not-applicable', given: 'the /tmp line sets nodev: the running system is not checked offline', change: fstab('tmpfs /tmp tmpfs defaults,nodev,nosuid,noexec 0 0'),
    reason: new RegExp(`${OFFLINE.source}[\\s\\S]*nodev is set \\(by nodev\\)`), alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.4', expect: 'fail', given: 'the /tmp line lacks nosuid', change: fstab('tmpfs /tmp tmpfs defaults,nodev,noexec 0 0'),
    reason: /the boot configuration of \/tmp: nosuid is not among the options/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.5', expect: 'fail', given: 'the /tmp line lacks noexec', change: fstab('tmpfs /tmp tmpfs defaults,nodev,nosuid 0 0'),
    reason: /the boot configuration of \/tmp: noexec is not among the options/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.5', expect: 'not-applicable', given: 'an enabled tmp.mount with noexec added', change: (l) => enableTmpMount(l, 'mode=1777,strictatime,nosuid,nodev,noexec'),
    reason: /noexec is set \(by noexec\)/, alsoChanges: { '1.1.2': 'not-applicable' } },

  // 1.1.6-1.1.9 /dev/shm
  { id: '1.1.6', expect: 'fail', given: 'no fstab line for /dev/shm, as shipped', change: () => {}, reason: /no \/etc\/fstab line mounts \/dev\/shm; dev-shm\.mount: no unit file/ },
  { id: '1.1.6', expect: 'not-applicable', given: 'an fstab line for /dev/shm', change: fstab('tmpfs /dev/shm tmpfs defaults,nodev,nosuid,noexec 0 0'), reason: OFFLINE },
  { id: '1.1.7', expect: 'fail', given: 'the /dev/shm line lacks nodev', change: fstab('tmpfs /dev/shm tmpfs defaults,nosuid,noexec 0 0'),
    reason: /the boot configuration of \/dev\/shm: nodev is not among the options/, alsoChanges: { '1.1.6': 'not-applicable' } },
  { id: '1.1.8', expect: 'fail', given: 'the /dev/shm line lacks nosuid', change: fstab('tmpfs /dev/shm tmpfs defaults,nodev,noexec 0 0'),
    reason: /nosuid is not among the options/, alsoChanges: { '1.1.6': 'not-applicable' } },
  { id: '1.1.9', expect: 'fail', given: 'the /dev/shm line lacks noexec', change: fstab('tmpfs /dev/shm tmpfs defaults,nodev,nosuid 0 0'),
    reason: /noexec is not among the options/, alsoChanges: { '1.1.6': 'not-applicable' } },
  { id: '1.1.9', expect: 'not-applicable', given: '/dev/shm is not configured, so offline it is not known as a separate mount', change: () => {}, reason: /^\/dev\/shm is not a separate mount/ },

  // 1.1.10, 1.1.11, 1.1.15-1.1.17 separate partitions
  { id: '1.1.10', expect: 'fail', given: 'no /var line, as shipped', change: () => {}, reason: /no \/etc\/fstab line mounts \/var; var\.mount: no unit file/ },
  { id: '1.1.10', expect: 'not-applicable', given: 'an fstab line mounts a logical volume on /var', change: fstab('/dev/mapper/vg-var /var ext4 defaults 0 2'), reason: /\/etc\/fstab:2: \/dev\/mapper\/vg-var \/var ext4 defaults/ },
  { id: '1.1.11', expect: 'fail', given: 'no /var/tmp line, as shipped', change: () => {}, reason: /var-tmp\.mount: no unit file/ },
  { id: '1.1.11', expect: 'not-applicable', given: '/var/tmp mounted by UUID', change: fstab('UUID=6f1c2a4e-0b7d-4c55-9a61-3d2b8e0f9c11 /var/tmp ext4 nodev,nosuid,noexec 0 2'), reason: OFFLINE },
  { id: '1.1.15', expect: 'fail', given: 'no /var/log line, as shipped', change: () => {}, reason: /var-log\.mount: no unit file/ },
  { id: '1.1.15', expect: 'not-applicable', given: 'an fstab line for /var/log', change: fstab('/dev/sda5 /var/log ext4 defaults 0 2'), reason: OFFLINE },
  { id: '1.1.15', expect: 'fail', given: 'the /var/log line is commented out', change: fstab('#/dev/sda5 /var/log ext4 defaults 0 2'), reason: /no \/etc\/fstab line mounts \/var\/log/ },
  { id: '1.1.16', expect: 'fail', given: 'no /var/log/audit line, as shipped', change: () => {}, reason: /var-log-audit\.mount: no unit file/ },
  { id: '1.1.16', expect: 'not-applicable', given: 'an fstab line for /var/log/audit', change: fstab('LABEL=audit /var/log/audit ext4 defaults 0 2'), reason: OFFLINE },
  { id: '1.1.16', expect: 'fail', given: 'a line for /var/log does not make /var/log/audit separate', change: fstab('/dev/sda5 /var/log ext4 defaults 0 2'),
    reason: /no \/etc\/fstab line mounts \/var\/log\/audit/, alsoChanges: { '1.1.15': 'not-applicable' } },
  { id: '1.1.17', expect: 'fail', given: 'no /home line, as shipped', change: () => {}, reason: /home\.mount: no unit file/ },
  { id: '1.1.17', expect: 'not-applicable', given: 'an fstab line for /home', change: fstab('/dev/sda3 /home ext4 defaults,nodev 0 2'), reason: OFFLINE },

  // 1.1.12-1.1.14, 1.1.18 options of /var/tmp and /home
  { id: '1.1.12', expect: 'not-applicable', given: '/var/tmp is not a separate mount, as shipped', change: () => {}, reason: /^\/var\/tmp is not a separate mount/ },
  { id: '1.1.12', expect: 'fail', given: 'the /var/tmp line lacks nodev', change: fstab('/dev/sda6 /var/tmp ext4 nosuid,noexec 0 2'),
    reason: /the boot configuration of \/var\/tmp: nodev is not among the options/, alsoChanges: { '1.1.11': 'not-applicable' } },
  { id: '1.1.13', expect: 'fail', given: 'a bind mount of /tmp on /var/tmp sets no option', change: fstab('/tmp /var/tmp none bind 0 0'),
    reason: /nosuid is not among the options/, alsoChanges: { '1.1.11': 'not-applicable', '1.1.12': 'fail', '1.1.14': 'fail' } },
  { id: '1.1.14', expect: 'fail', given: 'the /var/tmp line lacks noexec', change: fstab('/dev/sda6 /var/tmp ext4 nodev,nosuid 0 2'),
    reason: /noexec is not among the options/, alsoChanges: { '1.1.11': 'not-applicable' } },
  { id: '1.1.14', expect: 'not-applicable', given: '"users" on the /var/tmp line implies noexec, nosuid and nodev', change: fstab('/dev/sda6 /var/tmp ext4 users 0 2'),
    reason: /noexec is set \(by users \(implies noexec\)\)/, alsoChanges: { '1.1.11': 'not-applicable' } },
  { id: '1.1.18', expect: 'not-applicable', given: '/home is not a separate mount, as shipped', change: () => {}, reason: /^\/home is not a separate mount/ },
  { id: '1.1.18', expect: 'fail', given: 'the /home line has only defaults', change: fstab('/dev/sda3 /home ext4 defaults 0 2'),
    reason: /the boot configuration of \/home: nodev is not among the options/, alsoChanges: { '1.1.17': 'not-applicable' } },
  { id: '1.1.18', expect: 'not-applicable', given: 'the /home line has nodev', change: fstab('/dev/sda3 /home ext4 defaults,nodev 0 2'),
    reason: /nodev is set \(by nodev\)/, alsoChanges: { '1.1.17': 'not-applicable' } },

  // 1.1.19-1.1.21 removable media configured at boot
  { id: '1.1.19', expect: 'not-applicable', given: 'no removable media in fstab, as shipped', change: () => {}, reason: /no removable media mount among the 0 mounts configured at boot/ },
  { id: '1.1.19', expect: 'not-applicable', given: 'the installer\'s CD-ROM line, whose "user" implies nodev', change: fstab('/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0'),
    reason: /\/etc\/fstab:2: \/dev\/sr0 \/media\/cdrom0 udf,iso9660 user,noauto\nremovable media: mounted under \/media, where removable media are mounted; nodev is set \(by user \(implies nodev\)\)/ },
  { id: '1.1.19', expect: 'fail', given: 'a USB disk in fstab with nosuid only', change: fstab('/dev/sdb1 /mnt/usb vfat defaults,nosuid 0 0'),
    reason: /removable media mounts configured at boot without nodev: \/mnt\/usb/, alsoChanges: { '1.1.21': 'fail' } },
  { id: '1.1.20', expect: 'fail', given: 'a DVD drive in fstab with nodev,noexec', change: fstab('/dev/dvd /srv/disc auto ro,noauto,nodev,noexec 0 0'),
    reason: /\/dev\/dvd is a removable media device; nosuid is not set/ },
  { id: '1.1.20', expect: 'fail', given: '"user,suid": a later suid overrides what user implies', change: fstab('/dev/fd0 /mnt/floppy auto user,suid,noauto 0 0'),
    reason: /removable media mounts configured at boot without nosuid: \/mnt\/floppy/ },
  { id: '1.1.21', expect: 'fail', given: 'a disc image type mounted without noexec', change: fstab('/srv/images/tools.iso /opt/tools iso9660 loop,ro,nodev,nosuid 0 0'),
    reason: /iso9660 is a filesystem of optical discs; noexec is not set/ },
  { id: '1.1.21', expect: 'not-applicable', given: 'a USB disk by udev id with all three options', change: fstab('/dev/disk/by-id/usb-SanDisk_Ultra_4C53-0:0-part1 /srv/stick vfat nodev,nosuid,noexec,noauto 0 0'),
    reason: /usb-SanDisk_Ultra_4C53-0:0-part1 is a removable media device; noexec is set \(by noexec\)/ },

  // 1.1.22 sticky bit, from the filesystem walk
  { id: '1.1.22', expect: 'pass', given: 'every world-writable directory is sticky, as shipped', change: () => {}, reason: /world-writable directories without the sticky bit: none among \d+ entries/ },
  { id: '1.1.22', expect: 'pass', given: 'a new drop directory 1777', change: (l) => l.mkdir('/srv/drop', 0o1777) },
  { id: '1.1.22', expect: 'fail', given: 'a shared directory 0777', change: (l) => l.mkdir('/srv/shared', 0o777, 33, 33),
    reason: /world-writable directories without the sticky bit: 1\n\/srv\/shared \(mode 0777, owner www-data:www-data\)/ },
  { id: '1.1.22', expect: 'fail', given: '/var/tmp lost its sticky bit', change: (l) => l.chmod('/var/tmp', 0o777), reason: /\/var\/tmp \(mode 0777, owner root:root\)/ },

  // 1.1.23 autofs
  { id: '1.1.23', expect: 'pass', given: 'autofs not installed, as shipped', change: () => {}, reason: /no installed package matches autofs[\s\S]*autofs\.service: no unit file/ },
  { id: '1.1.23', expect: 'pass', given: 'autofs installed but not enabled', change: installAutofs, reason: /autofs 5\.1\.2-1ubuntu3 installed[\s\S]*autofs\.service \(\/lib\/systemd\/system\/autofs\.service\) is not enabled/ },
  { id: '1.1.23', expect: 'fail', given: 'autofs installed and enabled', change: (l) => { installAutofs(l); enableAutofs(l); },
    reason: /autofs\.service is enabled \(\/etc\/systemd\/system\/multi-user\.target\.wants\/autofs\.service\)/ },
  { id: '1.1.23', expect: 'pass', given: 'autofs installed, enabled, then masked', change: (l) => { installAutofs(l); enableAutofs(l); symlink(l, '/dev/null', '/etc/systemd/system/autofs.service'); },
    reason: /autofs\.service is masked/ },
]);
