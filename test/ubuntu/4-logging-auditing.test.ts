/**
 * Chapter 4 Logging and Auditing on the Ubuntu 18.04 fixture (offline root filesystem), and on running
 * containers for what only a running system shows: the audit rules loaded in the kernel (`auditctl -l`,
 * played by a stub in the container, since a container may not read its host's audit rules), the
 * container rule for audit rules and the bootloader, and the hardened image's 40-logging-auditing.sh.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootfsItemCases } from '../support/cases.js';
import type { Layer } from '../support/fixtures.js';
import { repoRoot } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { IMAGES, withContainer } from '../support/containers.js';
import type { ComplianceReport } from '../../src/model/result.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const SCOPE = ['4.1', '4.2', '4.3', '4.4'];

/** The rules each item asks for on a 64-bit system, as the benchmark prints them. */
const RULES: Record<string, string[]> = {
  '4.1.3': [
    '-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change',
    '-a always,exit -F arch=b32 -S adjtimex -S settimeofday -S stime -k time-change',
    '-a always,exit -F arch=b64 -S clock_settime -k time-change',
    '-a always,exit -F arch=b32 -S clock_settime -k time-change',
    '-w /etc/localtime -p wa -k time-change',
  ],
  '4.1.4': ['/etc/group', '/etc/passwd', '/etc/gshadow', '/etc/shadow', '/etc/security/opasswd'].map((f) => `-w ${f} -p wa -k identity`),
  '4.1.5': [
    '-a always,exit -F arch=b64 -S sethostname -S setdomainname -k system-locale',
    '-a always,exit -F arch=b32 -S sethostname -S setdomainname -k system-locale',
    ...['/etc/issue', '/etc/issue.net', '/etc/hosts', '/etc/network'].map((f) => `-w ${f} -p wa -k system-locale`),
  ],
  '4.1.6': ['-w /etc/apparmor/ -p wa -k MAC-policy', '-w /etc/apparmor.d/ -p wa -k MAC-policy'],
  '4.1.7': ['faillog', 'lastlog', 'tallylog'].map((f) => `-w /var/log/${f} -p wa -k logins`),
  '4.1.8': ['-w /var/run/utmp -p wa -k session', '-w /var/log/wtmp -p wa -k logins', '-w /var/log/btmp -p wa -k logins'],
  '4.1.9': ['b64', 'b32'].flatMap((a) => [
    `-a always,exit -F arch=${a} -S chmod -S fchmod -S fchmodat -F auid>=1000 -F auid!=4294967295 -k perm_mod`,
    `-a always,exit -F arch=${a} -S chown -S fchown -S fchownat -S lchown -F auid>=1000 -F auid!=4294967295 -k perm_mod`,
    `-a always,exit -F arch=${a} -S setxattr -S lsetxattr -S fsetxattr -S removexattr -S lremovexattr -S fremovexattr -F auid>=1000 -F auid!=4294967295 -k perm_mod`,
  ]),
  '4.1.10': ['-EACCES', '-EPERM'].flatMap((e) => ['b64', 'b32'].map((a) =>
    `-a always,exit -F arch=${a} -S creat -S open -S openat -S truncate -S ftruncate -F exit=${e} -F auid>=1000 -F auid!=4294967295 -k access`)),
  '4.1.12': ['b64', 'b32'].map((a) => `-a always,exit -F arch=${a} -S mount -F auid>=1000 -F auid!=4294967295 -k mounts`),
  '4.1.13': ['b64', 'b32'].map((a) => `-a always,exit -F arch=${a} -S unlink -S unlinkat -S rename -S renameat -F auid>=1000 -F auid!=4294967295 -k delete`),
  '4.1.14': ['-w /etc/sudoers -p wa -k scope', '-w /etc/sudoers.d/ -p wa -k scope'],
  '4.1.15': ['b64', 'b32'].map((a) => `-a always,exit -F arch=${a} -C euid!=uid -F euid=0 -F auid>=1000 -F auid!=4294967295 -S execve -k actions`),
  '4.1.16': [
    '-w /sbin/insmod -p x -k modules', '-w /sbin/rmmod -p x -k modules', '-w /sbin/modprobe -p x -k modules',
    '-a always,exit -F arch=b64 -S init_module -S delete_module -k modules',
  ],
};

const rulesFile = (l: Layer, name: string, lines: string[]) => l.write(`/etc/audit/rules.d/${name}`, `${lines.join('\n')}\n`, 0o640);

/** The benchmark's own way to list the programs: every set-user-ID or set-group-ID regular file. */
function privilegedPrograms(root: string): string[] {
  const out = execFileSync('find', [root, '-xdev', '-type', 'f', '(', '-perm', '-4000', '-o', '-perm', '-2000', ')'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((p) => p.slice(root.length)).sort();
}
const privilegedRule = (p: string) => `-a always,exit -F path=${p} -F perm=x -F auid>=1000 -F auid!=4294967295 -k privileged`;

const GRUB_ENTRY = (params: string) => `\tlinux\t/boot/vmlinuz-4.15.0-20-generic root=UUID=3f2a ro ${params}\n`;
const grubCfg = (l: Layer, ...lines: string[]) => l.write('/boot/grub/grub.cfg', `set default="0"\nmenuentry 'Ubuntu' {\n${lines.join('}\nmenuentry \'Ubuntu (recovery mode)\' {\n')}}\n`, 0o444);

const setDpkgStatus = (l: Layer, pkg: string, status: string) => l.edit('/var/lib/dpkg/status',
  (t) => t.replace(new RegExp(`(Package: ${pkg}\\nStatus: )[^\\n]*`), `$1${status}`));
const auditd = (l: Layer, key: string, value: string) => l.edit('/etc/audit/auditd.conf',
  (t) => t.replace(new RegExp(`^${key} = .*$`, 'm'), `${key} = ${value}`));
const journald = (l: Layer, text: string) => l.append('/etc/systemd/journald.conf', text);
const LOG_FILES = ['alternatives.log', 'bootstrap.log', 'btmp', 'dpkg.log', 'faillog', 'lastlog', 'tallylog', 'wtmp'];
const tightenLogs = (l: Layer) => LOG_FILES.forEach((f) => l.chmod(`/var/log/${f}`, f === 'tallylog' ? 0o600 : 0o640));
const logrotate = (l: Layer, fn: (t: string) => string) => l.edit('/etc/logrotate.conf', fn);

rootfsItemCases(UBUNTU, SCOPE, [
  // 4.1.1.1 / 4.1.1.2: the package database and the unit files
  { id: '4.1.1.1', expect: 'pass', given: 'auditd and audispd-plugins installed, as shipped', change: () => {}, reason: /audispd-plugins 1:2\.8\.2-1ubuntu1 installed/ },
  { id: '4.1.1.1', expect: 'fail', given: 'audispd-plugins removed (configuration files left)', change: (l) => setDpkgStatus(l, 'audispd-plugins', 'deinstall ok config-files'),
    reason: /the package audispd-plugins is not installed/ },
  { id: '4.1.1.1', expect: 'fail', given: 'auditd removed', change: (l) => setDpkgStatus(l, 'auditd', 'deinstall ok config-files'), reason: /the package auditd is not installed/ },
  { id: '4.1.1.2', expect: 'pass', given: 'auditd.service wanted by multi-user.target, as shipped', change: () => {} },
  { id: '4.1.1.2', expect: 'fail', given: 'auditd.service disabled', change: (l) => l.remove('/etc/systemd/system/multi-user.target.wants/auditd.service'),
    reason: /auditd\.service is not enabled/ },

  // 4.1.1.3 / 4.1.1.4: the kernel lines of grub.cfg
  { id: '4.1.1.3', expect: 'not-applicable', given: 'no /boot/grub/grub.cfg in the fixture', change: () => {}, reason: /\/boot\/grub\/grub\.cfg does not exist/ },
  { id: '4.1.1.3', expect: 'pass', given: 'audit=1 on both kernel lines', change: (l) => grubCfg(l, GRUB_ENTRY('quiet splash audit=1'), GRUB_ENTRY('recovery nomodeset audit=1')),
    alsoChanges: { '4.1.1.4': 'fail' } },
  { id: '4.1.1.3', expect: 'fail', given: 'audit=1 missing from the recovery entry', change: (l) => grubCfg(l, GRUB_ENTRY('quiet splash audit=1'), GRUB_ENTRY('recovery nomodeset')),
    alsoChanges: { '4.1.1.4': 'fail' }, reason: /\/boot\/grub\/grub\.cfg:6 has no audit=/ },
  { id: '4.1.1.3', expect: 'fail', given: 'audit=1 overridden by a later audit=0', change: (l) => grubCfg(l, GRUB_ENTRY('audit=1 quiet audit=0')),
    alsoChanges: { '4.1.1.4': 'fail' }, reason: /has audit=0/ },
  { id: '4.1.1.4', expect: 'pass', given: 'audit_backlog_limit=8192 and 16384', change: (l) => grubCfg(l, GRUB_ENTRY('audit=1 audit_backlog_limit=8192'), GRUB_ENTRY('audit=1 audit_backlog_limit=16384')),
    alsoChanges: { '4.1.1.3': 'pass' } },
  { id: '4.1.1.4', expect: 'fail', given: 'audit_backlog_limit=4096', change: (l) => grubCfg(l, GRUB_ENTRY('audit=1 audit_backlog_limit=4096')),
    alsoChanges: { '4.1.1.3': 'pass' }, reason: /audit_backlog_limit=4096, less than 8192/ },

  // 4.1.2.x: auditd.conf
  { id: '4.1.2.1', expect: 'pass', given: 'max_log_file = 8, as shipped', change: () => {}, reason: /auditd\.conf:12.*max_log_file = 8/ },
  { id: '4.1.2.1', expect: 'fail', given: 'max_log_file commented out', change: (l) => l.edit('/etc/audit/auditd.conf', (t) => t.replace(/^max_log_file = 8$/m, '# max_log_file = 8')),
    reason: /max_log_file is not set/ },
  { id: '4.1.2.1', expect: 'fail', given: 'max_log_file = 8M, not a number', change: (l) => auditd(l, 'max_log_file', '8M'), reason: /not a size in megabytes/ },
  { id: '4.1.2.2', expect: 'pass', given: 'max_log_file_action = keep_logs', change: (l) => auditd(l, 'max_log_file_action', 'keep_logs') },
  { id: '4.1.2.2', expect: 'fail', given: 'max_log_file_action = ROTATE, as shipped', change: () => {}, reason: /max_log_file_action = ROTATE, expected keep_logs/ },
  { id: '4.1.2.2', expect: 'fail', given: 'keep_logs overridden by a later line', change: (l) => { auditd(l, 'max_log_file_action', 'keep_logs'); l.append('/etc/audit/auditd.conf', 'max_log_file_action = rotate\n'); },
    reason: /the last line wins; line 19 says keep_logs/ },
  { id: '4.1.2.3', expect: 'pass', given: 'email to root, then halt', change: (l) => { auditd(l, 'space_left_action', 'email'); auditd(l, 'admin_space_left_action', 'halt'); } },
  { id: '4.1.2.3', expect: 'fail', given: 'SYSLOG and SUSPEND, as shipped', change: () => {}, reason: /space_left_action = SYSLOG, expected email/ },
  { id: '4.1.2.3', expect: 'fail', given: 'email, but SUSPEND when nearly full', change: (l) => auditd(l, 'space_left_action', 'email'),
    reason: /admin_space_left_action = SUSPEND, expected halt/ },

  // 4.1.3–4.1.16: the benchmark's rules in a rules.d file comply (the loaded rules are checked on containers
  // below); the stock rules fail them all
  ...Object.entries(RULES).flatMap(([id, lines]) => [
    // compliant files leave only the loaded rules unchecked: not applicable on an offline tree, for that reason
    { id, expect: 'not-applicable' as const, given: 'the benchmark\'s rules in /etc/audit/rules.d/50-cis.rules', change: (l: Layer) => rulesFile(l, '50-cis.rules', lines),
      reason: /^offline root filesystem: auditctl -l not checked[\s\S]*provided:/ },
    { id, expect: 'fail' as const, given: 'only the stock control lines', change: () => {}, reason: /missing:/ },
    { id, expect: 'fail' as const, given: 'all rules but the last', change: (l: Layer) => rulesFile(l, '50-cis.rules', lines.slice(0, -1)),
      reason: new RegExp(`1 of ${lines.length} rule\\(s\\) missing`) },
  ]),
  { id: '4.1.3', expect: 'not-applicable', given: 'the rules in auditctl -l spelling, merged and split differently',
    change: (l) => rulesFile(l, '50-time.rules', [
      '-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -F key=time-change',
      '-a exit,always -F arch=b32 -S adjtimex -F key=time-change',
      '-a always,exit -F arch=b32 -S settimeofday,stime,clock_settime -k time-change',
      '-w /etc/localtime -p aw -k time-change',
    ]) },
  { id: '4.1.3', expect: 'fail', given: 'the 32-bit rule without stime', change: (l) => rulesFile(l, '50-time.rules', [...RULES['4.1.3'].filter((r) => !r.includes('stime')),
    '-a always,exit -F arch=b32 -S adjtimex -S settimeofday -k time-change']), reason: /only partly: no rule for stime/ },
  { id: '4.1.9', expect: 'not-applicable', given: 'fields in another order and the unset uid written -1', change: (l) => rulesFile(l, '50-perm.rules',
    RULES['4.1.9'].map((r) => r.replace('-F auid>=1000 -F auid!=4294967295', '-F auid!=-1 -F auid>=1000'))) },
  { id: '4.1.9', expect: 'fail', given: 'rules without the auid!= condition', change: (l) => rulesFile(l, '50-perm.rules',
    RULES['4.1.9'].map((r) => r.replace(' -F auid!=4294967295', ''))), reason: /6 of 6 rule\(s\) missing/ },
  { id: '4.1.14', expect: 'fail', given: 'watches without a key', change: (l) => rulesFile(l, '50-scope.rules', RULES['4.1.14'].map((r) => r.replace(' -k scope', ''))),
    reason: /2 of 2 rule\(s\) missing/ },
  { id: '4.1.15', expect: 'not-applicable', given: 'the benchmark\'s older spelling: exit,always and -Fauid>=1000', change: (l) => rulesFile(l, '50-actions.rules',
    RULES['4.1.15'].map((r) => r.replace('-a always,exit', '-a exit,always').replace('-F auid>=1000', '-Fauid>=1000'))) },
  { id: '4.1.16', expect: 'fail', given: 'the watches removed again by a later file', change: (l) => { rulesFile(l, '50-modules.rules', RULES['4.1.16']); rulesFile(l, '60-undo.rules', ['-W /sbin/insmod -p x -k modules']); },
    reason: /missing:\n-w \/sbin\/insmod -p x -k modules/ },
  // the rule set the kernel holds after augenrules --load (issue 13): a never rule tried first, a load that
  // stops ("Rule exists", after -e 2), what mawk's augenrules leaves in place, files it does not read
  { id: '4.1.4', expect: 'fail', given: 'a never rule for /etc in an earlier file silences the watches',
    change: (l) => { rulesFile(l, '10-quiet.rules', ['-a never,exit -F dir=/etc -F perm=wa']); rulesFile(l, '50-cis.rules', RULES['4.1.4']); },
    reason: /5 of 5 rule\(s\) missing[\s\S]*silenced by the never rule \/etc\/audit\/rules\.d\/10-quiet\.rules:1/ },
  { id: '4.1.4', expect: 'not-applicable', given: 'the same never rule in a later file: the watches are tried first',
    change: (l) => { rulesFile(l, '50-cis.rules', RULES['4.1.4']); rulesFile(l, '90-quiet.rules', ['-a never,exit -F dir=/etc -F perm=wa']); } },
  { id: '4.1.12', expect: 'not-applicable', given: 'a never rule for unset login uids first: it cannot match auid!=4294967295',
    change: (l) => { rulesFile(l, '10-quiet.rules', ['-a never,exit -F arch=b64 -S all -F auid=4294967295']); rulesFile(l, '50-cis.rules', RULES['4.1.12']); } },
  { id: '4.1.12', expect: 'fail', given: 'a never rule for 64-bit mount first: half of the rules are silenced',
    change: (l) => { rulesFile(l, '10-quiet.rules', ['-a never,exit -F arch=b64 -S mount']); rulesFile(l, '50-cis.rules', RULES['4.1.12']); },
    reason: /1 of 2 rule\(s\) missing[\s\S]*arch=b64 -S mount[\s\S]*mount: silenced by the never rule/ },
  { id: '4.1.4', expect: 'fail', given: 'a rule loaded twice stops the load before the identity watches ("Rule exists")',
    change: (l) => { rulesFile(l, '10-early.rules', ['-w /etc/localtime -p wa -k time-change']); rulesFile(l, '50-cis.rules', [...RULES['4.1.3'], ...RULES['4.1.4']]); },
    reason: /5 of 5 rule\(s\) missing/, alsoChanges: { '4.1.3': 'not-applicable' } },
  { id: '4.1.4', expect: 'fail', given: 'an indented "  -e 2" in an earlier file: mawk\'s augenrules leaves it in place, and nothing after it loads',
    change: (l) => { rulesFile(l, '10-lock.rules', ['  -e 2']); rulesFile(l, '50-cis.rules', RULES['4.1.4']); },
    reason: /5 of 5 rule\(s\) missing/, alsoChanges: { '4.1.17': 'pass' } },
  { id: '4.1.4', expect: 'fail', given: 'an indented " -D" in a later file deletes the rules loaded before it',
    change: (l) => { rulesFile(l, '50-cis.rules', RULES['4.1.4']); rulesFile(l, '60-local.rules', [' -D', '-w /etc/motd -p wa']); },
    reason: /5 of 5 rule\(s\) missing/ },
  { id: '4.1.4', expect: 'fail', given: 'the rules in 50-cis.rules.bak, a name augenrules does not read',
    change: (l) => l.write('/etc/audit/rules.d/50-cis.rules.bak', `${RULES['4.1.4'].join('\n')}\n`, 0o640), reason: /5 of 5 rule\(s\) missing/ },
  { id: '4.1.4', expect: 'fail', given: 'an empty rules.d: augenrules replaces audit.rules, which holds the rules, with an empty set',
    change: (l) => { l.remove('/etc/audit/rules.d/audit.rules'); l.write('/etc/audit/audit.rules', `${RULES['4.1.4'].join('\n')}\n`, 0o640); },
    reason: /5 of 5 rule\(s\) missing/ },
  { id: '4.1.4', expect: 'not-applicable', given: 'no rules.d directory: augenrules loads audit.rules as it is',
    change: (l) => { l.remove('/etc/audit/rules.d'); l.write('/etc/audit/audit.rules', `${RULES['4.1.4'].join('\n')}\n`, 0o640); } },
  { id: '4.1.17', expect: 'fail', given: '-e 2 last, but a rule loaded twice stops the load before it',
    change: (l) => { rulesFile(l, '10-a.rules', ['-w /etc/passwd -p wa -k identity']); rulesFile(l, '20-b.rules', ['-w /etc/passwd -p wa -k identity']); rulesFile(l, '99-finalize.rules', ['-e 2']); },
    reason: /"-e 2" \(\/etc\/audit\/rules\.d\/99-finalize\.rules:1\) is never applied: auditctl -R stops at \/etc\/audit\/rules\.d\/20-b\.rules:1/ },
  { id: '4.1.3', expect: 'error', given: 'a rules file auditctl would reject', change: (l) => rulesFile(l, '50-bad.rules', ['-a always,exit -F arch=b64 -S adjtimex -Q time-change']),
    reason: /50-bad\.rules:1 is not an audit rule auditctl accepts \(unknown option -Q\)/,
    alsoChanges: Object.fromEntries(['4.1.4', '4.1.5', '4.1.6', '4.1.7', '4.1.8', '4.1.9', '4.1.10', '4.1.11', '4.1.12', '4.1.13', '4.1.14', '4.1.15', '4.1.16', '4.1.17'].map((id) => [id, 'error'])) },

  // 4.1.11: one rule per set-user-ID or set-group-ID program found by the walk
  { id: '4.1.11', expect: 'not-applicable', given: 'a rule for each of the fixture\'s 19 programs', change: (l) => rulesFile(l, '50-privileged.rules', privilegedPrograms(l.root).map(privilegedRule)),
    reason: /^offline root filesystem[\s\S]*19:\n\/bin\/mount[\s\S]*-F path=\/usr\/bin\/sudo -F perm=x .*← \/etc\/audit\/rules\.d\/50-privileged\.rules:\d+/ },
  { id: '4.1.11', expect: 'fail', given: 'a new set-user-ID program without a rule', change: (l) => {
    rulesFile(l, '50-privileged.rules', privilegedPrograms(l.root).map(privilegedRule));
    l.write('/usr/local/bin/helper', '#!/bin/sh\n', 0o755); l.chmod('/usr/local/bin/helper', 0o4755);
  }, reason: /1 of 20 rule\(s\) missing[\s\S]*-F path=\/usr\/local\/bin\/helper/ },
  { id: '4.1.11', expect: 'fail', given: 'the stock rules', change: () => {}, reason: /19 of 19 rule\(s\) missing/ },

  // 4.1.17: the -e line augenrules puts last
  { id: '4.1.17', expect: 'pass', given: '-e 2 in 99-finalize.rules (the stock audit.rules sorts after it; augenrules moves -e last)',
    change: (l) => rulesFile(l, '99-finalize.rules', ['-e 2']), reason: /99-finalize\.rules:1.*-e 2 \(the last line in file order is \/etc\/audit\/rules\.d\/audit\.rules:12 -f 1/ },
  { id: '4.1.17', expect: 'fail', given: 'no -e line, as shipped', change: () => {}, reason: /no "-e" line/ },
  { id: '4.1.17', expect: 'fail', given: '-e 2 overridden by a later -e 1', change: (l) => { rulesFile(l, '10-lock.rules', ['-e 2']); rulesFile(l, '20-unlock.rules', ['-e 1']); },
    reason: /is "-e 1" \(\/etc\/audit\/rules\.d\/20-unlock\.rules:1\)/ },

  // 4.2.1.x: rsyslog
  { id: '4.2.1.1', expect: 'pass', given: 'rsyslog installed, as shipped', change: () => {} },
  { id: '4.2.1.1', expect: 'fail', given: 'rsyslog removed', change: (l) => setDpkgStatus(l, 'rsyslog', 'deinstall ok config-files') },
  { id: '4.2.1.2', expect: 'pass', given: 'rsyslog.service enabled, as shipped', change: () => {} },
  { id: '4.2.1.2', expect: 'fail', given: 'rsyslog.service disabled', change: (l) => l.remove('/etc/systemd/system/multi-user.target.wants/rsyslog.service') },
  { id: '4.2.1.3', expect: 'manual', given: 'the stock rules, listed for review', change: () => {},
    reason: /50-default\.conf:8 auth,authpriv\.\*\s+\/var\/log\/auth\.log[\s\S]*8 regular file\(s\)/ },
  { id: '4.2.1.4', expect: 'pass', given: '$FileCreateMode 0640 in rsyslog.conf, as shipped', change: () => {}, reason: /rsyslog\.conf:45.*\$FileCreateMode 0640/ },
  { id: '4.2.1.4', expect: 'fail', given: '$FileCreateMode 0644', change: (l) => l.edit('/etc/rsyslog.conf', (t) => t.replace('$FileCreateMode 0640', '$FileCreateMode 0644')),
    reason: /0644, more permissive than 0640/ },
  { id: '4.2.1.4', expect: 'fail', given: 'no $FileCreateMode', change: (l) => l.edit('/etc/rsyslog.conf', (t) => t.replace('$FileCreateMode 0640', '')),
    reason: /\$FileCreateMode is not set/ },
  { id: '4.2.1.4', expect: 'fail', given: 'one file action with its own mode 0664', change: (l) => l.write('/etc/rsyslog.d/30-app.conf', 'local0.* action(type="omfile" file="/var/log/app.log" fileCreateMode="0664")\n'),
    reason: /30-app\.conf:1 sets file creation mode 0664/ },
  { id: '4.2.1.4', expect: 'fail', given: '$IncludeConfig of the rsyslog.d directory: rsyslogd also reads its subdirectory extra/, where app.conf sets 0644',
    change: (l) => { l.edit('/etc/rsyslog.conf', (t) => t.replace('$IncludeConfig /etc/rsyslog.d/*.conf', '$IncludeConfig /etc/rsyslog.d/')); l.mkdir('/etc/rsyslog.d/extra', 0o755); l.write('/etc/rsyslog.d/extra/app.conf', '$FileCreateMode 0644\n'); },
    reason: /rsyslog\.d\/extra\/app\.conf:1 sets file creation mode 0644, more permissive than 0640/ },
  { id: '4.2.1.4', expect: 'pass', given: 'a file of rsyslog.d includes rsyslog.conf again: rsyslogd ignores an include of a file it is reading',
    change: (l) => l.write('/etc/rsyslog.d/30-loop.conf', '$IncludeConfig /etc/rsyslog.conf\n'), reason: /rsyslog\.conf:45.*\$FileCreateMode 0640/ },
  { id: '4.2.1.5', expect: 'fail', given: 'no forwarding, as shipped', change: () => {}, reason: /sends no message to a remote log host/ },
  { id: '4.2.1.5', expect: 'pass', given: '*.* @@loghost over TCP', change: (l) => l.write('/etc/rsyslog.d/60-remote.conf', '*.* @@loghost.example.com\n'), reason: /to TCP, to loghost\.example\.com/ },
  { id: '4.2.1.5', expect: 'pass', given: 'an omfwd action over several lines', change: (l) => l.write('/etc/rsyslog.d/60-remote.conf',
    '*.* action(type="omfwd"\n  target="192.0.2.10" port="514"\n  protocol="tcp")\n'), reason: /action type omfwd over tcp, to 192\.0\.2\.10/ },
  { id: '4.2.1.5', expect: 'fail', given: 'the forwarding line commented out', change: (l) => l.write('/etc/rsyslog.d/60-remote.conf', '#*.* @@loghost.example.com\n') },
  { id: '4.2.1.6', expect: 'manual', given: 'no network input', change: () => {}, reason: /accepts no message from the network/ },
  { id: '4.2.1.6', expect: 'manual', given: 'imtcp loaded and listening on 514', change: (l) => l.write('/etc/rsyslog.d/10-listen.conf', '$ModLoad imtcp\n$InputTCPServerRun 514\n'),
    reason: /listens for messages from other hosts[\s\S]*10-listen\.conf:1 \$ModLoad imtcp\n\/etc\/rsyslog\.d\/10-listen\.conf:2 \$InputTCPServerRun 514/ },

  // 4.2.2.x: journald
  { id: '4.2.2.1', expect: 'fail', given: 'ForwardToSyslog only commented out, as shipped', change: () => {}, reason: /ForwardToSyslog is not set/ },
  { id: '4.2.2.1', expect: 'pass', given: 'ForwardToSyslog=yes', change: (l) => journald(l, 'ForwardToSyslog=yes\n') },
  { id: '4.2.2.1', expect: 'fail', given: 'ForwardToSyslog=no', change: (l) => journald(l, 'ForwardToSyslog=no\n'), reason: /ForwardToSyslog=no, expected yes/ },
  { id: '4.2.2.2', expect: 'fail', given: 'Compress only commented out, as shipped', change: () => {} },
  { id: '4.2.2.2', expect: 'pass', given: 'Compress=yes in a drop-in', change: (l) => l.write('/etc/systemd/journald.conf.d/50-compress.conf', '[Journal]\nCompress=yes\n'),
    reason: /journald\.conf\.d\/50-compress\.conf:2.*Compress=yes/ },
  { id: '4.2.2.2', expect: 'fail', given: 'Compress=yes overridden by a drop-in', change: (l) => { journald(l, 'Compress=yes\n'); l.write('/etc/systemd/journald.conf.d/90-local.conf', '[Journal]\nCompress=no\n'); },
    reason: /Compress=no, expected yes/ },
  { id: '4.2.2.3', expect: 'fail', given: 'Storage only commented out, as shipped', change: () => {} },
  { id: '4.2.2.3', expect: 'pass', given: 'Storage=persistent', change: (l) => journald(l, 'Storage=persistent\n') },
  { id: '4.2.2.3', expect: 'fail', given: 'Storage=auto', change: (l) => journald(l, 'Storage=auto\n'), reason: /Storage=auto, expected persistent/ },

  // 4.2.3: every regular file under /var/log
  { id: '4.2.3', expect: 'fail', given: 'the stock modes (0644, 0664, 0660)', change: () => {}, reason: /7 file\(s\)[\s\S]*\/var\/log\/lastlog \(mode 0664, owner root:utmp\)/ },
  { id: '4.2.3', expect: 'pass', given: 'every log file 0640 or 0600', change: tightenLogs },
  { id: '4.2.3', expect: 'fail', given: 'one nested file readable by others', change: (l) => { tightenLogs(l); l.write('/var/log/app/debug.log', 'x', 0o604); },
    reason: /1 log file\(s\) too open, e\.g\. \/var\/log\/app\/debug\.log \(mode 0604/ },

  // 4.3: a judgement
  { id: '4.3', expect: 'manual', given: 'the stock configuration, for review', change: () => {}, reason: /line 3: weekly[\s\S]*\/etc\/logrotate\.d\/rsyslog: \/var\/log\/syslog/ },

  // 4.4: create lines of /etc/logrotate.conf
  { id: '4.4', expect: 'fail', given: 'a bare "create", as shipped', change: () => {}, reason: /logrotate\.conf:13 "create" names no mode/ },
  { id: '4.4', expect: 'pass', given: 'create 0640 root utmp everywhere', change: (l) => logrotate(l, (t) => t.replace(/^(\s*)create.*$/gm, '$1create 0640 root utmp')) },
  { id: '4.4', expect: 'pass', given: 'create 0600 root root for every log, 0640 for wtmp and btmp', change: (l) => logrotate(l, (t) => t.replace(/^create$/m, 'create 0600 root root').replace(/create 06[0-7][0-7] root utmp/g, 'create 0640 root utmp')) },
  { id: '4.4', expect: 'fail', given: 'create 0640 for every log, but wtmp still 0664', change: (l) => logrotate(l, (t) => t.replace(/^create$/m, 'create 0640 root utmp').replace('create 0660', 'create 0600')),
    reason: /logrotate\.conf:25 "create 0664 root utmp" \(for \/var\/log\/wtmp\) is more permissive than 0640/ },
  { id: '4.4', expect: 'fail', given: 'nocreate', change: (l) => logrotate(l, (t) => t.replace(/^create$/m, 'nocreate')), reason: /nocreate/ },
]);

const statuses = (r: ComplianceReport, prefix = '4.') => Object.fromEntries(r.items.filter((i) => i.id.startsWith(prefix) && i.status !== 'not-selected').map((i) => [i.id, i.status]));
const item = (r: ComplianceReport, id: string) => r.items.find((i) => i.id === id)!;
const evidence = (r: ComplianceReport, id: string) => item(r, id).evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n');

/** A stand-in for auditctl in a container: `auditctl -l` prints the given rules, as a host kernel would list them. */
const fakeAuditctl = (rules: string[]) => [
  `cat > /usr/local/sbin/auditctl <<'EOF'\n#!/bin/sh\n[ "$1" = -l ] || exit 2\ncat <<'RULES'\n${rules.join('\n') || 'No rules'}\nRULES\nEOF`,
  'chmod 0755 /usr/local/sbin/auditctl',
].join('\n');
const writeRules = (name: string, rules: string[]) => `printf '%s\\n' ${rules.map((r) => `'${r}'`).join(' ')} > /etc/audit/rules.d/${name}`;

describe(`${UBUNTU} 4.1 audit rules on running containers`, () => {
  it('leaves audit rules and boot parameters to the host (the container rule)', async () => {
    const r = await withContainer(IMAGES.ubuntuStock, undefined, async (c) => (await audit({ target: c.uri, benchmark: UBUNTU, only: ['4.1'] })).report);
    for (const id of ['4.1.3', '4.1.11', '4.1.17']) expect(item(r, id)).toMatchObject({ status: 'not-applicable', reason: expect.stringMatching(/^container: .*host kernel/) });
    expect(item(r, '4.1.1.3')).toMatchObject({ status: 'not-applicable', reason: expect.stringMatching(/^container: a container has no bootloader/) });
    expect(item(r, '4.1.2.2').status).toBe('fail');
  });

  it('compares the rules loaded in the kernel with the benchmark\'s, in auditctl -l spelling', async () => {
    const setup = [
      writeRules('50-cis.rules', [...RULES['4.1.3'], ...RULES['4.1.4'], ...RULES['4.1.14']]),
      // what the kernel holds: 4.1.3 as auditctl -l prints it, 4.1.4 only partly (the rules were never reloaded), 4.1.14 not at all
      fakeAuditctl([
        '-a always,exit -F arch=b64 -S adjtimex,settimeofday -F key=time-change',
        '-a always,exit -F arch=b32 -S stime,settimeofday,adjtimex -F key=time-change',
        '-a always,exit -F arch=b64 -S clock_settime -F key=time-change',
        '-a always,exit -F arch=b32 -S clock_settime -F key=time-change',
        '-w /etc/localtime -p wa -k time-change',
        '-w /etc/group -p wa -k identity',
        '-w /etc/passwd -p wa -k identity',
      ]),
    ].join('\n');
    const r = await withContainer(IMAGES.ubuntuStock, setup, async (c) =>
      (await audit({ target: c.uri, benchmark: UBUNTU, only: ['4.1.3', '4.1.4', '4.1.14'], containerAsHost: true })).report);
    expect(statuses(r)).toEqual({ '4.1.3': 'pass', '4.1.4': 'fail', '4.1.14': 'fail' });
    expect(evidence(r, '4.1.3')).toMatch(/auditctl -l: provided:\n-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change {2}← line 1/);
    expect(item(r, '4.1.4').reason).toMatch(/^3 of 5 rule\(s\) missing from the rules loaded in the kernel: -w \/etc\/gshadow -p wa -k identity/);
    expect(item(r, '4.1.14').reason).toMatch(/^2 of 2 rule\(s\) missing from the rules loaded in the kernel/);
  });

  it('ends in error when the loaded rules cannot be listed (a container without CAP_AUDIT_CONTROL)', async () => {
    const r = await withContainer(IMAGES.ubuntuStock, writeRules('50-cis.rules', RULES['4.1.3']), async (c) =>
      (await audit({ target: c.uri, benchmark: UBUNTU, only: ['4.1.3'], containerAsHost: true })).report);
    expect(item(r, '4.1.3')).toMatchObject({ status: 'error', reason: expect.stringMatching(/auditctl -l failed \(exit 255\): Error sending rule list data request \(Operation not permitted\)/) });
  });

  it('fails when the files comply but the kernel holds no rule (they were never loaded)', async () => {
    const script = readFileSync(path.join(repoRoot, 'containers/ubuntu-18.04-hardened/harden.d/40-logging-auditing.sh'), 'utf8');
    const r = await withContainer(IMAGES.ubuntuStock, `${script}\n${fakeAuditctl([])}`, async (c) =>
      (await audit({ target: c.uri, benchmark: UBUNTU, only: ['4.1.3'], containerAsHost: true })).report);
    expect(item(r, '4.1.3')).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^5 of 5 rule\(s\) missing from the rules loaded in the kernel/) });
  });
});

describe(`${UBUNTU} chapter 4 after the hardened image's 40-logging-auditing.sh`, () => {
  const script = readFileSync(path.join(repoRoot, 'containers/ubuntu-18.04-hardened/harden.d/40-logging-auditing.sh'), 'utf8');
  const MANUAL = { '4.2.1.3': 'manual', '4.2.1.6': 'manual', '4.3': 'manual' };

  it('passes every item a container can pass; audit rules and boot parameters are left to the host', async () => {
    const r = await withContainer(IMAGES.ubuntuStock, script, async (c) => (await audit({ target: c.uri, benchmark: UBUNTU, only: SCOPE })).report);
    const expected: Record<string, string> = { ...MANUAL, '4.1.1.3': 'not-applicable', '4.1.1.4': 'not-applicable' };
    for (const id of Object.keys(RULES)) expected[id] = 'not-applicable';
    expected['4.1.11'] = 'not-applicable';
    expected['4.1.17'] = 'not-applicable';
    for (const id of ['4.1.1.1', '4.1.1.2', '4.1.2.1', '4.1.2.2', '4.1.2.3', '4.2.1.1', '4.2.1.2', '4.2.1.4', '4.2.1.5', '4.2.2.1', '4.2.2.2', '4.2.2.3', '4.2.3', '4.4']) expected[id] = 'pass';
    expect(statuses(r)).toEqual(expected);
  });

  it('writes audit rules that pass on a host whose kernel loaded them (auditctl -l played by the rules files)', async () => {
    const loadFromFiles = [
      'cat > /usr/local/sbin/auditctl <<\'EOF\'\n#!/bin/sh\n[ "$1" = -l ] || exit 2\ngrep -hEv \'^[[:space:]]*(#|-[Dbfe]|--|$)\' /etc/audit/rules.d/*.rules\nEOF',
      'chmod 0755 /usr/local/sbin/auditctl',
    ].join('\n');
    const r = await withContainer(IMAGES.ubuntuStock, `${script}\n${loadFromFiles}`, async (c) =>
      (await audit({ target: c.uri, benchmark: UBUNTU, only: ['4.1'], containerAsHost: true })).report);
    const expected: Record<string, string> = { '4.1.1.3': 'not-applicable', '4.1.1.4': 'not-applicable' };
    for (const id of ['4.1.1.1', '4.1.1.2', '4.1.2.1', '4.1.2.2', '4.1.2.3', ...Object.keys(RULES), '4.1.11', '4.1.17']) expected[id] = 'pass';
    expect(statuses(r)).toEqual(expected);
    expect(evidence(r, '4.1.17')).toMatch(/99-finalize\.rules:1: -e 2 \(it is the last rule line\)/);
    expect(evidence(r, '4.1.11')).toMatch(/auditctl -l: provided:\n-a always,exit -F path=\/bin\/mount/);
  });
});

describe('rsyslog includes on a live target (docker:// of the Ubuntu fixture)', () => {
  it('4.2.1.4 reads the subdirectory of an included directory, as rsyslogd does', async () => {
    const setup = [
      "sed -i 's|^\\$IncludeConfig /etc/rsyslog.d/\\*.conf|$IncludeConfig /etc/rsyslog.d/|' /etc/rsyslog.conf",
      'mkdir -p /etc/rsyslog.d/extra',
      "printf '%s\\n' '$FileCreateMode 0644' > /etc/rsyslog.d/extra/app.conf",
    ].join('\n');
    const r = await withContainer(IMAGES.ubuntuStock, setup, async (c) => (await audit({ target: c.uri, benchmark: UBUNTU, only: ['4.2.1.4'] })).report);
    expect(item(r, '4.2.1.4')).toMatchObject({ status: 'fail', reason: expect.stringMatching(/rsyslog\.d\/extra\/app\.conf:1 sets file creation mode 0644, more permissive than 0640/) });
  });
});
