/**
 * CIS Ubuntu 18.04 sections 1.2-1.9 on the real Ubuntu 18.04 root filesystem: for every automated item a
 * case where it passes (or, where the decisive part needs a running system, where everything that can be
 * read offline complies) and cases where it fails; the judgement items end manual with their evidence.
 * The fixture has no GRUB, no AIDE, no /etc/motd, AppArmor with the rsyslogd profile disabled, and root
 * without a password.
 */
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootfsItemCases } from '../support/cases.js';
import { ensureUbuntuBase, withOverlay, type Layer } from '../support/fixtures.js';
import { audit } from '../support/audit.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const OFFLINE = /offline root filesystem/;

/** Add an installed package to dpkg's database. */
function install(l: Layer, name: string, version = '1.0-1'): void {
  l.append('/var/lib/dpkg/status', `Package: ${name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: ${version}\nDescription: test package\n\n`);
}

/** Mark an installed package as removed (its configuration files kept), as `apt-get remove` leaves it. */
function uninstall(l: Layer, name: string): void {
  l.edit('/var/lib/dpkg/status', (t) => t.replace(new RegExp(`^(Package: ${name.replace(/[.+]/g, '\\$&')}\\nStatus: )install ok installed$`, 'm'), '$1deinstall ok config-files'));
}

function symlink(l: Layer, target: string, p: string): void {
  mkdirSync(path.dirname(path.join(l.root, p)), { recursive: true });
  symlinkSync(target, path.join(l.root, p));
}

/** Set root's password field in /etc/shadow (a function replacement: "$" in the value is literal). */
const rootPassword = (l: Layer, field: string) => l.edit('/etc/shadow', (t) => t.replace(/^root:[^:]*:/m, () => `root:${field}:`));

// ---------------------------------------------------------------- 1.2
rootfsItemCases(UBUNTU, ['1.2'], [
  { id: '1.2.1', expect: 'manual', given: 'the fixture\'s one Ubuntu archive source', change: () => {},
    reason: /\/etc\/apt\/sources.list:\d+: deb http:\/\/archive.ubuntu.com\/ubuntu bionic main universe/ },
  { id: '1.2.1', expect: 'manual', given: 'a deb822 source that turns signature checks off, and a file APT ignores',
    change: (l) => {
      l.write('/etc/apt/sources.list.d/vendor.sources', 'Types: deb\nURIs: http://apt.vendor.example/ubuntu\nSuites: bionic\nComponents: main\nTrusted: yes\n');
      l.write('/etc/apt/sources.list.d/old.list.save', 'deb http://old.example bionic main\n');
    },
    reason: /vendor.sources:1: deb \[trusted=yes\] http:\/\/apt.vendor.example\/ubuntu bionic main\n→ note: trusted turns signature checks off[\s\S]*old.list.save: not read by APT/ },
  { id: '1.2.1', expect: 'error', given: 'a source line APT cannot parse', change: (l) => l.append('/etc/apt/sources.list', 'deb http://broken.example\n'),
    reason: /names no suite/, alsoChanges: { '1.2.2': 'error' } },
  { id: '1.2.2', expect: 'manual', given: 'the fixture\'s two Ubuntu keyrings', change: () => {},
    reason: /ubuntu-keyring-2012-archive.gpg: 790BC7277767219C42C86F933B4FE6ACC0B21F32 \(key id 3B4FE6ACC0B21F32, RSA 4096, created 2012-05-11\) Ubuntu Archive Automatic Signing Key \(2012\)/ },
  { id: '1.2.2', expect: 'manual', given: 'a legacy /etc/apt/trusted.gpg and a keyring named by signed-by',
    change: (l) => {
      copyFileSync(path.join(l.root, '/etc/apt/trusted.gpg.d/ubuntu-keyring-2012-cdimage.gpg'), path.join(l.root, '/etc/apt/trusted.gpg'));
      l.write('/etc/apt/sources.list.d/internal.list', 'deb [signed-by=/usr/share/keyrings/internal.gpg] http://apt.internal.example bionic main\n');
    },
    reason: /\/etc\/apt\/trusted.gpg: 843938DF228D22F7B3742BC0D94AA3F0EFE21092[\s\S]*signed-by options: \/usr\/share\/keyrings\/internal.gpg/ },
  { id: '1.2.2', expect: 'error', given: 'a keyring that is not OpenPGP data', change: (l) => l.write('/etc/apt/trusted.gpg.d/broken.gpg', 'not a key\n'),
    reason: /broken.gpg: not an OpenPGP keyring/ },
]);

// ---------------------------------------------------------------- 1.3
rootfsItemCases(UBUNTU, ['1.3'], [
  { id: '1.3.1', expect: 'pass', given: 'aide and aide-common installed', change: (l) => { install(l, 'aide', '0.16-3'); install(l, 'aide-common', '0.16-3'); } },
  { id: '1.3.1', expect: 'fail', given: 'the fixture: AIDE not installed', change: () => {}, reason: /the package aide is not installed/ },
  { id: '1.3.1', expect: 'fail', given: 'aide without aide-common', change: (l) => install(l, 'aide'), reason: /the package aide-common is not installed/ },

  { id: '1.3.2', expect: 'pass', given: 'a line in /etc/cron.d runs aide.wrapper --check every morning',
    change: (l) => l.write('/etc/cron.d/aide', '0 5 * * * root /usr/bin/aide.wrapper --config /etc/aide/aide.conf --check\n'),
    reason: /\/etc\/cron.d\/aide:1: 0 5 \* \* \* root \/usr\/bin\/aide.wrapper/ },
  { id: '1.3.2', expect: 'pass', given: 'root\'s crontab runs aide', change: (l) => l.write('/var/spool/cron/crontabs/root', '# m h dom mon dow command\n30 4 * * * /usr/sbin/aide --check\n', 0o600),
    reason: /crontabs\/root:2/ },
  { id: '1.3.2', expect: 'pass', given: 'a daily script runs AIDE (as aide-common installs it)',
    change: (l) => l.write('/etc/cron.daily/aide', '#!/bin/sh\n# daily AIDE check\nAIDE=/usr/bin/aide\n$AIDE --config /etc/aide/aide.conf --check\n', 0o755),
    reason: /\/etc\/cron.daily\/aide: run daily by run-parts: line 3: AIDE=\/usr\/bin\/aide/ },
  { id: '1.3.2', expect: 'pass', given: 'the aidecheck timer is enabled and its service exists',
    change: (l) => {
      l.write('/etc/systemd/system/aidecheck.service', '[Unit]\nDescription=AIDE check\n[Service]\nType=simple\nExecStart=/usr/bin/aide.wrapper --config /etc/aide/aide.conf --check\n[Install]\nWantedBy=multi-user.target\n');
      l.write('/etc/systemd/system/aidecheck.timer', '[Unit]\nDescription=AIDE check every day\n[Timer]\nOnCalendar=*-*-* 05:00:00\nUnit=aidecheck.service\n[Install]\nWantedBy=multi-user.target\n');
      symlink(l, '/etc/systemd/system/aidecheck.timer', '/etc/systemd/system/multi-user.target.wants/aidecheck.timer');
    },
    reason: /aidecheck.timer \(\/etc\/systemd\/system\/aidecheck.timer\) is enabled/ },
  { id: '1.3.2', expect: 'fail', given: 'the fixture: nothing runs AIDE', change: () => {}, reason: /no cron job or periodic cron script runs aide/ },
  { id: '1.3.2', expect: 'fail', given: 'the AIDE line is commented out', change: (l) => l.write('/etc/cron.d/aide', '#0 5 * * * root /usr/bin/aide.wrapper --check\n'),
    reason: /no cron job/ },
  { id: '1.3.2', expect: 'fail', given: 'the AIDE job is in a file cron skips (its name has a dot)', change: (l) => l.write('/etc/cron.d/aide.disabled', '0 5 * * * root /usr/bin/aide --check\n'),
    reason: /aide.disabled: not run by cron: cron and run-parts skip file names/ },
  { id: '1.3.2', expect: 'fail', given: 'the aidecheck timer exists but is not enabled',
    change: (l) => {
      l.write('/etc/systemd/system/aidecheck.service', '[Service]\nExecStart=/usr/bin/aide --check\n');
      l.write('/etc/systemd/system/aidecheck.timer', '[Timer]\nOnCalendar=daily\n');
    },
    reason: /aidecheck.timer \(\/etc\/systemd\/system\/aidecheck.timer\) is not enabled/ },
]);

// ---------------------------------------------------------------- 1.4
const STOCK_GRUB_MKCONFIG = [
  '#! /bin/sh', 'set -e',
  'if test "x${grub_cfg}" != "x" ; then', '  rm -f "${grub_cfg}.new"', '  oldumask=$(umask); umask 077', '  exec > "${grub_cfg}.new"', '  umask $oldumask', 'fi',
  'if test "x${grub_cfg}" != "x" && ! grep "^password" ${grub_cfg}.new >/dev/null; then', '  chmod 444 ${grub_cfg}.new || true', 'fi',
  'if test "x${grub_cfg}" != "x" ; then', '  mv -f ${grub_cfg}.new ${grub_cfg}', 'fi', '',
].join('\n');
const FIXED_GRUB_MKCONFIG = STOCK_GRUB_MKCONFIG.replace('test "x${grub_cfg}" != "x" && ! grep "^password" ${grub_cfg}.new >/dev/null', '[ "x${grub_cfg}" != "x" ]').replace('chmod 444', 'chmod 400');
const HASH = 'grub.pbkdf2.sha512.10000.5EB1FF92A6FA9D6B.E1C3C9EB0A1B2C3D4E5F';
const grubCfg = (...top: string[]) => [
  '### BEGIN /etc/grub.d/00_header ###', 'set default="0"', '### END /etc/grub.d/00_header ###',
  "menuentry 'Ubuntu' --class ubuntu --class gnu-linux {",
  '\tlinux\t/boot/vmlinuz-4.15.0-20-generic root=UUID=3b1c0e8a-0d4e ro  quiet splash $vt_handoff',
  '\tinitrd\t/boot/initrd.img-4.15.0-20-generic', '}',
  '### BEGIN /etc/grub.d/40_custom ###', ...top, '### END /etc/grub.d/40_custom ###', '',
].join('\n');

rootfsItemCases(UBUNTU, ['1.4'], [
  { id: '1.4.1', expect: 'not-applicable', given: 'the fixture: GRUB is not installed', change: () => {}, reason: /grub-mkconfig does not exist/ },
  { id: '1.4.1', expect: 'pass', given: 'grub-mkconfig always sets mode 0400', change: (l) => l.write('/usr/sbin/grub-mkconfig', FIXED_GRUB_MKCONFIG, 0o755),
    reason: /chmod 400 \$\{grub_cfg\}.new \|\| true/ },
  { id: '1.4.1', expect: 'fail', given: 'Ubuntu\'s own grub-mkconfig: 0444 unless a password is set', change: (l) => l.write('/usr/sbin/grub-mkconfig', STOCK_GRUB_MKCONFIG, 0o755),
    reason: /gives mode 0444, more than 0400.*runs the chmod only when grub.cfg has no password line/ },
  { id: '1.4.1', expect: 'fail', given: 'mode 0400, but only when no password is set', change: (l) => l.write('/usr/sbin/grub-mkconfig', STOCK_GRUB_MKCONFIG.replace('chmod 444', 'chmod 400'), 0o755),
    reason: /runs the chmod only when grub.cfg has no password line/ },
  { id: '1.4.1', expect: 'fail', given: 'grub-mkconfig sets no mode at all', change: (l) => l.write('/usr/sbin/grub-mkconfig', '#! /bin/sh\nexec > "${grub_cfg}.new"\n', 0o755),
    reason: /sets no mode on the grub.cfg it writes/ },

  { id: '1.4.2', expect: 'not-applicable', given: 'the fixture: no grub.cfg', change: () => {}, reason: /grub.cfg does not exist/ },
  { id: '1.4.2', expect: 'pass', given: 'a superuser with a PBKDF2 password (the hash is not shown)',
    change: (l) => l.write('/boot/grub/grub.cfg', grubCfg('set superusers="root"', `password_pbkdf2 root ${HASH}`), 0o400),
    reason: /grub.cfg:\d+: password_pbkdf2 root <hash not shown>/, alsoChanges: { '1.4.3': 'pass' } },
  { id: '1.4.2', expect: 'fail', given: 'a grub.cfg without superusers', change: (l) => l.write('/boot/grub/grub.cfg', grubCfg(), 0o400),
    reason: /no "set superusers=" line/, alsoChanges: { '1.4.3': 'pass' } },
  { id: '1.4.2', expect: 'fail', given: 'superusers with a plain-text password', change: (l) => l.write('/boot/grub/grub.cfg', grubCfg('set superusers="root"', 'password root secret'), 0o400),
    reason: /sets a plain-text password/, alsoChanges: { '1.4.3': 'pass' } },
  { id: '1.4.2', expect: 'fail', given: 'the password belongs to a user who is not a superuser',
    change: (l) => l.write('/boot/grub/grub.cfg', grubCfg('set superusers="admin"', `password_pbkdf2 root ${HASH}`), 0o400),
    reason: /no password_pbkdf2 line for the superuser\(s\) admin/, alsoChanges: { '1.4.3': 'pass' } },

  { id: '1.4.3', expect: 'not-applicable', given: 'the fixture: no grub.cfg', change: () => {} },
  { id: '1.4.3', expect: 'pass', given: 'grub.cfg is 0400 root:root', change: (l) => l.write('/boot/grub/grub.cfg', grubCfg(), 0o400), alsoChanges: { '1.4.2': 'fail' } },
  { id: '1.4.3', expect: 'fail', given: 'grub.cfg readable by everyone, as Ubuntu leaves it', change: (l) => l.write('/boot/grub/grub.cfg', grubCfg(), 0o444),
    reason: /has mode 0444, more permissive than 0400/, alsoChanges: { '1.4.2': 'fail' } },
  { id: '1.4.3', expect: 'fail', given: 'grub.cfg 0600: root may write it', change: (l) => l.write('/boot/grub/grub.cfg', grubCfg(), 0o600),
    reason: /extra bits 0200/, alsoChanges: { '1.4.2': 'fail' } },
  { id: '1.4.3', expect: 'fail', given: 'grub.cfg belongs to the adm group', change: (l) => l.write('/boot/grub/grub.cfg', grubCfg(), 0o400, 0, 4),
    reason: /owned by root:adm, expected root:root/, alsoChanges: { '1.4.2': 'fail' } },

  { id: '1.4.4', expect: 'pass', given: 'root has a password hash', change: (l) => rootPassword(l, '$6$saltsalt$0123456789abcdefghijABCDEFGHIJ'), reason: /root: a password hash \(not shown\)/ },
  { id: '1.4.4', expect: 'pass', given: 'root\'s password hash is locked ("!" before it), which the benchmark\'s grep does not flag',
    change: (l) => rootPassword(l, '!$6$saltsalt$0123456789abcdefghijABCDEFGHIJ'), reason: /locked password hash/ },
  { id: '1.4.4', expect: 'fail', given: 'the fixture: root\'s field is "*"', change: () => {}, reason: /root has no password set/ },
  { id: '1.4.4', expect: 'fail', given: 'root\'s field is "!"', change: (l) => rootPassword(l, '!'), reason: /root has no password set/ },
  { id: '1.4.4', expect: 'fail', given: 'root\'s field is empty', change: (l) => rootPassword(l, ''), reason: /empty password field/ },
]);

describe(`${UBUNTU} 1.4.2 and 1.4.4 never show a secret`, () => {
  it('neither the GRUB password hash nor root\'s password hash appears in the report', async () => {
    const rootHash = '$6$saltsalt$SECRETrootHASHvalue0123456789';
    const report = await withOverlay(ensureUbuntuBase(), (l) => {
      l.write('/boot/grub/grub.cfg', grubCfg('set superusers="root"', `password_pbkdf2 root ${HASH}`, 'password admin plainSECRET'), 0o400);
      rootPassword(l, rootHash);
    }, async (root) => (await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only: ['1.4.2', '1.4.4'] })).report);
    // the plain-text password of admin fails 1.4.2, and its evidence still hides it
    expect(report.items.filter((i) => ['1.4.2', '1.4.4'].includes(i.id)).map((i) => i.status)).toEqual(['fail', 'pass']);
    expect(report.items.find((i) => i.id === '1.4.2')!.reason).toMatch(/sets a plain-text password \(for admin\)/);
    const all = JSON.stringify(report);
    for (const secret of [HASH, '5EB1FF92A6FA9D6B', rootHash, 'SECRETroot', 'plainSECRET']) expect(all).not.toContain(secret);
  });
});

// ---------------------------------------------------------------- 1.5
const CORE_LIMIT = '/etc/security/limits.d/60-core.conf';
const SUID_DUMPABLE = '/etc/sysctl.d/60-coredump.conf';
const coreRestricted = (l: Layer) => { l.write(CORE_LIMIT, '*    hard    core    0\n'); l.write(SUID_DUMPABLE, 'fs.suid_dumpable = 0\n'); };

rootfsItemCases(UBUNTU, ['1.5'], [
  { id: '1.5.1', expect: 'not-applicable', given: 'an offline root filesystem has no processor to ask', change: () => {}, reason: OFFLINE },

  { id: '1.5.2', expect: 'not-applicable', given: 'randomize_va_space = 2 in sysctl.d; the running kernel cannot be read offline',
    change: (l) => l.write('/etc/sysctl.d/60-aslr.conf', 'kernel.randomize_va_space = 2\n'), reason: /60-aslr.conf:1: kernel.randomize_va_space = 2/ },
  { id: '1.5.2', expect: 'fail', given: 'the fixture: the sysctl files do not set it', change: () => {}, reason: /kernel.randomize_va_space is not set in the persistent sysctl configuration/ },
  { id: '1.5.2', expect: 'fail', given: 'set to 1 (no heap randomisation) in /etc/sysctl.conf', change: (l) => l.append('/etc/sysctl.conf', 'kernel.randomize_va_space=1\n'),
    reason: /\/etc\/sysctl.conf:\d+ sets kernel.randomize_va_space = 1/ },
  { id: '1.5.2', expect: 'fail', given: '2 in sysctl.d but 0 in /etc/sysctl.conf, which is applied last',
    change: (l) => { l.write('/etc/sysctl.d/60-aslr.conf', 'kernel.randomize_va_space = 2\n'); l.append('/etc/sysctl.conf', 'kernel.randomize_va_space = 0\n'); },
    reason: /sets kernel.randomize_va_space = 0 \(the setting that applies last\)/ },

  { id: '1.5.3', expect: 'pass', given: 'the fixture: prelink is not installed', change: () => {} },
  { id: '1.5.3', expect: 'fail', given: 'prelink is installed', change: (l) => install(l, 'prelink', '0.0.20131005-1'), reason: /the package prelink is installed/ },

  { id: '1.5.4', expect: 'not-applicable', given: '"* hard core 0" and fs.suid_dumpable = 0; the running kernel cannot be read offline', change: coreRestricted,
    reason: /60-core.conf:1: \* hard core 0[\s\S]*60-coredump.conf:1: fs.suid_dumpable = 0/ },
  { id: '1.5.4', expect: 'not-applicable', given: 'the same with systemd-coredump installed and told to keep nothing',
    change: (l) => { coreRestricted(l); install(l, 'systemd-coredump', '237-3ubuntu10'); l.write('/etc/systemd/coredump.conf', '[Coredump]\nStorage=none\nProcessSizeMax=0\n'); },
    reason: /coredump.conf:2: Storage=none[\s\S]*coredump.conf:3: ProcessSizeMax=0/ },
  { id: '1.5.4', expect: 'fail', given: 'the fixture: no core limit at all', change: () => {}, reason: /no "\* hard core 0" line/ },
  { id: '1.5.4', expect: 'fail', given: 'only a soft limit of 0, which users may raise', change: (l) => { coreRestricted(l); l.write(CORE_LIMIT, '* soft core 0\n'); },
    reason: /no "\* hard core 0" line/ },
  { id: '1.5.4', expect: 'fail', given: 'a later limits.d file raises the hard limit again', change: (l) => { coreRestricted(l); l.write('/etc/security/limits.d/90-dev.conf', '* hard core unlimited\n'); },
    reason: /90-dev.conf:1 unlimited/ },
  { id: '1.5.4', expect: 'fail', given: 'the limit is in a limits.d file pam_limits does not read', change: (l) => { coreRestricted(l); l.remove(CORE_LIMIT); l.write('/etc/security/limits.d/core', '* hard core 0\n'); },
    reason: /limits.d\/core: not used by pam_limits: pam_limits reads only \*.conf/ },
  { id: '1.5.4', expect: 'fail', given: 'limits set, but set-user-ID programs may dump core (fs.suid_dumpable = 2)', change: (l) => { coreRestricted(l); l.write(SUID_DUMPABLE, 'fs.suid_dumpable = 2\n'); },
    reason: /sets fs.suid_dumpable = 2/ },
  { id: '1.5.4', expect: 'fail', given: 'systemd-coredump installed with its defaults', change: (l) => { coreRestricted(l); install(l, 'systemd-coredump', '237-3ubuntu10'); },
    reason: /systemd-coredump is installed and may keep core dumps: Storage is not set/ },
  { id: '1.5.4', expect: 'fail', given: 'systemd-coredump told to store dumps in the journal by a drop-in', change: (l) => {
    coreRestricted(l); install(l, 'systemd-coredump', '237-3ubuntu10');
    l.write('/etc/systemd/coredump.conf', '[Coredump]\nStorage=none\nProcessSizeMax=0\n');
    l.write('/etc/systemd/coredump.conf.d/50-journal.conf', '[Coredump]\nStorage=journal\n');
  }, reason: /50-journal.conf:2 sets Storage=journal, expected none/ },
]);

// ---------------------------------------------------------------- 1.6
const grubWith = (...params: string[]) => grubCfg().replace('quiet splash', `quiet splash ${params.join(' ')}`);

rootfsItemCases(UBUNTU, ['1.6'], [
  { id: '1.6.1.1', expect: 'pass', given: 'the fixture: apparmor and apparmor-utils installed', change: () => {} },
  { id: '1.6.1.1', expect: 'fail', given: 'apparmor-utils removed', change: (l) => uninstall(l, 'apparmor-utils'), reason: /the package apparmor-utils is not installed/ },
  { id: '1.6.1.1', expect: 'fail', given: 'apparmor removed', change: (l) => uninstall(l, 'apparmor'), reason: /the package apparmor is not installed/ },

  { id: '1.6.1.2', expect: 'not-applicable', given: 'the fixture: no grub.cfg', change: () => {}, reason: /grub.cfg does not exist/ },
  { id: '1.6.1.2', expect: 'pass', given: 'every boot entry passes apparmor=1 security=apparmor',
    change: (l) => l.write('/boot/grub/grub.cfg', grubWith('apparmor=1', 'security=apparmor') + grubWith('apparmor=1', 'security=apparmor').replace("'Ubuntu'", "'Ubuntu (recovery mode)'"), 0o400) },
  { id: '1.6.1.2', expect: 'fail', given: 'no AppArmor parameters on the kernel command line', change: (l) => l.write('/boot/grub/grub.cfg', grubCfg(), 0o400),
    reason: /grub.cfg:5 lacks apparmor=1, security=apparmor/ },
  { id: '1.6.1.2', expect: 'fail', given: 'a later apparmor=0 switches it off again', change: (l) => l.write('/boot/grub/grub.cfg', grubWith('apparmor=1', 'security=apparmor', 'apparmor=0'), 0o400),
    reason: /grub.cfg:5 lacks apparmor=1\n/ },
  { id: '1.6.1.2', expect: 'fail', given: 'the recovery entry lacks security=apparmor',
    change: (l) => { l.write('/boot/grub/grub.cfg', grubWith('apparmor=1', 'security=apparmor') + grubWith('apparmor=1'), 0o400); l.write('/etc/default/grub', 'GRUB_CMDLINE_LINUX="apparmor=1"\n'); },
    reason: /grub.cfg:\d+ lacks security=apparmor[\s\S]*\/etc\/default\/grub:1: GRUB_CMDLINE_LINUX="apparmor=1"/ },
  { id: '1.6.1.2', expect: 'fail', given: 'a grub.cfg without any linux line', change: (l) => l.write('/boot/grub/grub.cfg', 'set default="0"\n', 0o400), reason: /has no "linux" line/ },

  { id: '1.6.1.3', expect: 'fail', given: 'the fixture: Ubuntu ships the rsyslogd profile disabled', change: () => {}, reason: /usr.sbin.rsyslogd is disabled/ },
  { id: '1.6.1.3', expect: 'not-applicable', given: 'every profile enforced on disk; the running kernel cannot be read offline', change: (l) => l.remove('/etc/apparmor.d/disable/usr.sbin.rsyslogd'),
    reason: OFFLINE, alsoChanges: { '1.6.1.4': 'not-applicable' } },
  { id: '1.6.1.3', expect: 'not-applicable', given: 'rsyslogd in complain mode through force-complain', change: (l) => {
    l.remove('/etc/apparmor.d/disable/usr.sbin.rsyslogd');
    symlink(l, '/etc/apparmor.d/usr.sbin.rsyslogd', '/etc/apparmor.d/force-complain/usr.sbin.rsyslogd');
  }, reason: /usr.sbin.rsyslogd: complain \(\/etc\/apparmor.d\/force-complain\/usr.sbin.rsyslogd forces complain mode\)/ },
  { id: '1.6.1.3', expect: 'fail', given: 'no AppArmor profile at all', change: (l) => { l.remove('/etc/apparmor.d/usr.sbin.rsyslogd'); l.remove('/etc/apparmor.d/usr.sbin.chronyd'); l.remove('/etc/apparmor.d/disable/usr.sbin.rsyslogd'); },
    reason: /holds no profile/ },
  { id: '1.6.1.3', expect: 'fail', given: 'no /etc/apparmor.d', change: (l) => l.remove('/etc/apparmor.d'), reason: /\/etc\/apparmor.d does not exist or is empty/ },

  { id: '1.6.1.4', expect: 'fail', given: 'the fixture: the rsyslogd profile is disabled', change: () => {}, reason: /usr.sbin.rsyslogd is disabled/ },
  { id: '1.6.1.4', expect: 'fail', given: 'the chronyd profile flagged complain in its header', change: (l) => {
    l.remove('/etc/apparmor.d/disable/usr.sbin.rsyslogd');
    l.edit('/etc/apparmor.d/usr.sbin.chronyd', (t) => t.replace('(attach_disconnected)', 'flags=(attach_disconnected, complain)'));
  }, reason: /usr.sbin.chronyd is complain/, alsoChanges: { '1.6.1.3': 'not-applicable' } },
  { id: '1.6.1.4', expect: 'not-applicable', given: 'every profile enforced; a backup file is not a profile', change: (l) => {
    l.remove('/etc/apparmor.d/disable/usr.sbin.rsyslogd');
    l.write('/etc/apparmor.d/usr.sbin.chronyd.dpkg-old', '/usr/sbin/chronyd flags=(complain) {\n}\n');
  }, reason: /usr.sbin.chronyd.dpkg-old: not a profile the loader reads/, alsoChanges: { '1.6.1.3': 'not-applicable' } },
]);

// ---------------------------------------------------------------- 1.7
const WARNING = 'Authorized uses only. All activity may be monitored and reported.\n';

rootfsItemCases(UBUNTU, ['1.7'], [
  { id: '1.7.1', expect: 'pass', given: 'the fixture: no /etc/motd', change: () => {}, reason: /\/etc\/motd: does not exist: nothing to show/ },
  { id: '1.7.1', expect: 'pass', given: 'a plain warning in /etc/motd', change: (l) => l.write('/etc/motd', WARNING), alsoChanges: { '1.7.4': 'pass' } },
  { id: '1.7.1', expect: 'fail', given: 'a motd that names the system', change: (l) => l.write('/etc/motd', 'Welcome to Ubuntu 18.04.1 LTS (GNU/Linux 4.15.0-29-generic x86_64)\n'),
    reason: /line 1: "Ubuntu" \(the operating system's name, ID=ubuntu\)/, alsoChanges: { '1.7.4': 'pass' } },
  { id: '1.7.1', expect: 'fail', given: 'a motd with an upper-case \\S escape', change: (l) => l.write('/etc/motd', 'This is \\S\n'),
    reason: /"\\S" \(the system name\)/, alsoChanges: { '1.7.4': 'pass' } },

  { id: '1.7.2', expect: 'pass', given: 'the fixture: /etc/issue.net 0644 root:root', change: () => {} },
  { id: '1.7.2', expect: 'fail', given: '/etc/issue.net group-writable', change: (l) => l.chmod('/etc/issue.net', 0o664), reason: /more permissive than 0644/ },
  { id: '1.7.2', expect: 'fail', given: '/etc/issue.net owned by syslog', change: (l) => l.chown('/etc/issue.net', 102, 0), reason: /owned by syslog:root/ },
  { id: '1.7.2', expect: 'fail', given: 'no /etc/issue.net', change: (l) => l.remove('/etc/issue.net'), reason: /does not exist/ },
  { id: '1.7.3', expect: 'pass', given: 'the fixture: /etc/issue 0644 root:root', change: () => {} },
  { id: '1.7.3', expect: 'fail', given: '/etc/issue writable by everyone', change: (l) => l.chmod('/etc/issue', 0o646), reason: /extra bits 0002/ },
  { id: '1.7.3', expect: 'fail', given: '/etc/issue belongs to group adm', change: (l) => l.chown('/etc/issue', 0, 4), reason: /owned by root:adm/ },
  { id: '1.7.4', expect: 'not-applicable', given: 'the fixture: no /etc/motd', change: () => {}, reason: /does not exist/ },
  { id: '1.7.4', expect: 'pass', given: '/etc/motd 0644 root:root', change: (l) => l.write('/etc/motd', WARNING, 0o644) },
  { id: '1.7.4', expect: 'fail', given: '/etc/motd writable by everyone', change: (l) => l.write('/etc/motd', WARNING, 0o666), reason: /has mode 0666/ },

  { id: '1.7.5', expect: 'fail', given: 'the fixture: "Ubuntu 18.04 LTS"', change: () => {}, reason: /\/etc\/issue.net shows system details: line 1: "Ubuntu"/ },
  { id: '1.7.5', expect: 'pass', given: 'a plain warning', change: (l) => l.write('/etc/issue.net', WARNING), reason: /Authorized uses only/ },
  { id: '1.7.5', expect: 'fail', given: 'an empty /etc/issue.net', change: (l) => l.write('/etc/issue.net', '\n'), reason: /is empty: no warning is shown/ },
  { id: '1.7.5', expect: 'fail', given: 'a warning that adds the kernel release', change: (l) => l.write('/etc/issue.net', `${WARNING}Kernel \\r\n`), reason: /line 2: "\\r" \(the kernel release\)/ },
  { id: '1.7.6', expect: 'fail', given: 'the fixture: "Ubuntu 18.04 LTS \\n \\l"', change: () => {}, reason: /\/etc\/issue shows system details: line 1: "Ubuntu"/ },
  { id: '1.7.6', expect: 'pass', given: 'a plain warning', change: (l) => l.write('/etc/issue', WARNING) },
  { id: '1.7.6', expect: 'fail', given: 'a warning with the machine and kernel version', change: (l) => l.write('/etc/issue', `${WARNING}\\m \\v\n`),
    reason: /"\\m" \(the machine architecture\); line 2: "\\v" \(the kernel version\)/ },
  { id: '1.7.6', expect: 'fail', given: 'no /etc/issue', change: (l) => l.remove('/etc/issue'), reason: /does not exist: no warning is shown/, alsoChanges: { '1.7.3': 'fail' } },
]);

// ---------------------------------------------------------------- 1.8
const GREETER = '/etc/gdm3/greeter.dconf-defaults';
const LOGIN_SCREEN = (...lines: string[]) => `# GDM greeter defaults\n[org/gnome/desktop/interface]\nclock-show-date=true\n\n[org/gnome/login-screen]\n${lines.join('\n')}\n`;
const withGdm = (greeter?: string, custom?: string) => (l: Layer) => {
  install(l, 'gdm3', '3.28.2-0ubuntu1');
  if (greeter !== undefined) l.write(GREETER, greeter);
  if (custom !== undefined) l.write('/etc/gdm3/custom.conf', custom);
};
const COMPLIANT_GREETER = LOGIN_SCREEN('banner-message-enable=true', "banner-message-text='Authorized uses only'", 'disable-user-list=true');

rootfsItemCases(UBUNTU, ['1.8'], [
  { id: '1.8.1', expect: 'pass', given: 'the fixture: gdm3 not installed', change: () => {} },
  { id: '1.8.1', expect: 'fail', given: 'gdm3 installed, configured as the other items want', change: withGdm(COMPLIANT_GREETER),
    reason: /the package gdm3 is installed/, alsoChanges: { '1.8.2': 'pass', '1.8.3': 'pass', '1.8.4': 'pass' } },
  { id: '1.8.2', expect: 'not-applicable', given: 'the fixture: gdm3 not installed', change: () => {}, reason: /the package gdm3 is not installed/ },
  { id: '1.8.2', expect: 'pass', given: 'the banner is enabled with a text', change: withGdm(COMPLIANT_GREETER),
    reason: /\[org\/gnome\/login-screen\] banner-message-text='Authorized uses only'/, alsoChanges: { '1.8.1': 'fail', '1.8.3': 'pass', '1.8.4': 'pass' } },
  { id: '1.8.2', expect: 'fail', given: 'gdm3 as installed: the banner lines commented out',
    change: withGdm(LOGIN_SCREEN("# banner-message-enable=true\n# banner-message-text='Welcome'")),
    reason: /does not set banner-message-enable in the section \[org\/gnome\/login-screen\]/, alsoChanges: { '1.8.1': 'fail', '1.8.3': 'fail', '1.8.4': 'pass' } },
  { id: '1.8.2', expect: 'fail', given: 'the banner enabled in another section only',
    change: withGdm("[org/gnome/desktop/interface]\nbanner-message-enable=true\nbanner-message-text='x'\n[org/gnome/login-screen]\ndisable-user-list=true\n"),
    reason: /does not set banner-message-enable/, alsoChanges: { '1.8.1': 'fail', '1.8.3': 'pass', '1.8.4': 'pass' } },
  { id: '1.8.2', expect: 'fail', given: 'the banner enabled with an empty text', change: withGdm(LOGIN_SCREEN('banner-message-enable=true', "banner-message-text=''", 'disable-user-list=true')),
    reason: /sets banner-message-text to an empty text/, alsoChanges: { '1.8.1': 'fail', '1.8.3': 'pass', '1.8.4': 'pass' } },
  { id: '1.8.2', expect: 'fail', given: 'no greeter defaults file', change: withGdm(),
    reason: /greeter.dconf-defaults does not exist/, alsoChanges: { '1.8.1': 'fail', '1.8.3': 'fail', '1.8.4': 'pass' } },
  { id: '1.8.3', expect: 'not-applicable', given: 'the fixture: gdm3 not installed', change: () => {} },
  { id: '1.8.3', expect: 'pass', given: 'disable-user-list=true', change: withGdm(LOGIN_SCREEN('disable-user-list=true')),
    alsoChanges: { '1.8.1': 'fail', '1.8.2': 'fail', '1.8.4': 'pass' } },
  { id: '1.8.3', expect: 'fail', given: 'disable-user-list=true overridden by a later false', change: withGdm(LOGIN_SCREEN('disable-user-list=true', 'disable-user-list=false')),
    reason: /greeter.dconf-defaults:7 sets disable-user-list=false, expected true/, alsoChanges: { '1.8.1': 'fail', '1.8.2': 'fail', '1.8.4': 'pass' } },
  { id: '1.8.4', expect: 'not-applicable', given: 'the fixture: gdm3 not installed', change: () => {} },
  { id: '1.8.4', expect: 'pass', given: 'XDMCP off; debugging on in [debug] does not count', change: withGdm(COMPLIANT_GREETER, '[daemon]\n[security]\n[xdmcp]\nEnable=false\n[debug]\nEnable=true\n'),
    reason: /custom.conf:4: \[xdmcp\] Enable=false/, alsoChanges: { '1.8.1': 'fail', '1.8.2': 'pass', '1.8.3': 'pass' } },
  { id: '1.8.4', expect: 'fail', given: 'XDMCP enabled', change: withGdm(COMPLIANT_GREETER, '# GDM configuration storage\n[daemon]\n[xdmcp]\nEnable=true\n'),
    reason: /custom.conf:4 sets Enable=true in \[xdmcp\]/, alsoChanges: { '1.8.1': 'fail', '1.8.2': 'pass', '1.8.3': 'pass' } },
]);

// ---------------------------------------------------------------- 1.9
rootfsItemCases(UBUNTU, ['1.9'], [
  { id: '1.9', expect: 'manual', given: 'offline: what APT knows cannot be asked', change: () => {}, reason: /apt-get -s -o Debug::NoLocking=1 dist-upgrade\): not checked: offline root filesystem/ },
]);
