/**
 * Sections 1.2-1.8 of CIS Aliyun Linux 2 v1.0.0 (Initial Setup, after the filesystem) on the ACL2
 * fixture: every automated item passes and fails on an overlay over acl2-stock, as the benchmark's rule
 * says; the judgement items end manual with their evidence. What only a running system shows (the
 * running kernel's parameters and SELinux mode, the contexts of processes, yum's cache) is tested on
 * containers of the acl2 images, with stand-ins where the fixture has no such program (ps with SELinux
 * contexts, yum) and a bind-mounted /sys/fs/selinux. Then acl2-hardened, and hardening the stock tree
 * with the remediations the failing items record.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rootfsItemCases } from '../support/cases.js';
import { writableRpmDb, installRpm, removeRpm } from '../support/rpm.js';
import { ensureAcl2Base, repoRoot, withOverlay, type Layer } from '../support/fixtures.js';
import { audit, item, statuses, text } from '../support/audit.js';
import { type RunningContainer, withContainerArgs } from '../support/containers.js';
import type { HardenResult } from '../../src/remediation/harden.js';

const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const IMAGE = { stock: 'cis-bdd/acl2-stock:latest', hardened: 'cis-bdd/acl2-hardened:latest' };
const SCOPE = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8'];
const OFFLINE = /offline root filesystem/;
const base = () => ensureAcl2Base();

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-acl2-1x-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const all = (...fns: Array<(l: Layer) => void>) => (l: Layer) => fns.forEach((f) => f(l));
const symlink = (l: Layer, target: string, p: string) => { mkdirSync(path.dirname(path.join(l.root, p)), { recursive: true }); symlinkSync(target, path.join(l.root, p)); };

/** The OpenPGP armour checksum (RFC 4880 6.1), which rpm --import insists on. */
function crc24(data: Buffer): Buffer {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) { crc <<= 1; if (crc & 0x1000000) crc ^= 0x1864cfb; }
  }
  return Buffer.from([(crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff]);
}
/** A real public key (Ubuntu's 2012 archive key, from the Ubuntu fixture), armoured as RPM key files are. */
const KEY_FINGERPRINT = '790BC7277767219C42C86F933B4FE6ACC0B21F32';
const armouredKey = () => {
  const binary = readFileSync('/var/tmp/cis-bdd-fixtures/ubuntu-18.04/etc/apt/trusted.gpg.d/ubuntu-keyring-2012-archive.gpg');
  return `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${binary.toString('base64').replace(/(.{64})/g, '$1\n')}\n=${crc24(binary).toString('base64')}\n-----END PGP PUBLIC KEY BLOCK-----\n`;
};

// ------------------------------------------------------------------------------------------------ 1.2

const repo = (name: string, text: string) => (l: Layer) => l.write(`/etc/yum.repos.d/${name}`, text);
const yumMain = (fn: (t: string) => string) => (l: Layer) => l.edit('/etc/yum.conf', fn);

rootfsItemCases(ACL2, ['1.2'], [
  { id: '1.2.1', expect: 'manual', given: 'as shipped: the four Alibaba Cloud mirrors', change: () => {},
    reason: /AliYun\.repo:1: \[base\] AliYun-\$releasever - Base - mirrors\.cloud\.aliyuncs\.com: baseurl=http:\/\/mirrors\.cloud\.aliyuncs\.com\/alinux\/\$releasever\/os\/\$basearch\/; enabled; gpgcheck=1/ },
  { id: '1.2.1', expect: 'manual', given: 'a mirrorlist repository in yum.conf, a disabled one, and a backup file yum does not read',
    change: all(
      (l) => l.append('/etc/yum.conf', '\n[internal]\nname=Internal\nmirrorlist=https://mirrors.internal.example/list?repo=internal\n'),
      repo('epel.repo', '[epel]\nname=EPEL 7\nmetalink=https://mirrors.fedoraproject.org/metalink?repo=epel-7&arch=$basearch\nenabled=0\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-7\n'),
      repo('AliYun.repo.bak', '[old]\nbaseurl=http://old.example\n'),
    ),
    reason: /\/etc\/yum\.conf:\d+: \[internal\] Internal: mirrorlist=https:\/\/mirrors\.internal\.example\/list\?repo=internal; enabled; gpgcheck not set \(inherits 1 from \[main\]\)[\s\S]*epel\.repo:1: \[epel\] EPEL 7: metalink=[^;]*; disabled; gpgcheck=1[\s\S]*AliYun\.repo\.bak: not read by yum/ },
  { id: '1.2.1', expect: 'error', given: 'a repository file yum cannot parse', change: repo('broken.repo', '[broken]\nthis is not a setting\n'),
    reason: /broken\.repo:2 is neither a \[section\], a key=value line nor a comment/, alsoChanges: { '1.2.2': 'error', '1.2.3': 'error' } },

  { id: '1.2.2', expect: 'manual', given: 'as shipped: no key imported, no key file; the repositories name Alibaba\'s key by URL', change: () => {},
    reason: /-qa 'gpg-pubkey\*'[^:]*: no key imported[\s\S]*\/etc\/pki\/rpm-gpg: no key file[\s\S]*keys named by gpgkey=: http:\/\/mirrors\.cloud\.aliyuncs\.com\/alinux\/RPM-GPG-KEY-ALIYUN/ },
  { id: '1.2.2', expect: 'manual', given: 'a key file in /etc/pki/rpm-gpg, also imported into the RPM database',
    change: (l) => {
      l.write('/etc/pki/rpm-gpg/RPM-GPG-KEY-TEST', armouredKey());
      writableRpmDb(l);
      execFileSync('rpm', ['--root', l.root, '--dbpath', '/var/lib/rpm', '--import', path.join(l.root, 'etc/pki/rpm-gpg/RPM-GPG-KEY-TEST')], { stdio: 'ignore' }); // the path as the auditing machine sees it
    },
    // rpm 4.11 (ACL2) records the summary as gpg(<user id>); the auditing machine's rpm 4.18, which imports it here, as "<user id> public key"
    reason: new RegExp(`gpg-pubkey-c0b21f32-4fad8178 \\(key id c0b21f32, created 2012-05-11\\): (gpg\\()?Ubuntu Archive Automatic Signing Key \\(2012\\) <ftpmaster@ubuntu\\.com>[\\s\\S]*RPM-GPG-KEY-TEST: ${KEY_FINGERPRINT} \\(key id 3B4FE6ACC0B21F32, RSA 4096, created 2012-05-11\\)`) },
  { id: '1.2.2', expect: 'error', given: 'a key file that is not OpenPGP data', change: (l) => l.write('/etc/pki/rpm-gpg/RPM-GPG-KEY-BROKEN', 'not a key\n'),
    reason: /RPM-GPG-KEY-BROKEN: not an OpenPGP keyring/ },

  { id: '1.2.3', expect: 'pass', given: 'as shipped: gpgcheck=1 in [main] and in every repository', change: () => {}, reason: /\[main\] line 8: gpgcheck=1/ },
  { id: '1.2.3', expect: 'pass', given: 'a repository that does not set gpgcheck inherits [main]\'s', change: repo('local.repo', '[local]\nbaseurl=file:///srv/repo\n'),
    reason: /local\.repo:1: \[local\]: baseurl=file:\/\/\/srv\/repo; enabled; gpgcheck not set \(inherits 1 from \[main\]\)/ },
  { id: '1.2.3', expect: 'fail', given: '[main] turns gpgcheck off', change: yumMain((t) => t.replace('gpgcheck=1', 'gpgcheck=0')),
    reason: /^\/etc\/yum\.conf:8 sets gpgcheck=0 in \[main\]/ },
  { id: '1.2.3', expect: 'fail', given: '[main] does not set gpgcheck (yum\'s default is off), though every repository does', change: yumMain((t) => t.replace('gpgcheck=1\n', '')),
    reason: /^the \[main\] section of \/etc\/yum\.conf sets no gpgcheck/ },
  { id: '1.2.3', expect: 'fail', given: 'one repository turns it off with "no"', change: (l) => l.edit('/etc/yum.repos.d/AliYun.repo', (t) => t.replace(/(\[plus\][^[]*)gpgcheck=1/, '$1gpgcheck = no')),
    reason: /^repositories that install packages without checking their signatures: \[plus\] \/etc\/yum\.repos\.d\/AliYun\.repo:25 gpgcheck=no\n/ },
  { id: '1.2.3', expect: 'fail', given: 'a disabled repository with gpgcheck=0 (a single --enablerepo uses it)', change: repo('debug.repo', '[debug]\nbaseurl=http://debug.example\nenabled=0\ngpgcheck=0\n'),
    reason: /\[debug\] \/etc\/yum\.repos\.d\/debug\.repo:4 gpgcheck=0 \(disabled, but yum --enablerepo would use it\)/ },
  { id: '1.2.3', expect: 'error', given: 'a gpgcheck value yum does not understand', change: repo('odd.repo', '[odd]\nbaseurl=http://odd.example\ngpgcheck=maybe\n'),
    reason: /odd\.repo:3 sets gpgcheck=maybe/, alsoChanges: { '1.2.1': 'error', '1.2.2': 'error' } },
], { base });

// ------------------------------------------------------------------------------------------------ 1.3

rootfsItemCases(ACL2, ['1.3'], [
  { id: '1.3.1', expect: 'fail', given: 'as shipped: AIDE is not installed', change: () => {}, reason: /the package aide is not installed/ },
  { id: '1.3.1', expect: 'pass', given: 'aide installed', change: (l) => installRpm(l, 'aide', '0.15.1-13.al7'), reason: /aide 0\.15\.1-13\.al7 installed/ },

  { id: '1.3.2', expect: 'fail', given: 'as shipped: no cron job runs AIDE', change: () => {}, reason: /no cron job or periodic cron script runs aide/ },
  { id: '1.3.2', expect: 'pass', given: 'root\'s crontab in /var/spool/cron (cronie\'s place) runs aide --check',
    change: (l) => l.write('/var/spool/cron/root', '0 5 * * * /usr/sbin/aide --check\n', 0o600), reason: /\/var\/spool\/cron\/root:1: 0 5 \* \* \* root \/usr\/sbin\/aide --check/ },
  { id: '1.3.2', expect: 'pass', given: 'a file in /etc/cron.d whose name has a dot, which cronie runs', change: (l) => l.write('/etc/cron.d/aide.check', '0 5 * * * root /usr/sbin/aide --check\n'),
    reason: /\/etc\/cron\.d\/aide\.check:1/ },
  { id: '1.3.2', expect: 'pass', given: 'a daily script runs AIDE (run-parts through anacron)', change: (l) => l.write('/etc/cron.daily/aide', '#!/bin/sh\n/usr/sbin/aide --check | mail -s "AIDE" root\n', 0o755),
    reason: /\/etc\/cron\.daily\/aide: run daily by run-parts/ },
  { id: '1.3.2', expect: 'fail', given: 'the job is in an .rpmsave copy, which cronie skips', change: (l) => l.write('/etc/cron.d/aide.rpmsave', '0 5 * * * root /usr/sbin/aide --check\n'),
    reason: /aide\.rpmsave: not run by cron: cronie skips names/ },
  { id: '1.3.2', expect: 'fail', given: 'root\'s crontab has the line commented out', change: (l) => l.write('/var/spool/cron/root', '#0 5 * * * /usr/sbin/aide --check\n', 0o600),
    reason: /no cron job/ },
], { base });

// ------------------------------------------------------------------------------------------------ 1.4

const GRUB2 = '/boot/grub2/grub.cfg';
const efiGrub = (mode: number, params = '') => (l: Layer) => l.write('/boot/efi/EFI/alinux/grub.cfg',
  `set default="0"\nmenuentry 'Alibaba Cloud Linux' {\n\tlinuxefi /vmlinuz-4.19.91-27.7.al7.x86_64 root=UUID=c3b1 ro ${params}\n\tinitrdefi /initramfs-4.19.91-27.7.al7.x86_64.img\n}\n`, mode);
const SULOGIN = '-/bin/sh -c "/usr/sbin/sulogin; /usr/bin/systemctl --fail --no-block default"';

rootfsItemCases(ACL2, ['1.4'], [
  { id: '1.4.1', expect: 'fail', given: 'as shipped: grub.cfg 0644', change: () => {}, reason: /^\/boot\/grub2\/grub\.cfg has mode 0644, more permissive than 0600 \(extra bits 0044\)\n/ },
  { id: '1.4.1', expect: 'pass', given: 'grub.cfg 0600 root:root', change: (l) => l.chmod(GRUB2, 0o600), reason: /\/boot\/grub2\/grub\.cfg: mode 0600, owner root:root/ },
  { id: '1.4.1', expect: 'pass', given: 'grub.cfg and user.cfg 0400', change: (l) => { l.chmod(GRUB2, 0o400); l.write('/boot/grub2/user.cfg', 'GRUB2_PASSWORD=grub.pbkdf2.sha512.10000.AB.CD\n', 0o400); } },
  { id: '1.4.1', expect: 'fail', given: 'grub.cfg 0600, but user.cfg (the password hash) readable by everyone',
    change: (l) => { l.chmod(GRUB2, 0o600); l.write('/boot/grub2/user.cfg', 'GRUB2_PASSWORD=grub.pbkdf2.sha512.10000.AB.CD\n', 0o644); },
    reason: /^\/boot\/grub2\/user\.cfg has mode 0644/ },
  { id: '1.4.1', expect: 'fail', given: 'grub.cfg owned by group adm', change: (l) => { l.chmod(GRUB2, 0o600); l.chown(GRUB2, 0, 4); }, reason: /owned by root:adm, expected root:root/ },
  { id: '1.4.1', expect: 'pass', given: 'UEFI: grub.cfg on the EFI partition 0600 too', change: all((l) => l.chmod(GRUB2, 0o600), efiGrub(0o600)),
    reason: /\/boot\/efi\/EFI\/alinux\/grub\.cfg: mode 0600/ },
  { id: '1.4.1', expect: 'fail', given: 'UEFI: the EFI partition mounted without fmask, files 0700', change: all((l) => l.chmod(GRUB2, 0o600), efiGrub(0o700)),
    reason: /^\/boot\/efi\/EFI\/alinux\/grub\.cfg has mode 0700, more permissive than 0600 \(extra bits 0100\)/ },
  { id: '1.4.1', expect: 'not-applicable', given: 'no GRUB 2 configuration at all', change: (l) => l.remove(GRUB2), reason: /neither \/boot\/grub2\/grub\.cfg nor \/boot\/efi\/EFI\/\*\/grub\.cfg exists/ },

  { id: '1.4.2', expect: 'pass', given: 'as shipped: systemd 219\'s units run sulogin',
    change: () => {}, reason: /rescue\.service \(\/usr\/lib\/systemd\/system\/rescue\.service\): \/usr\/lib\/systemd\/system\/rescue\.service:15 ExecStart=-\/bin\/sh -c "\/usr\/sbin\/sulogin;/ },
  { id: '1.4.2', expect: 'pass', given: 'a drop-in replaces the command with systemd-sulogin-shell',
    change: (l) => l.write('/etc/systemd/system/emergency.service.d/10-shell.conf', '[Service]\nExecStart=\nExecStart=-/usr/lib/systemd/systemd-sulogin-shell emergency\n'),
    reason: /emergency\.service\.d\/10-shell\.conf:3 ExecStart=-\/usr\/lib\/systemd\/systemd-sulogin-shell emergency/ },
  { id: '1.4.2', expect: 'pass', given: 'rescue.service masked: systemd starts no shell for it', change: (l) => symlink(l, '/dev/null', '/etc/systemd/system/rescue.service'),
    reason: /rescue\.service is masked/ },
  { id: '1.4.2', expect: 'fail', given: 'a drop-in gives a root shell without a password',
    change: (l) => l.write('/etc/systemd/system/rescue.service.d/override.conf', '[Service]\nExecStart=\nExecStart=-/bin/bash\n'),
    reason: /^rescue\.service starts "-\/bin\/bash" \(\/etc\/systemd\/system\/rescue\.service\.d\/override\.conf:3\), without sulogin/ },
  { id: '1.4.2', expect: 'fail', given: 'a copy of emergency.service in /etc, which hides the packaged one',
    change: (l) => l.write('/etc/systemd/system/emergency.service', l.read('/usr/lib/systemd/system/emergency.service').replace(SULOGIN, '-/bin/sh')),
    reason: /^emergency\.service starts "-\/bin\/sh" \(\/etc\/systemd\/system\/emergency\.service:14\), without sulogin/ },
  { id: '1.4.2', expect: 'fail', given: 'a drop-in that adds a command without clearing the list: both run',
    change: (l) => l.write('/etc/systemd/system/rescue.service.d/50-extra.conf', '[Service]\nExecStart=-/bin/sh\n'),
    reason: /rescue\.service starts .* and "-\/bin\/sh" \(\/etc\/systemd\/system\/rescue\.service\.d\/50-extra\.conf:2\), without sulogin/ },
  { id: '1.4.2', expect: 'error', given: 'no rescue.service in any unit directory', change: (l) => l.remove('/usr/lib/systemd/system/rescue.service'),
    reason: /no unit file for rescue\.service/ },
], { base });

// ------------------------------------------------------------------------------------------------ 1.5

const sysctl = (...lines: string[]) => (l: Layer) => l.write('/etc/sysctl.d/60-test.conf', `${lines.join('\n')}\n`);
const coreLimit = (line = '*    hard    core    0') => (l: Layer) => l.write('/etc/security/limits.d/60-core.conf', `${line}\n`);

rootfsItemCases(ACL2, ['1.5'], [
  { id: '1.5.1', expect: 'fail', given: 'as shipped: no core limit', change: () => {}, reason: /^no "\* hard core 0" line/ },
  { id: '1.5.1', expect: 'not-applicable', given: '"* hard core 0" and fs.suid_dumpable = 0; the running kernel cannot be read offline',
    change: all(coreLimit(), sysctl('fs.suid_dumpable = 0')), reason: /60-core\.conf:1: \* hard core 0[\s\S]*60-test\.conf:1: fs\.suid_dumpable = 0/ },
  { id: '1.5.1', expect: 'not-applicable', given: '"* - core 0" (soft and hard) in limits.conf itself', change: all((l) => l.append('/etc/security/limits.conf', '* - core 0\n'), sysctl('fs.suid_dumpable = 0')), reason: OFFLINE },
  { id: '1.5.1', expect: 'fail', given: 'only a soft limit, which users may raise', change: all(coreLimit('* soft core 0'), sysctl('fs.suid_dumpable = 0')), reason: /^no "\* hard core 0" line/ },
  { id: '1.5.1', expect: 'fail', given: 'the limit in a limits.d file without .conf, which pam_limits skips',
    change: all((l) => l.write('/etc/security/limits.d/core', '* hard core 0\n'), sysctl('fs.suid_dumpable = 0')), reason: /limits\.d\/core: not used by pam_limits/ },
  { id: '1.5.1', expect: 'fail', given: 'limits set, but /etc/sysctl.conf (applied last) lets set-user-ID programs dump core',
    change: all(coreLimit(), sysctl('fs.suid_dumpable = 0'), (l) => l.append('/etc/sysctl.conf', 'fs.suid_dumpable = 2\n')), reason: /\/etc\/sysctl\.conf:\d+ sets fs\.suid_dumpable = 2 \(the setting that applies last\)/ },

  { id: '1.5.2', expect: 'fail', given: 'as shipped: not in any sysctl file (the kernel\'s default does not survive a tunable change)', change: () => {},
    reason: /^kernel\.randomize_va_space is not set in the persistent sysctl configuration/ },
  { id: '1.5.2', expect: 'not-applicable', given: 'randomize_va_space = 2 in sysctl.d', change: sysctl('kernel.randomize_va_space = 2'), reason: OFFLINE },
  { id: '1.5.2', expect: 'fail', given: 'randomize_va_space = 1 (stack and libraries only)', change: sysctl('kernel.randomize_va_space = 1'), reason: /60-test\.conf:1 sets kernel\.randomize_va_space = 1/ },

  { id: '1.5.3', expect: 'pass', given: 'as shipped: prelink is not installed', change: () => {} },
  { id: '1.5.3', expect: 'fail', given: 'prelink installed', change: (l) => installRpm(l, 'prelink', '0.5.0-9.al7'), reason: /the package prelink is installed/ },
], { base });

// ------------------------------------------------------------------------------------------------ 1.6

const selinux = (fn: (t: string) => string) => (l: Layer) => l.edit('/etc/selinux/config', fn);
const grubParams = (params: string) => (l: Layer) => l.edit(GRUB2, (t) => t.replace(/^(\s*linux16 .*)$/m, `$1 ${params}`));

rootfsItemCases(ACL2, ['1.6'], [
  { id: '1.6.1.1', expect: 'pass', given: 'as shipped: the kernel line passes neither selinux=0 nor enforcing=0', change: () => {},
    reason: /grub\.cfg:95: linux16 [^\n]*\n→ passes none of selinux=0, enforcing=0/ },
  { id: '1.6.1.1', expect: 'fail', given: 'selinux=0 on the kernel line', change: grubParams('selinux=0'), reason: /^\/boot\/grub2\/grub\.cfg:95 passes selinux=0\n/ },
  { id: '1.6.1.1', expect: 'pass', given: 'selinux=0 given, then selinux=1 (the last one counts)', change: grubParams('selinux=0 selinux=1') },
  { id: '1.6.1.1', expect: 'fail', given: 'UEFI: enforcing=0 on the EFI partition\'s kernel line', change: efiGrub(0o700, 'enforcing=0'),
    reason: /^\/boot\/efi\/EFI\/alinux\/grub\.cfg:3 passes enforcing=0\n/ },
  { id: '1.6.1.1', expect: 'not-applicable', given: 'no GRUB 2 configuration', change: (l) => l.remove(GRUB2), reason: /none of \/boot\/grub2\/grub\.cfg, \/boot\/efi\/EFI\/\*\/grub\.cfg exists/ },

  { id: '1.6.1.2', expect: 'fail', given: 'as shipped: SELINUX=disabled (as ECS images ship)', change: () => {}, reason: /^\/etc\/selinux\/config:4 sets SELINUX=disabled, expected enforcing\n/ },
  { id: '1.6.1.2', expect: 'not-applicable', given: 'SELINUX=enforcing; the running mode cannot be read offline', change: selinux((t) => t.replace('SELINUX=disabled', 'SELINUX=enforcing')),
    reason: /offline root filesystem: the running SELinux mode/ },
  { id: '1.6.1.2', expect: 'fail', given: 'SELINUX=permissive', change: selinux((t) => t.replace('SELINUX=disabled', 'SELINUX=permissive')), reason: /sets SELINUX=permissive/ },
  { id: '1.6.1.2', expect: 'fail', given: 'a second SELINUX=enforcing after the first (libselinux reads the first)', change: (l) => l.append('/etc/selinux/config', 'SELINUX=enforcing\n'),
    reason: /config:4 sets SELINUX=disabled/ },
  { id: '1.6.1.2', expect: 'fail', given: 'no SELINUX= line', change: selinux((t) => t.replace('SELINUX=disabled\n', '')), reason: /has no SELINUX= line/ },

  { id: '1.6.1.3', expect: 'pass', given: 'as shipped: SELINUXTYPE=targeted', change: () => {}, reason: /config:6: SELINUXTYPE=targeted/ },
  { id: '1.6.1.3', expect: 'pass', given: 'SELINUXTYPE=mls', change: selinux((t) => t.replace('SELINUXTYPE=targeted', 'SELINUXTYPE=mls')) },
  { id: '1.6.1.3', expect: 'fail', given: 'SELINUXTYPE=minimum', change: selinux((t) => t.replace('SELINUXTYPE=targeted', 'SELINUXTYPE=minimum')),
    reason: /config:6 sets SELINUXTYPE=minimum, expected targeted or mls/ },
  { id: '1.6.1.3', expect: 'fail', given: 'no /etc/selinux/config at all', change: (l) => l.remove('/etc/selinux/config'), reason: /does not exist: no SELinux policy is chosen/ },

  { id: '1.6.1.4', expect: 'pass', given: 'as shipped: setroubleshoot is not installed', change: () => {} },
  { id: '1.6.1.4', expect: 'fail', given: 'setroubleshoot installed', change: (l) => installRpm(l, 'setroubleshoot', '3.2.30-8.al7'), reason: /the package setroubleshoot is installed/ },
  { id: '1.6.1.5', expect: 'pass', given: 'as shipped: mcstrans is not installed', change: () => {} },
  { id: '1.6.1.5', expect: 'fail', given: 'mcstrans installed', change: (l) => installRpm(l, 'mcstrans', '0.3.4-5.al7'), reason: /the package mcstrans is installed/ },

  { id: '1.6.1.6', expect: 'not-applicable', given: 'offline: no running process to look at', change: () => {}, reason: OFFLINE },

  { id: '1.6.2', expect: 'pass', given: 'as shipped: libselinux installed', change: () => {}, reason: /libselinux 2\.5-15\.al7 installed/ },
  { id: '1.6.2', expect: 'fail', given: 'libselinux removed', change: (l) => removeRpm(l, 'libselinux'), reason: /the package libselinux is not installed/ },
], { base });

// ------------------------------------------------------------------------------------------------ 1.7

const WARNING = 'Authorised use only. Activity on this system may be monitored and recorded.\n';

rootfsItemCases(ACL2, ['1.7'], [
  { id: '1.7.1.1', expect: 'pass', given: 'only the ECS welcome line, the user-guide link removed',
    change: (l) => l.write('/etc/motd', '\nWelcome to Alibaba Cloud Elastic Compute Service !\n\n'), reason: /\/etc\/motd: Welcome to Alibaba Cloud Elastic Compute Service !/ },
  { id: '1.7.1.1', expect: 'fail', given: 'as shipped: a link to the user guide whose path names the OS (alinux)',
    change: () => {}, reason: /^\/etc\/motd shows system details: line 4: "alinux" \(the operating system's name, ID=alinux\)\n/ },
  { id: '1.7.1.1', expect: 'fail', given: 'the kernel version escape', change: (l) => l.write('/etc/motd', 'Kernel \\v\n'), reason: /"\\v" \(the kernel version\)/ },
  { id: '1.7.1.1', expect: 'pass', given: 'no /etc/motd', change: (l) => l.remove('/etc/motd'), reason: /does not exist: nothing to show/, alsoChanges: { '1.7.1.4': 'not-applicable' } },

  { id: '1.7.1.2', expect: 'fail', given: 'as shipped: "\\S" and "Kernel \\r on an \\m"', change: () => {},
    reason: /^\/etc\/issue shows system details: line 1: "\\S" \(the system name\); line 2: "\\r" \(the kernel release\); line 2: "\\m" \(the machine architecture\)\n/ },
  { id: '1.7.1.2', expect: 'pass', given: 'a plain warning', change: (l) => l.write('/etc/issue', WARNING) },
  { id: '1.7.1.2', expect: 'fail', given: 'an empty /etc/issue', change: (l) => l.write('/etc/issue', '\n'), reason: /is empty: no warning is shown/ },
  { id: '1.7.1.2', expect: 'fail', given: 'no /etc/issue', change: (l) => l.remove('/etc/issue'), reason: /does not exist: no warning is shown/, alsoChanges: { '1.7.1.5': 'fail' } },
  { id: '1.7.1.3', expect: 'fail', given: 'as shipped: the same text as /etc/issue', change: () => {}, reason: /^\/etc\/issue\.net shows system details/ },
  { id: '1.7.1.3', expect: 'pass', given: 'a plain warning', change: (l) => l.write('/etc/issue.net', WARNING), reason: /Authorised use only/ },
  { id: '1.7.1.3', expect: 'fail', given: 'a warning that names the OS in capitals', change: (l) => l.write('/etc/issue.net', `${WARNING}ALINUX host\n`),
    reason: /line 2: "ALINUX" \(the operating system's name, ID=alinux\)/ },

  { id: '1.7.1.4', expect: 'pass', given: 'as shipped: /etc/motd 0644 root:root', change: () => {} },
  { id: '1.7.1.4', expect: 'fail', given: '/etc/motd group-writable', change: (l) => l.chmod('/etc/motd', 0o664), reason: /has mode 0664, more permissive than 0644/ },
  { id: '1.7.1.5', expect: 'pass', given: 'as shipped: /etc/issue 0644 root:root', change: () => {} },
  { id: '1.7.1.5', expect: 'fail', given: '/etc/issue writable by everyone', change: (l) => l.chmod('/etc/issue', 0o646), reason: /extra bits 0002/ },
  { id: '1.7.1.5', expect: 'fail', given: '/etc/issue owned by a user', change: (l) => l.chown('/etc/issue', 1, 0), reason: /owned by bin:root, expected root:root/ },
  { id: '1.7.1.6', expect: 'pass', given: 'as shipped: /etc/issue.net 0644 root:root', change: () => {} },
  { id: '1.7.1.6', expect: 'fail', given: '/etc/issue.net writable by everyone', change: (l) => l.chmod('/etc/issue.net', 0o666), reason: /has mode 0666/ },
  { id: '1.7.1.6', expect: 'fail', given: 'no /etc/issue.net', change: (l) => l.remove('/etc/issue.net'), reason: /\/etc\/issue\.net does not exist/ },
], { base });

// ------------------------------------------------------------------------------------------------ 1.8

rootfsItemCases(ACL2, ['1.8'], [
  { id: '1.8', expect: 'manual', given: 'offline: yum\'s cache cannot be asked', change: () => {},
    reason: /yum -C -q check-update, from yum's cache only\): not checked: offline root filesystem/ },
], { base });

// ------------------------------------------------------------------------------------------------ containers


const run = async (c: RunningContainer, only: string[], asHost = false) => (await audit({ target: c.uri, benchmark: ACL2, only, containerAsHost: asHost })).report;

/**
 * A stand-in for /sys/fs with a selinuxfs holding the kernel's enforce flag, to mount at /sys/fs (runc
 * cannot create the missing /sys/fs/selinux in the read-only /sys of a host without SELinux).
 */
function selinuxfs(name: string, enforce: string): string[] {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, 'selinux'), { recursive: true });
  writeFileSync(path.join(dir, 'selinux/enforce'), enforce);
  return ['-v', `${dir}:/sys/fs:ro`];
}
/** A stand-in for ps in /usr/local/bin (before /usr/bin): prints the given contexts for -o label,pid,ppid,comm. */
const fakePs = (lines: string[]) => [
  'mkdir -p /usr/local/bin',
  `cat > /usr/local/bin/ps <<'EOF'\n#!/bin/sh\ncat <<'PS'\n${lines.join('\n')}\nPS\nEOF`,
  'chmod 0755 /usr/local/bin/ps',
].join('\n');
/** A stand-in for yum: `yum -C -q check-update` prints what the cached metadata would list. */
const fakeYum = (exit: number, lines: string[]) => [
  'mkdir -p /usr/local/bin /var/cache/yum/x86_64/2.1903/base /var/cache/yum/x86_64/2.1903/updates',
  'touch -d "2024-03-01 08:00:00 UTC" /var/cache/yum/x86_64/2.1903/base/repomd.xml', 'touch -d "2024-03-02 09:30:00 UTC" /var/cache/yum/x86_64/2.1903/updates/repomd.xml',
  `cat > /usr/local/bin/yum <<'EOF'\n#!/bin/sh\n[ "$1" = -C ] || { echo "refusing to contact a repository" >&2; exit 2; }\ncat <<'OUT'\n${lines.join('\n')}\nOUT\nexit ${exit}\nEOF`,
  'chmod 0755 /usr/local/bin/yum',
].join('\n');

const HOST_ITEMS = ['1.4.1', '1.4.2', '1.5.1', '1.5.2', '1.6.1.1', '1.6.1.2', '1.6.1.6'];
const STOCK: Record<string, string> = {
  '1.2.1': 'manual', '1.2.2': 'manual', '1.2.3': 'pass', '1.3.1': 'fail', '1.3.2': 'fail', '1.4.1': 'fail', '1.4.2': 'pass',
  '1.5.1': 'fail', '1.5.2': 'fail', '1.5.3': 'pass',
  '1.6.1.1': 'pass', '1.6.1.2': 'fail', '1.6.1.3': 'pass', '1.6.1.4': 'pass', '1.6.1.5': 'pass', '1.6.1.6': 'not-applicable', '1.6.2': 'pass',
  '1.7.1.1': 'fail', '1.7.1.2': 'fail', '1.7.1.3': 'fail', '1.7.1.4': 'pass', '1.7.1.5': 'pass', '1.7.1.6': 'pass', '1.8': 'manual',
};

describe(`${ACL2} 1.2-1.8 on running containers of the ACL2 images`, () => {
  it('stock as a container: the boot loader, the kernel and SELinux\'s running state belong to the host; yum is not in the image', async () => {
    await withContainerArgs(IMAGE.stock, [], undefined, async (c) => {
      const r = await run(c, SCOPE);
      expect(statuses(r)).toEqual({ ...STOCK, ...Object.fromEntries(HOST_ITEMS.map((id) => [id, 'not-applicable'])) });
      for (const id of HOST_ITEMS) expect(item(r, id).reason, id).toMatch(/^container: /);
      expect(text(r, '1.8')).toMatch(/yum -C -q check-update: nothing listed: yum is not installed on the target/);
      // the RPM database is read with the image's own rpm
      expect(text(r, '1.2.2')).toMatch(/^check that every key[\s\S]*rpm -qa 'gpg-pubkey\*' --qf [^:]*: no key imported/);
    });
  });

  it('as a host: the running kernel decides the kernel parameters, and SELinux is disabled here', async () => {
    const setup = "printf '* hard core 0\\n' > /etc/security/limits.d/60-core.conf; printf 'fs.suid_dumpable = 0\\nkernel.randomize_va_space = 2\\n' > /etc/sysctl.d/60-test.conf";
    await withContainerArgs(IMAGE.stock, [], setup, async (c) => {
      const suid = c.exec('cat /proc/sys/fs/suid_dumpable').trim();
      const aslr = c.exec('cat /proc/sys/kernel/randomize_va_space').trim();
      const r = await run(c, ['1.5.1', '1.5.2', '1.6.1.2', '1.6.1.6'], true);
      expect(statuses(r)).toEqual({ '1.5.1': suid === '0' ? 'pass' : 'fail', '1.5.2': aslr === '2' ? 'pass' : 'fail', '1.6.1.2': 'fail', '1.6.1.6': 'fail' });
      expect(text(r, '1.5.2')).toMatch(new RegExp(`sysctl -a: kernel\\.randomize_va_space = ${aslr}`));
      expect(item(r, '1.6.1.6').reason).toBe('SELinux is disabled in the running kernel: no daemon is confined by it');
      expect(text(r, '1.6.1.6')).toMatch(/\/sys\/fs\/selinux\/enforce: does not exist/);
    });
  });

  it('1.6.1.2 follows /sys/fs/selinux/enforce once the configuration says enforcing', async () => {
    const enforcing = "sed -i 's/^SELINUX=disabled/SELINUX=enforcing/' /etc/selinux/config";
    for (const [flag, want, evidence] of [['1\n', 'pass', /enforce: 1 \(getenforce: Enforcing\)/], ['0\n', 'fail', /enforce: 0 \(getenforce: Permissive\)/]] as const) {
      await withContainerArgs(IMAGE.stock, selinuxfs(`enforce-${flag.trim()}`, flag), enforcing, async (c) => {
        const r = await run(c, ['1.6.1.2'], true);
        expect(statuses(r)).toEqual({ '1.6.1.2': want });
        expect(text(r, '1.6.1.2')).toMatch(evidence);
        if (want === 'fail') {
          expect(item(r, '1.6.1.2').reason).toBe('SELinux is permissive in the running kernel, expected enforcing');
          expect(item(r, '1.6.1.2').manualFix?.steps[0]).toMatch(/setenforce 1/);
        }
      });
    }
  });

  it('1.6.1.6 looks for processes of the unconfined types, with SELinux enforcing', async () => {
    const fs = selinuxfs('enforcing', '1\n');
    const confined = ['system_u:system_r:init_t:s0 1 0 systemd', 'system_u:system_r:sshd_t:s0-s0:c0.c1023 612 1 sshd', 'system_u:system_r:chronyd_t:s0 540 1 chronyd'];
    await withContainerArgs(IMAGE.stock, fs, fakePs(confined), async (c) => {
      const r = await run(c, ['1.6.1.6'], true);
      expect(statuses(r)).toEqual({ '1.6.1.6': 'pass' });
      expect(text(r, '1.6.1.6')).toMatch(/ps -e -o label=,pid=,ppid=,comm=: 3 process\(es\), none with the type unconfined_service_t or initrc_t/);
    });
    await withContainerArgs(IMAGE.stock, fs, fakePs([...confined, 'system_u:system_r:unconfined_service_t:s0 812 1 node_exporter', 'system_u:system_r:initrc_t:s0 901 1 legacy-daemon']), async (c) => {
      const r = await run(c, ['1.6.1.6'], true);
      expect(statuses(r)).toEqual({ '1.6.1.6': 'fail' });
      expect(item(r, '1.6.1.6').reason).toBe('2 process(es) run unconfined: node_exporter (pid 812, unconfined_service_t), legacy-daemon (pid 901, initrc_t)');
    });
    // SELinux said to be on, but the kernel gives no process a context (this host has no SELinux): cannot decide
    await withContainerArgs(IMAGE.stock, fs, undefined, async (c) => {
      const r = await run(c, ['1.6.1.6'], true);
      expect(statuses(r)).toEqual({ '1.6.1.6': 'error' });
      expect(item(r, '1.6.1.6').reason).toMatch(/shows no SELinux context for any process: the contexts cannot be read/);
    });
  });

  it('1.8 lists what yum\'s cache knows, never asking a repository', async () => {
    const listed = ['', 'kernel.x86_64                 4.19.91-27.8.al7            updates', 'openssh-server.x86_64         7.4p1-22.al7                updates'];
    await withContainerArgs(IMAGE.stock, [], fakeYum(100, listed), async (c) => {
      const r = await run(c, ['1.8']);
      expect(statuses(r)).toEqual({ '1.8': 'manual' });
      expect(text(r, '1.8')).toMatch(/\/var\/cache\/yum: repository metadata last fetched 2024-03-02 09:30 UTC \(2 repositories cached\)[\s\S]*2 package\(s\) have updates, as far as the cached metadata knows:\nkernel → 4\.19\.91-27\.8\.al7 \(updates\)\nopenssh-server → 7\.4p1-22\.al7 \(updates\)/);
    });
    await withContainerArgs(IMAGE.stock, [], fakeYum(1, ["Error: Cache-only enabled but no cache for 'base'"]), async (c) => {
      const r = await run(c, ['1.8']);
      expect(statuses(r)).toEqual({ '1.8': 'manual' });
      expect(text(r, '1.8')).toMatch(/nothing listed: yum has no cached metadata to list updates from: Error: Cache-only enabled but no cache for 'base'/);
    });
  });
});

// ------------------------------------------------------------------------------------------------ acl2-hardened

const HARDENED: Record<string, string> = {
  ...STOCK, '1.3.1': 'pass', '1.3.2': 'pass', '1.4.1': 'pass', '1.5.1': 'not-applicable', '1.5.2': 'not-applicable',
  // ACK-exempt: the ACL2 MOTD's user-guide link names the OS
  '1.7.1.1': 'fail', '1.7.1.2': 'pass', '1.7.1.3': 'pass',
};

describe(`${ACL2} 1.2-1.8 on acl2-hardened (after ACK's CIS reinforcement)`, () => {
  it('passes every Level 1 scored item but the ACK-exempt 1.7.1.1 (and the manual 1.8); Level 2 stays as on stock', async () => {
    const r = (await audit({ target: `rootfs:${ensureAcl2Base('hardened')}`, benchmark: ACL2, only: SCOPE })).report;
    expect(statuses(r)).toEqual(HARDENED);
    expect(text(r, '1.5.1')).toMatch(/60-cis-core\.conf:2: \* hard core 0[\s\S]*60-cis-process-hardening\.conf:3: fs\.suid_dumpable = 0/);
    expect(text(r, '1.3.2')).toMatch(/\/var\/spool\/cron\/root:2: 0 5 \* \* \* root \/usr\/sbin\/aide --check/);
    expect(item(r, '1.7.1.1').reason).toMatch(/"alinux" \(the operating system's name, ID=alinux\)/);
  });

  it('gives the same verdicts in a container of the hardened image, but for what belongs to the host', async () => {
    await withContainerArgs(IMAGE.hardened, [], undefined, async (c) => {
      const r = await run(c, SCOPE);
      expect(statuses(r)).toEqual({ ...HARDENED, ...Object.fromEntries(HOST_ITEMS.map((id) => [id, 'not-applicable'])) });
    });
  });
});

// ------------------------------------------------------------------------------------------------ hardening

describe(`${ACL2} 1.2-1.8 hardened with the recorded remediations`, () => {
  it('fixes what is mechanical, 1.5.1 in two rounds of one run; AIDE needs --allow-install and a running system', async () => {
    const { runHarden } = (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
    await withOverlay(ensureAcl2Base(), (l) => {
      // a repository that does not check signatures, a later limits file that raises the core limit
      l.write('/etc/yum.repos.d/debug.repo', '[debug]\nbaseurl=http://debug.example\nenabled=0\ngpgcheck=0\n');
      l.write('/etc/security/limits.d/90-dev.conf', '* hard core unlimited\n');
    }, async (root) => {
      const harden = async (allowInstall = false) => runHarden({ target: `rootfs:${root}`, benchmark: ACL2, only: SCOPE, allowInstall, out: mkdtempSync(path.join(scratch, 'harden-')) });
      const outcome = (r: HardenResult, id: string) => r.report.outcomes.find((o) => o.id === id);
      const first = await harden();
      for (const id of ['1.2.3', '1.3.2', '1.4.1', '1.5.1', '1.5.2', '1.6.1.2', '1.7.1.1', '1.7.1.2', '1.7.1.3']) expect(`${id} ${outcome(first, id)?.outcome}`).toBe(`${id} fixed`);
      expect(outcome(first, '1.3.1')).toMatchObject({ outcome: 'skipped', reason: 'needs aide installed: pass --allow-install' });
      // the scenario stops at the limits; fs.suid_dumpable, checked after them, is fixed in a second round
      const p151 = first.report.plan.find((p) => p.id === '1.5.1')!;
      expect(p151.files.map((f) => f.path)).toEqual(['/etc/security/limits.d/90-dev.conf', '/etc/security/limits.d/60-cis-bdd.conf', '/etc/sysctl.d/60-cis-bdd.conf']);
      expect(p151.summary).toMatch(/; then set fs\.suid_dumpable = 0/);
      // idempotent: nothing left to plan but the install, which an offline tree cannot take
      const second = await harden(true);
      expect(second.report.plan.map((p) => p.id)).toEqual(['1.3.1']);
      expect(outcome(second, '1.3.1')).toMatchObject({ outcome: 'still failing', reason: expect.stringMatching(/aide cannot be installed into an offline root filesystem: install it with the system's own package manager \(yum install aide\)/) });
      expect(second.report.backedUp).toEqual([]);
      const after = (await audit({ target: `rootfs:${root}`, benchmark: ACL2, only: SCOPE })).report;
      expect(statuses(after)).toEqual({
        ...STOCK, '1.3.2': 'pass', '1.4.1': 'pass', '1.5.1': 'not-applicable', '1.5.2': 'not-applicable', '1.6.1.2': 'not-applicable',
        '1.7.1.1': 'pass', '1.7.1.2': 'pass', '1.7.1.3': 'pass',
      });
      const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
      expect(read('etc/yum.repos.d/debug.repo')).toMatch(/^gpgcheck=1$/m);
      expect(read('etc/cron.d/cis-bdd-aide')).toBe('0 5 * * * root /usr/sbin/aide --check\n');
      expect(statSync(path.join(root, 'boot/grub2/grub.cfg')).mode & 0o7777).toBe(0o600);
      expect(read('etc/security/limits.d/60-cis-bdd.conf')).toBe('* hard core 0\n');
      expect(read('etc/security/limits.d/90-dev.conf')).toBe('# * hard core unlimited  # disabled by cis-bdd\n');
      expect(read('etc/sysctl.d/60-cis-bdd.conf')).toMatch(/^kernel\.randomize_va_space = 2$/m);
      expect(read('etc/sysctl.d/60-cis-bdd.conf')).toMatch(/^fs\.suid_dumpable = 0$/m);
      expect(read('etc/selinux/config')).toMatch(/^SELINUX=enforcing$/m);
      // without ACK's exemption the user-guide link naming the OS goes
      expect(read('etc/motd')).not.toMatch(/alinux/i);
      expect(read('.autorelabel')).toBe('');
      expect(read('etc/issue')).toBe(WARNING);
    });
  }, 300_000);

  it('records a drop-in for a rescue unit without sulogin, and gpgcheck=1 under [main] when [main] has none', async () => {
    await withOverlay(ensureAcl2Base(), (l) => {
      l.write('/etc/systemd/system/rescue.service.d/override.conf', '[Service]\nExecStart=\nExecStart=-/bin/bash\n');
      l.edit('/etc/yum.conf', (t) => t.replace('gpgcheck=1\n', '').replace('# Repositories', '[local]\nbaseurl=file:///srv\n# Repositories'));
    }, async (root) => {
      const r = (await audit({ target: `rootfs:${root}`, benchmark: ACL2, only: ['1.2.3', '1.4.2'] })).report;
      // override.conf sorts after cis-bdd's drop-in and would replace its command again: its ExecStart lines are commented out
      expect(item(r, '1.4.2').remediation?.changes).toEqual([{
        kind: 'edit-file', path: '/etc/systemd/system/rescue.service.d/override.conf', edits: [{ op: 'comment-out', pattern: '^\\s*ExecStart\\s*=' }],
      }, {
        kind: 'edit-file', path: '/etc/systemd/system/rescue.service.d/60-cis-bdd.conf', create: { mode: 0o644, uid: 0, gid: 0 },
        edits: [{ op: 'replace-content', content: '[Service]\nExecStart=\nExecStart=-/bin/sh -c "/usr/sbin/sulogin; /usr/bin/systemctl --fail --no-block default"\n' }],
      }]);
      const edit = item(r, '1.2.3').remediation?.changes[0];
      expect(edit).toMatchObject({ kind: 'edit-file', path: '/etc/yum.conf' });
      const content = (edit as { edits: Array<{ content: string }> }).edits[0].content;
      expect(content.split('\n').slice(0, 3)).toEqual(['[main]', 'gpgcheck=1', 'cachedir=/var/cache/yum/$basearch/$releasever']);
      expect(content).toMatch(/\[local\]\nbaseurl=file:\/\/\/srv\n/);
    });
  });
});
