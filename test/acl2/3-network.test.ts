/**
 * Chapter 3 Network Configuration of CIS Aliyun Linux 2 v1.0.0 on the acl2-stock tree (offline root
 * filesystem, each case on an overlay), on containers of the acl2 images for what only a running system
 * shows (kernel parameters of the container's network namespace, audited as a host; the firewall, read
 * through a stand-in iptables; open ports of perl listeners; the container rule), on the acl2-hardened tree,
 * and hardening the stock tree with the remediations the failing items record.
 *
 * On stock: no sysctl file sets the chapter's parameters but accept_source_route (IPv4, in
 * /usr/lib/sysctl.d/50-default.conf), tcp_syncookies = 1 and rp_filter, which /etc/sysctl.conf (applied at
 * the place of its link /etc/sysctl.d/99-sysctl.conf) sets to 0 after 50-default.conf set 1; IPv6 is enabled (no
 * ipv6.disable=1 on the kernel line of /boot/grub2/grub.cfg, no disable_ipv6); hosts.allow and hosts.deny
 * hold only comments; no modprobe.d line for the four protocols; iptables installed, iptables-services not,
 * so neither /etc/sysconfig/iptables nor ip6tables exists.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, lstatSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootfsItemCases, type ItemCase } from '../support/cases.js';
import { removeRpm } from '../support/rpm.js';
import type { Layer } from '../support/fixtures.js';
import { ensureAcl2Base, repoRoot, withOverlay } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { docker, startContainer, type RunningContainer } from '../support/containers.js';
import type { ComplianceReport } from '../../src/model/result.js';

const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const IMAGE = { stock: 'cis-bdd/acl2-stock:latest', hardened: 'cis-bdd/acl2-hardened:latest' };
const OFFLINE = /^offline root filesystem/;
const GRUB2 = '/boot/grub2/grub.cfg';

const sysctl = (...lines: string[]) => (l: Layer) => l.write('/etc/sysctl.d/60-test.conf', `${lines.join('\n')}\n`);
const both = (param: string, value: string, fam = 'ipv4') => [`net.${fam}.conf.all.${param} = ${value}`, `net.${fam}.conf.default.${param} = ${value}`];
const edit = (file: string, from: RegExp, to: string) => (l: Layer) => l.edit(file, (t) => {
  if (!from.test(t)) throw new Error(`${file} has no line matching ${from}`);
  return t.replace(from, to);
});
const all = (...changes: Array<(l: Layer) => void>) => (l: Layer) => { for (const c of changes) c(l); };
/** Add parameters to the kernel line of the stock grub2 configuration (line 95). */
const grubParams = (params: string) => edit(GRUB2, /^(\s*linux16 .*)$/m, `$1 ${params}`);
const hostsAllow = (text: string) => (l: Layer) => l.write('/etc/hosts.allow', text);
const hostsDeny = (text: string) => (l: Layer) => l.write('/etc/hosts.deny', text);

/** IPv6 switched off: the items about IPv6 no longer apply, and 3.6 passes when it is the kernel line that does it. */
const IPV6_OFF = { '3.2.1': 'not-applicable', '3.2.9': 'not-applicable', '3.5.2.1': 'not-applicable', '3.5.2.2': 'not-applicable', '3.5.2.3': 'not-applicable' };
/** The other items a change affects, without the case's own item. */
const others = (id: string, changes: Record<string, string>) => Object.fromEntries(Object.entries(changes).filter(([k]) => k !== id));

// ---------------------------------------------------------------------------------------------------
// 3.1, 3.2: kernel parameters (offline: the persistent configuration decides)

const kernelCases: ItemCase[] = [
  { id: '3.1.1', expect: 'fail', given: 'as shipped: neither forwarding parameter is set', change: () => {},
    reason: /^net\.ipv4\.ip_forward is not set in the persistent sysctl configuration; net\.ipv6\.conf\.all\.forwarding is not set/ },
  { id: '3.1.1', expect: 'not-applicable', given: 'IPv4 and IPv6 forwarding off in sysctl.d', change: sysctl('net.ipv4.ip_forward = 0', 'net.ipv6.conf.all.forwarding = 0'), reason: OFFLINE },
  { id: '3.1.1', expect: 'fail', given: 'sysctl.d says 0, /etc/sysctl.conf (applied last, through 99-sysctl.conf too) says 1',
    change: all(sysctl('net.ipv4.ip_forward = 0', 'net.ipv6.conf.all.forwarding = 0'), (l) => l.append('/etc/sysctl.conf', 'net.ipv4.ip_forward = 1\n')),
    reason: /\/etc\/sysctl\.conf:\d+ sets net\.ipv4\.ip_forward = 1 \(the setting that applies last\), expected 0/ },
  { id: '3.1.1', expect: 'not-applicable', given: 'IPv4 forwarding off and IPv6 disabled on the kernel line: IPv6 forwarding is not asked for',
    change: all(sysctl('net.ipv4.ip_forward = 0'), grubParams('ipv6.disable=1')), alsoChanges: { ...IPV6_OFF, '3.6': 'pass' },
    reason: /IPv6 parameters: not checked, IPv6 is disabled: net\.ipv6\.conf\.all\.forwarding/ },

  { id: '3.1.2', expect: 'fail', given: 'as shipped: not set', change: () => {}, reason: /net\.ipv4\.conf\.all\.send_redirects is not set/ },
  { id: '3.1.2', expect: 'not-applicable', given: 'all and default set to 0', change: sysctl(...both('send_redirects', '0')), reason: OFFLINE },
  { id: '3.1.2', expect: 'fail', given: 'only "all" set', change: sysctl('net.ipv4.conf.all.send_redirects = 0'),
    reason: /^net\.ipv4\.conf\.default\.send_redirects is not set in the persistent sysctl configuration$/m },

  { id: '3.2.1', expect: 'fail', given: 'as shipped: IPv4 set to 0 by 50-default.conf, IPv6 not set while IPv6 is enabled', change: () => {},
    reason: /^net\.ipv6\.conf\.all\.accept_source_route is not set[^\n]*; net\.ipv6\.conf\.default\.accept_source_route is not set[\s\S]*50-default\.conf:15: net\.ipv4\.conf\.all\.accept_source_route = 0/ },
  { id: '3.2.1', expect: 'not-applicable', given: 'IPv6 set to 0 as well', change: sysctl(...both('accept_source_route', '0', 'ipv6')), reason: OFFLINE },
  { id: '3.2.1', expect: 'fail', given: 'a later file accepts IPv4 source routes again', change: sysctl(...both('accept_source_route', '0', 'ipv6'), 'net.ipv4.conf.all.accept_source_route = 1'),
    reason: /60-test\.conf:3 sets net\.ipv4\.conf\.all\.accept_source_route = 1 \(the setting that applies last\)/ },

  { id: '3.2.2', expect: 'fail', given: 'as shipped: not set', change: () => {}, reason: /net\.ipv4\.conf\.all\.accept_redirects is not set/ },
  { id: '3.2.2', expect: 'not-applicable', given: 'IPv4 and IPv6, all and default, set to 0', change: sysctl(...both('accept_redirects', '0'), ...both('accept_redirects', '0', 'ipv6')), reason: OFFLINE },
  { id: '3.2.2', expect: 'fail', given: 'IPv4 set, IPv6 left out', change: sysctl(...both('accept_redirects', '0')), reason: /^net\.ipv6\.conf\.all\.accept_redirects is not set/ },

  ...([['3.2.3', 'secure_redirects', '0'], ['3.2.4', 'log_martians', '1']] as const).flatMap(([id, p, v]): ItemCase[] => [
    { id, expect: 'fail', given: 'as shipped: not set', change: () => {}, reason: new RegExp(`net\\.ipv4\\.conf\\.all\\.${p} is not set`) },
    { id, expect: 'not-applicable', given: `all and default set to ${v}`, change: sysctl(...both(p, v)), reason: OFFLINE },
    { id, expect: 'fail', given: `set to ${v === '0' ? '1' : '0'}`, change: sysctl(...both(p, v === '0' ? '1' : '0')), reason: new RegExp(`60-test\\.conf:1 sets net\\.ipv4\\.conf\\.all\\.${p} = `) },
  ]),
  ...([['3.2.5', 'net.ipv4.icmp_echo_ignore_broadcasts'], ['3.2.6', 'net.ipv4.icmp_ignore_bogus_error_responses']] as const).flatMap(([id, key]): ItemCase[] => [
    { id, expect: 'fail', given: 'as shipped: not set (the kernel default does not count)', change: () => {}, reason: new RegExp(`^${key.replace(/\./g, '\\.')} is not set`) },
    { id, expect: 'not-applicable', given: 'set to 1', change: sysctl(`${key} = 1`), reason: OFFLINE },
    { id, expect: 'fail', given: 'set to 0', change: sysctl(`${key} = 0`), reason: /60-test\.conf:1 sets .* = 0/ },
  ]),

  { id: '3.2.7', expect: 'fail', given: 'as shipped: 50-default.conf sets 1, /etc/sysctl.conf (applied last) sets 0', change: () => {},
    reason: /^\/etc\/sysctl\.conf:7 sets net\.ipv4\.conf\.all\.rp_filter = 0 \(the setting that applies last\), expected 1; \/etc\/sysctl\.conf:8 sets net\.ipv4\.conf\.default\.rp_filter = 0[\s\S]*50-default\.conf:11: net\.ipv4\.conf\.all\.rp_filter = 1\n\/etc\/sysctl\.conf:7: net\.ipv4\.conf\.all\.rp_filter = 0/ },
  { id: '3.2.7', expect: 'fail', given: 'a sysctl.d file sets 1, but /etc/sysctl.conf still sets 0 after it', change: sysctl(...both('rp_filter', '1')), reason: /\/etc\/sysctl\.conf:7 sets net\.ipv4\.conf\.all\.rp_filter = 0 \(the setting that applies last\)/ },
  { id: '3.2.7', expect: 'not-applicable', given: '/etc/sysctl.conf sets 1', change: edit('/etc/sysctl.conf', /rp_filter = 0\n(.*)rp_filter = 0/, 'rp_filter = 1\n$1rp_filter = 1'), reason: OFFLINE },
  { id: '3.2.7', expect: 'not-applicable', given: 'the lines of /etc/sysctl.conf removed: 50-default.conf\'s 1 applies', change: edit('/etc/sysctl.conf', /^net\.ipv4\.conf\.(all|default)\.rp_filter = 0\n/gm, ''), reason: OFFLINE },
  { id: '3.2.7', expect: 'fail', given: '/etc/sysctl.conf sets 1 for "all" only', change: edit('/etc/sysctl.conf', /all\.rp_filter = 0/, 'all.rp_filter = 1'),
    reason: /^\/etc\/sysctl\.conf:8 sets net\.ipv4\.conf\.default\.rp_filter = 0 \(the setting that applies last\), expected 1$/m },

  { id: '3.2.8', expect: 'not-applicable', given: 'as shipped: /etc/sysctl.conf sets 1', change: () => {}, reason: /offline root filesystem[\s\S]*\/etc\/sysctl\.conf:15: net\.ipv4\.tcp_syncookies = 1/ },
  { id: '3.2.8', expect: 'fail', given: '/etc/sysctl.conf sets 0', change: edit('/etc/sysctl.conf', /tcp_syncookies = 1/, 'tcp_syncookies = 0'), reason: /\/etc\/sysctl\.conf:15 sets net\.ipv4\.tcp_syncookies = 0/ },

  { id: '3.2.9', expect: 'fail', given: 'as shipped: not set while IPv6 is enabled', change: () => {}, reason: /^net\.ipv6\.conf\.all\.accept_ra is not set/ },
  { id: '3.2.9', expect: 'not-applicable', given: 'all and default set to 0', change: sysctl(...both('accept_ra', '0', 'ipv6')), reason: OFFLINE },
  { id: '3.2.9', expect: 'fail', given: '"default" set to 1', change: sysctl('net.ipv6.conf.all.accept_ra = 0', 'net.ipv6.conf.default.accept_ra = 1'), reason: /sets net\.ipv6\.conf\.default\.accept_ra = 1/ },
  { id: '3.2.9', expect: 'not-applicable', given: 'IPv6 disabled by both disable_ipv6 parameters in sysctl.d (offline the configuration decides; 3.6 still wants the kernel line)',
    change: sysctl('net.ipv6.conf.all.disable_ipv6 = 1', 'net.ipv6.conf.default.disable_ipv6 = 1'), alsoChanges: others('3.2.9', IPV6_OFF),
    reason: /^IPv6 is disabled \(disable_ipv6 = 1 in the kernel parameters\)/ },
];

// ---------------------------------------------------------------------------------------------------
// 3.3 TCP Wrappers, 3.4 modules, 3.6 IPv6 on the kernel line

const ACCESS_ALLOW = '# site networks\nsshd: 192.0.2.0/24, [2001:db8::]/32 \\\n  : spawn /bin/logger admitted %a\nALL: 127.0.0.1\n';

const wrapperCases: ItemCase[] = [
  { id: '3.3.1', expect: 'pass', given: 'as shipped: tcp_wrappers and tcp_wrappers-libs installed', change: () => {}, reason: /tcp_wrappers 7\.6-77\.al7 installed[\s\S]*tcp_wrappers-libs 7\.6-77\.al7 installed/ },
  { id: '3.3.1', expect: 'fail', given: 'tcp_wrappers erased from the RPM database', change: (l) => removeRpm(l, 'tcp_wrappers'), reason: /the package tcp_wrappers is not installed/ },
  { id: '3.3.1', expect: 'fail', given: 'tcp_wrappers-libs erased from the RPM database', change: (l) => removeRpm(l, 'tcp_wrappers-libs'), reason: /the package tcp_wrappers-libs is not installed/ },

  { id: '3.3.2', expect: 'manual', given: 'as shipped: only comments', change: () => {}, reason: /\/etc\/hosts\.allow has no rule: no client is admitted explicitly/ },
  { id: '3.3.2', expect: 'manual', given: 'rules for sshd and for localhost, one continued over two lines', change: hostsAllow(ACCESS_ALLOW),
    reason: /compare the 2 rule\(s\)[\s\S]*\/etc\/hosts\.allow: line 2: sshd: 192\.0\.2\.0\/24, \[2001:db8::\]\/32 : spawn \/bin\/logger admitted %a\nline 4: ALL: 127\.0\.0\.1/ },
  { id: '3.3.2', expect: 'manual', given: 'no /etc/hosts.allow at all', change: (l) => l.remove('/etc/hosts.allow'), alsoChanges: { '3.3.4': 'fail' }, reason: /\/etc\/hosts\.allow does not exist: no client is admitted/ },
  { id: '3.3.2', expect: 'fail', given: '"ALL: ALL" in hosts.allow admits everyone', change: hostsAllow('ALL : ALL\n'), reason: /^\/etc\/hosts\.allow:1 "ALL : ALL" admits every client to every service/ },

  { id: '3.3.3', expect: 'fail', given: 'as shipped: only comments', change: () => {}, reason: /^\/etc\/hosts\.deny has no "ALL: ALL" rule/ },
  { id: '3.3.3', expect: 'pass', given: '"ALL: ALL" added', change: (l) => l.append('/etc/hosts.deny', 'ALL: ALL\n'), reason: /\/etc\/hosts\.deny:8: ALL: ALL \(refuses whatever/ },
  { id: '3.3.3', expect: 'pass', given: '"ALL:ALL : spawn ..." (an option that still refuses)', change: hostsDeny('ALL:ALL : spawn /bin/logger refused %a\n') },
  { id: '3.3.3', expect: 'fail', given: 'every service refused except to one network', change: hostsDeny('ALL: ALL EXCEPT 192.0.2.0/24\n'), reason: /has no "ALL: ALL" rule/ },
  { id: '3.3.3', expect: 'fail', given: 'every client refused only sshd', change: hostsDeny('sshd: ALL\n'), reason: /has no "ALL: ALL" rule/ },
  { id: '3.3.3', expect: 'fail', given: 'no /etc/hosts.deny', change: (l) => l.remove('/etc/hosts.deny'), alsoChanges: { '3.3.5': 'fail' }, reason: /^\/etc\/hosts\.deny does not exist/ },
  { id: '3.3.3', expect: 'error', given: 'a rule without the ":" separator', change: hostsDeny('ALL ALL\n'), alsoChanges: { '3.3.2': 'error' },
    reason: /\/etc\/hosts\.deny:1 is not an access rule \(no ":" between the daemon and client lists\)/ },

  { id: '3.3.4', expect: 'pass', given: 'as shipped: 0644 root:root', change: () => {} },
  { id: '3.3.4', expect: 'pass', given: 'stricter: 0600', change: (l) => l.chmod('/etc/hosts.allow', 0o600) },
  { id: '3.3.4', expect: 'fail', given: 'group-writable', change: (l) => l.chmod('/etc/hosts.allow', 0o664), reason: /\/etc\/hosts\.allow has mode 0664, more permissive than 0644/ },
  { id: '3.3.5', expect: 'pass', given: 'as shipped: 0644 root:root', change: () => {} },
  { id: '3.3.5', expect: 'fail', given: 'owned by adm', change: (l) => l.chown('/etc/hosts.deny', 3, 0), reason: /\/etc\/hosts\.deny is owned by adm:root, expected root:root/ },

  ...['dccp', 'sctp', 'rds', 'tipc'].flatMap((m, i): ItemCase[] => [
    { id: `3.4.${i + 1}`, expect: 'fail', given: `as shipped: no install line for ${m}`, change: () => {}, reason: new RegExp(`no modprobe\\.d "install ${m} /bin/true" line`) },
    { id: `3.4.${i + 1}`, expect: 'not-applicable', given: `install ${m} /bin/true (whether it is loaded needs a running kernel)`, change: (l) => l.write(`/etc/modprobe.d/${m}.conf`, `install ${m} /bin/true\n`),
      reason: /offline root filesystem: loaded kernel modules/ },
  ]),
  { id: '3.4.2', expect: 'fail', given: 'sctp only blacklisted, which does not stop loading it by name', change: (l) => l.write('/etc/modprobe.d/sctp.conf', 'blacklist sctp\n'), reason: /no modprobe\.d "install sctp/ },

  { id: '3.6', expect: 'fail', given: 'as shipped: the kernel line lacks ipv6.disable=1', change: () => {}, reason: /^1 of 1 kernel line\(s\) lack ipv6\.disable=1: \/boot\/grub2\/grub\.cfg:95$/m },
  { id: '3.6', expect: 'pass', given: 'ipv6.disable=1 on the kernel line', change: grubParams('ipv6.disable=1'), alsoChanges: IPV6_OFF, reason: /all 1 kernel line\(s\) of the boot loader have ipv6\.disable=1/ },
  { id: '3.6', expect: 'fail', given: 'ipv6.disable=0', change: grubParams('ipv6.disable=0'), reason: /\/boot\/grub2\/grub\.cfg:95 \(ipv6\.disable=0\)/ },
  { id: '3.6', expect: 'fail', given: 'ipv6.disable=1 overridden later on the same line', change: grubParams('ipv6.disable=1 ipv6.disable=0'), reason: /grub\.cfg:95 \(ipv6\.disable=0\)/ },
  { id: '3.6', expect: 'fail', given: 'both disable_ipv6 parameters in sysctl.d, which this item does not count', change: sysctl('net.ipv6.conf.all.disable_ipv6 = 1', 'net.ipv6.conf.default.disable_ipv6 = 1'),
    alsoChanges: IPV6_OFF, reason: /lack ipv6\.disable=1/ },
  { id: '3.6', expect: 'pass', given: 'UEFI boot: only /boot/efi/EFI/alinux/grub.cfg, with ipv6.disable=1', change: (l) => {
    l.remove(GRUB2);
    l.write('/boot/efi/EFI/alinux/grub.cfg', "menuentry 'Alibaba Cloud Linux' {\n\tlinuxefi /vmlinuz-4.19.91-27.7.al7.x86_64 root=UUID=c3b1 ro ipv6.disable=1\n}\n", 0o700);
  }, alsoChanges: IPV6_OFF, reason: /\/boot\/efi\/EFI\/alinux\/grub\.cfg:2/ },
  { id: '3.6', expect: 'fail', given: 'no grub.cfg at all', change: (l) => l.remove(GRUB2), reason: /no boot loader kernel line found \(\/boot\/grub2\/grub\.cfg does not exist/ },
];

// ---------------------------------------------------------------------------------------------------
// 3.5 iptables: the rules iptables-services restores at boot

const RULES_V4 = `# saved by iptables-save\n*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -s 127.0.0.0/8 -j DROP\n-A INPUT -p tcp -m state --state ESTABLISHED -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -m state --state NEW -j ACCEPT\n-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -p tcp -m state --state NEW,ESTABLISHED -j ACCEPT\nCOMMIT\n`;
const RULES_V6 = RULES_V4.replace('127.0.0.0/8', '::1/128');
const saved = (v4: string | null, v6: string | null) => (l: Layer) => {
  if (v4 !== null) l.write('/etc/sysconfig/iptables', v4, 0o600);
  if (v6 !== null) l.write('/etc/sysconfig/ip6tables', v6, 0o600);
};
const V4_OK = { '3.5.1.1': 'not-applicable', '3.5.1.2': 'not-applicable' };
const V6_OK = { '3.5.2.1': 'not-applicable', '3.5.2.2': 'not-applicable' };

const firewallCases: ItemCase[] = [
  { id: '3.5.3', expect: 'pass', given: 'as shipped: iptables installed', change: () => {}, reason: /iptables 1\.4\.21-35\.al7 installed/ },
  { id: '3.5.3', expect: 'fail', given: 'iptables erased from the RPM database', change: (l) => removeRpm(l, 'iptables'), reason: /the package iptables is not installed/ },

  { id: '3.5.1.1', expect: 'fail', given: 'as shipped: no /etc/sysconfig/iptables', change: () => {}, reason: /^\/etc\/sysconfig\/iptables does not exist: iptables\.service restores no IPv4 rules at boot$/m },
  { id: '3.5.1.1', expect: 'not-applicable', given: 'saved rules with DROP policies (the running ones need a running system)', change: saved(RULES_V4, RULES_V6),
    alsoChanges: others('3.5.1.1', { ...V4_OK, ...V6_OK }), reason: /\/etc\/sysconfig\/iptables: \/etc\/sysconfig\/iptables:3 INPUT policy DROP/ },
  { id: '3.5.1.1', expect: 'fail', given: 'saved OUTPUT policy ACCEPT', change: saved(RULES_V4.replace(':OUTPUT DROP', ':OUTPUT ACCEPT'), null),
    alsoChanges: { '3.5.1.2': 'not-applicable' }, reason: /^\/etc\/sysconfig\/iptables: the OUTPUT chain's policy is ACCEPT$/m },
  { id: '3.5.1.1', expect: 'not-applicable', given: 'a node using iptables-persistent\'s /etc/iptables/rules.v4 instead: that file is read',
    change: (l) => { l.write('/etc/iptables/rules.v4', RULES_V4, 0o640); l.write('/etc/iptables/rules.v6', RULES_V6, 0o640); },
    alsoChanges: others('3.5.1.1', { ...V4_OK, ...V6_OK }), reason: /\/etc\/iptables\/rules\.v4: 6 rule\(s\) in the filter table \(restored at boot by iptables-persistent\)/ },

  { id: '3.5.1.2', expect: 'fail', given: 'as shipped: no saved rules', change: () => {}, reason: /^\/etc\/sysconfig\/iptables does not exist/ },
  { id: '3.5.1.2', expect: 'not-applicable', given: 'saved loopback rules', change: saved(RULES_V4, null), alsoChanges: { '3.5.1.1': 'not-applicable' },
    reason: /rule accepting input on lo: \/etc\/sysconfig\/iptables:6 -A INPUT -i lo -j ACCEPT/ },
  { id: '3.5.1.2', expect: 'fail', given: 'no rule dropping 127.0.0.0/8', change: saved(RULES_V4.replace(/^-A INPUT -s 127.*\n/m, ''), null), alsoChanges: { '3.5.1.1': 'not-applicable' },
    reason: /^\/etc\/sysconfig\/iptables: no rule dropping input from 127\.0\.0\.0\/8$/m },
  { id: '3.5.1.2', expect: 'fail', given: 'the loopback accept rule limited to TCP', change: saved(RULES_V4.replace('-A INPUT -i lo -j ACCEPT', '-A INPUT -i lo -p tcp -j ACCEPT'), null),
    alsoChanges: { '3.5.1.1': 'not-applicable' }, reason: /no rule accepting input on lo/ },
  { id: '3.5.1.2', expect: 'error', given: 'a saved file iptables-restore would reject', change: saved('*filter\n:INPUT DROP [0:0]\naccept everything\nCOMMIT\n', null),
    alsoChanges: { '3.5.1.1': 'error', '3.5.1.3': 'error', '3.5.1.4': 'error' }, reason: /\/etc\/sysconfig\/iptables:3 is not an iptables rule line/ },

  { id: '3.5.1.3', expect: 'manual', given: 'as shipped: no saved rules, said in the evidence', change: () => {}, reason: /\/etc\/sysconfig\/iptables does not exist: iptables\.service restores no IPv4 rules at boot/ },
  { id: '3.5.1.3', expect: 'manual', given: 'the OUTPUT and connection-state rules are gathered', change: saved(RULES_V4, null), alsoChanges: { '3.5.1.1': 'not-applicable', '3.5.1.2': 'not-applicable' },
    reason: /output rules: -A OUTPUT -o lo -j ACCEPT \| -A OUTPUT -p tcp -m state --state NEW,ESTABLISHED -j ACCEPT\nconnection-state rules on input: -A INPUT -p tcp -m state --state ESTABLISHED -j ACCEPT/ },
  { id: '3.5.1.4', expect: 'not-applicable', given: 'open ports exist only on a running system', change: saved(RULES_V4, null), alsoChanges: { '3.5.1.1': 'not-applicable', '3.5.1.2': 'not-applicable' },
    reason: /sockets of the running system \(\/proc\/net\/tcp, tcp6, udp, udp6\)/ },

  { id: '3.5.2.1', expect: 'fail', given: 'as shipped: no /etc/sysconfig/ip6tables while IPv6 is enabled', change: () => {}, reason: /^\/etc\/sysconfig\/ip6tables does not exist: ip6tables\.service restores no IPv6 rules at boot$/m },
  { id: '3.5.2.1', expect: 'not-applicable', given: 'saved IPv6 rules with DROP policies', change: saved(null, RULES_V6), alsoChanges: { '3.5.2.2': 'not-applicable' }, reason: OFFLINE },
  { id: '3.5.2.1', expect: 'fail', given: 'saved IPv6 FORWARD policy ACCEPT', change: saved(null, RULES_V6.replace(':FORWARD DROP', ':FORWARD ACCEPT')), alsoChanges: { '3.5.2.2': 'not-applicable' },
    reason: /\/etc\/sysconfig\/ip6tables: the FORWARD chain's policy is ACCEPT/ },
  { id: '3.5.2.1', expect: 'not-applicable', given: 'IPv6 disabled on the kernel line', change: grubParams('ipv6.disable=1'), alsoChanges: others('3.5.2.1', { ...IPV6_OFF, '3.6': 'pass' }), reason: /IPv6 is disabled/ },
  { id: '3.5.2.2', expect: 'not-applicable', given: 'saved IPv6 loopback rules', change: saved(null, RULES_V6), alsoChanges: { '3.5.2.1': 'not-applicable' }, reason: /dropping input from ::1: \/etc\/sysconfig\/ip6tables:7 -A INPUT -s ::1\/128 -j DROP/ },
  { id: '3.5.2.2', expect: 'fail', given: 'only the IPv4 rule for loopback sources', change: saved(null, RULES_V4), alsoChanges: { '3.5.2.1': 'not-applicable' }, reason: /^\/etc\/sysconfig\/ip6tables: no rule dropping input from ::1$/m },
  { id: '3.5.2.3', expect: 'manual', given: 'the IPv6 rules are gathered', change: saved(null, RULES_V6), alsoChanges: { '3.5.2.1': 'not-applicable', '3.5.2.2': 'not-applicable' }, reason: /\/etc\/sysconfig\/ip6tables: output rules/ },
  { id: '3.5.2.4', expect: 'not-applicable', given: 'open ports exist only on a running system', change: saved(null, RULES_V6), alsoChanges: { '3.5.2.1': 'not-applicable', '3.5.2.2': 'not-applicable' }, reason: OFFLINE },
];

rootfsItemCases(ACL2, ['3'], [...kernelCases, ...wrapperCases, ...firewallCases], { base: () => ensureAcl2Base() });

// ---------------------------------------------------------------------------------------------------
// Running containers

const item = (r: ComplianceReport, id: string) => r.items.find((i) => i.id === id)!;
const text = (r: ComplianceReport, id: string) => { const i = item(r, id); return `${i.reason ?? ''}\n${i.evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n')}`; };
const statuses = (r: ComplianceReport, prefix = '3.') => Object.fromEntries(r.items.filter((i) => i.id.startsWith(prefix) && i.status !== 'not-selected').map((i) => [i.id, i.status]));

async function onContainer(image: string, args: string[], setup: string | undefined, only: string[], options: { containerAsHost?: boolean; after?: (c: RunningContainer) => void } = {}): Promise<ComplianceReport> {
  const c = startContainer(image, args);
  try {
    if (setup) c.exec(setup);
    options.after?.(c);
    return (await audit({ target: c.uri, benchmark: ACL2, only, containerAsHost: options.containerAsHost })).report;
  } finally {
    c.remove();
  }
}

/**
 * Apply net.* kernel parameters inside the container's own network namespace, in order, as systemd-sysctl
 * applies its files at boot (docker run --sysctl applies them in no set order). Only net.* keys: they
 * belong to the container's namespace, never to the host.
 */
function applyNetSysctls(c: RunningContainer, settings: string[]): void {
  const pid = docker('inspect', '-f', '{{.State.Pid}}', c.name).trim();
  for (const kv of settings) {
    if (!/^net\.[a-z0-9_.]+=\S+$/.test(kv)) throw new Error(`refusing to set ${kv}: only net.* parameters belong to the container`);
    execFileSync('nsenter', ['-t', pid, '-n', 'sysctl', '-q', '-w', kv]);
  }
}
/** The net.* settings of the hardened image's sysctl files, in the order they apply at boot. */
const hardenedSysctls = (c: RunningContainer) => c.exec('cat /etc/sysctl.d/60-cis-network.conf /etc/sysctl.conf').split('\n')
  .map((l) => l.replace(/\s+/g, '')).filter((l) => CHAPTER_KEYS.test(l));
/** The parameters chapter 3 reads (the other net.* lines of /etc/sysctl.conf are not all per network namespace). */
const CHAPTER_KEYS = /^net\.(ipv[46]\.conf\.(all|default)\.|ipv4\.icmp_|ipv4\.tcp_syncookies=|ipv4\.ip_forward=)/;

describe(`${ACL2} 3.1, 3.2, 3.4, 3.6 on containers`, () => {
  it('leave kernel parameters, modules and the boot loader to the host (the container rule)', async () => {
    const r = await onContainer(IMAGE.stock, [], undefined, ['3.1', '3.2', '3.4', '3.6']);
    for (const [id, status] of Object.entries(statuses(r))) {
      expect(status, id).toBe('not-applicable');
      expect(item(r, id).reason, id).toMatch(id === '3.6' ? /^container: a container has no bootloader/ : /^container: kernel modules, kernel parameters/);
    }
  });

  it('audited as a host, pass with the hardened files applied to the namespace\'s running values; 3.1.1 stays failing as ACK leaves it', async () => {
    const r = await onContainer(IMAGE.hardened, [], undefined, ['3.1', '3.2'], { containerAsHost: true, after: (c) => applyNetSysctls(c, hardenedSysctls(c)) });
    expect(statuses(r)).toEqual({ '3.1.1': 'fail', ...Object.fromEntries(['3.1.2', ...Array.from({ length: 9 }, (_, i) => `3.2.${i + 1}`)].map((id) => [id, 'pass'])) });
    expect(text(r, '3.2.7')).toMatch(/\/etc\/sysctl\.conf:8: net\.ipv4\.conf\.all\.rp_filter = 1[\s\S]*sysctl -a: net\.ipv4\.conf\.all\.rp_filter = 1/);
    expect(text(r, '3.2.2')).toMatch(/sysctl -a: net\.ipv6\.conf\.default\.accept_redirects = 0/);
  });

  it('fail on the running value, with a running-kernel fix, when the namespace differs from the files', async () => {
    const r = await onContainer(IMAGE.hardened, [], undefined, ['3.2.7', '3.2.9'], { containerAsHost: true,
      after: (c) => applyNetSysctls(c, [...hardenedSysctls(c), 'net.ipv4.conf.default.rp_filter=0', 'net.ipv6.conf.all.accept_ra=1']) });
    expect(item(r, '3.2.7')).toMatchObject({ status: 'fail', reason: 'the running kernel has net.ipv4.conf.default.rp_filter = 0, expected 1' });
    expect(item(r, '3.2.7').remediation?.changes).toEqual([{ kind: 'sysctl-running', key: 'net.ipv4.conf.default.rp_filter', value: '1' }]);
    expect(item(r, '3.2.9')).toMatchObject({ status: 'fail', reason: 'the running kernel has net.ipv6.conf.all.accept_ra = 1, expected 0' });
  });

  it('report every parameter of an item at once on stock: the files and the running values', async () => {
    const r = await onContainer(IMAGE.stock, [], undefined, ['3.1.2'], { containerAsHost: true,
      after: (c) => applyNetSysctls(c, ['net.ipv4.conf.all.send_redirects=1', 'net.ipv4.conf.default.send_redirects=0']) });
    expect(item(r, '3.1.2').reason).toBe('net.ipv4.conf.all.send_redirects is not set in the persistent sysctl configuration; '
      + 'net.ipv4.conf.default.send_redirects is not set in the persistent sysctl configuration; the running kernel has net.ipv4.conf.all.send_redirects = 1, expected 0');
    expect(item(r, '3.1.2').remediation?.changes.map((c) => c.kind)).toEqual(['edit-file', 'edit-file', 'sysctl-running']);
  });
});

/** Stand-ins for iptables and ip6tables: the "kernel" ruleset is a file in /run, printed as `iptables -S` prints it. */
const FAKE_NETFILTER = [
  'mkdir -p /run/fake-netfilter',
  ...['iptables', 'ip6tables'].map((t) => `cat > /usr/sbin/${t} <<'EOF'\n#!/bin/sh\n# stand-in: prints the loaded ${t} rules as "${t} -S" does\n[ "$1" = -S ] || exit 2\n`
    + `[ -f /run/fake-netfilter/${t} ] || { printf -- '-P INPUT ACCEPT\\n-P FORWARD ACCEPT\\n-P OUTPUT ACCEPT\\n'; exit 0; }\n`
    + `sed -n 's/^:\\(INPUT\\|FORWARD\\|OUTPUT\\) \\([A-Z]*\\).*/-P \\1 \\2/p; /^-A /p' /run/fake-netfilter/${t}\nEOF\nchmod 0755 /usr/sbin/${t}`),
].join('\n');
/** Save the rules where iptables-services keeps them, and load them ("restore at boot"). */
const SAVE_AND_LOAD = [
  `cat > /etc/sysconfig/iptables <<'EOF'\n${RULES_V4}EOF`,
  `cat > /etc/sysconfig/ip6tables <<'EOF'\n${RULES_V6}EOF`,
  'chmod 0600 /etc/sysconfig/iptables /etc/sysconfig/ip6tables',
  'cp /etc/sysconfig/iptables /run/fake-netfilter/iptables && cp /etc/sysconfig/ip6tables /run/fake-netfilter/ip6tables',
].join('\n');
/** perl listeners in the background ("tcp 0.0.0.0 22", "tcp6 :: 8080", "udp 0.0.0.0 5353"). */
const listen = (...specs: string[]) => {
  const socks = specs.map((s) => {
    const [proto, addr, port] = s.split(' ');
    return `(IO::Socket::IP->new(LocalHost => "${addr}", LocalPort => ${port}, ${proto.startsWith('tcp') ? 'Listen => 5' : 'Proto => "udp"'}${proto.endsWith('6') ? ', V6Only => 1' : ''}) || die "${s}: $@")`;
  });
  return `setsid perl -MIO::Socket::IP -e 'my @s = (${socks.join(', ')}); sleep 3600' >/dev/null 2>&1 < /dev/null & sleep 1`;
};

describe(`${ACL2} 3.5 iptables on running containers`, () => {
  const NET_ADMIN = ['--cap-add', 'NET_ADMIN'];
  it('passes with the saved rules loaded; open ports are checked per family', async () => {
    const r = await onContainer(IMAGE.stock, NET_ADMIN, `${FAKE_NETFILTER}\n${SAVE_AND_LOAD}\n${listen('tcp 0.0.0.0 22', 'tcp 127.0.0.1 25', 'tcp6 :: 8080')}`, ['3.5']);
    expect(statuses(r)).toEqual({
      '3.5.1.1': 'pass', '3.5.1.2': 'pass', '3.5.1.3': 'manual', '3.5.1.4': 'pass',
      '3.5.2.1': 'pass', '3.5.2.2': 'pass', '3.5.2.3': 'manual', '3.5.2.4': 'fail', '3.5.3': 'pass',
    });
    expect(text(r, '3.5.1.4')).toMatch(/^tcp 0\.0\.0\.0:22: iptables -S: -A INPUT -p tcp -m tcp --dport 22 -m state --state NEW -j ACCEPT$/m);
    expect(text(r, '3.5.1.4')).toMatch(/tcp 127\.0\.0\.1:25 LISTEN uid 0 \(perl pid \d+\)/);
    expect(item(r, '3.5.2.4').reason).toBe('no firewall rule names these open ports: tcp6 [::]:8080');
    expect(item(r, '3.5.2.4').manualFix?.steps[1]).toBe('add a rule for each (before any rule that drops): ip6tables -A INPUT -p tcp --dport 8080 -m state --state NEW -j ACCEPT (or -j DROP)');
    expect(item(r, '3.5.2.4').manualFix?.steps[2]).toMatch(/^save the rules so that they are restored at boot: ip6tables-save > \/etc\/sysconfig\/ip6tables \(and have ip6tables\.service enabled/);
  });

  it('fails when the running policy differs from the saved one, and when a port has no rule', async () => {
    const drift = "sed -i 's/^:OUTPUT DROP/:OUTPUT ACCEPT/' /run/fake-netfilter/iptables";
    const r = await onContainer(IMAGE.stock, NET_ADMIN, `${FAKE_NETFILTER}\n${SAVE_AND_LOAD}\n${drift}\n${listen('udp 0.0.0.0 5353', 'tcp 0.0.0.0 22')}`, ['3.5.1.1', '3.5.1.4']);
    expect(item(r, '3.5.1.1')).toMatchObject({ status: 'fail', reason: "iptables -S: the OUTPUT chain's policy is ACCEPT" });
    expect(item(r, '3.5.1.1').manualFix?.steps).toContain('iptables -P INPUT DROP; iptables -P FORWARD DROP; iptables -P OUTPUT DROP');
    expect(item(r, '3.5.1.4')).toMatchObject({ status: 'fail', reason: 'no firewall rule names these open ports: udp 0.0.0.0:5353' });
  });

  it('fails loopback on the running ruleset when rules were never loaded, even with complying saved rules', async () => {
    const r = await onContainer(IMAGE.stock, NET_ADMIN, `${FAKE_NETFILTER}\n${SAVE_AND_LOAD}\nrm /run/fake-netfilter/iptables`, ['3.5.1.2']);
    expect(item(r, '3.5.1.2')).toMatchObject({ status: 'fail', reason: 'iptables -S: no rule accepting input on lo; iptables -S: no rule accepting output on lo; iptables -S: no rule dropping input from 127.0.0.0/8' });
    expect(item(r, '3.5.1.2').manualFix?.steps[1]).toBe('add the missing loopback rules (the accept rules before any rule that drops): iptables -A INPUT -i lo -j ACCEPT; iptables -A OUTPUT -o lo -j ACCEPT; iptables -A INPUT -s 127.0.0.0/8 -j DROP');
  });

  it('ends in error when the running ruleset cannot be read and the saved rules comply; fails on the saved rules otherwise', async () => {
    const noCap = await onContainer(IMAGE.stock, [], `${FAKE_NETFILTER}\n${SAVE_AND_LOAD}`, ['3.5.1.1', '3.5.2.2']);
    expect(item(noCap, '3.5.1.1')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^CheckError: iptables -S: the audit's shell lacks CAP_NET_ADMIN/) });
    const noTool = await onContainer(IMAGE.stock, NET_ADMIN, SAVE_AND_LOAD.replace(/\ncp .*$/, ''), ['3.5.1.1']);
    expect(item(noTool, '3.5.1.1')).toMatchObject({ status: 'error', reason: 'CheckError: iptables -S: the command is not installed on the target' });
    const stock = await onContainer(IMAGE.stock, NET_ADMIN, undefined, ['3.5.1.1']);
    expect(item(stock, '3.5.1.1')).toMatchObject({ status: 'fail', reason: '/etc/sysconfig/iptables does not exist: iptables.service restores no IPv4 rules at boot' });
  });
});

// ---------------------------------------------------------------------------------------------------
// acl2-hardened and hardening

/** Chapter 3 on acl2-stock as an offline tree: the starting point of the hardened tree and of hardening. */
const STOCK: Record<string, string> = {
  '3.1.1': 'fail', '3.1.2': 'fail', ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`3.2.${i + 1}`, 'fail'])), '3.2.8': 'not-applicable',
  '3.3.1': 'pass', '3.3.2': 'manual', '3.3.3': 'fail', '3.3.4': 'pass', '3.3.5': 'pass',
  '3.4.1': 'fail', '3.4.2': 'fail', '3.4.3': 'fail', '3.4.4': 'fail',
  '3.5.1.1': 'fail', '3.5.1.2': 'fail', '3.5.1.3': 'manual', '3.5.1.4': 'not-applicable',
  '3.5.2.1': 'fail', '3.5.2.2': 'fail', '3.5.2.3': 'manual', '3.5.2.4': 'not-applicable', '3.5.3': 'pass', '3.6': 'fail',
};
const SYSCTL_ITEMS = ['3.1.2', '3.2.1', '3.2.2', '3.2.3', '3.2.4', '3.2.5', '3.2.6', '3.2.7', '3.2.9'];
const MODULE_ITEMS = ['3.4.1', '3.4.2', '3.4.3', '3.4.4'];

describe(`${ACL2} chapter 3 on acl2-stock and acl2-hardened (after ACK's CIS reinforcement)`, () => {
  it('stock: as listed', async () => {
    const r = (await audit({ target: `rootfs:${ensureAcl2Base()}`, benchmark: ACL2, only: ['3'] })).report;
    expect(statuses(r)).toEqual(STOCK);
  });

  it('hardened: every Level 1 scored item but the ACK-exempt 3.1.1, 3.5.1.1, 3.5.1.2, 3.5.1.4, 3.5.2.1, 3.5.2.2 complies (offline: the files do)', async () => {
    const r = (await audit({ target: `rootfs:${ensureAcl2Base('hardened')}`, benchmark: ACL2, only: ['3'] })).report;
    const expected: Record<string, string> = { ...STOCK };
    for (const id of [...SYSCTL_ITEMS, ...MODULE_ITEMS]) expected[id] = 'not-applicable';
    expect(statuses(r)).toEqual(expected);
    for (const id of [...SYSCTL_ITEMS, '3.2.8', ...MODULE_ITEMS]) expect(item(r, id).reason, id).toMatch(OFFLINE);
    expect(text(r, '3.2.7')).toMatch(/60-cis-network\.conf:\d+: net\.ipv4\.conf\.all\.rp_filter = 1[\s\S]*\/etc\/sysctl\.conf:8: net\.ipv4\.conf\.all\.rp_filter = 1/);
  });
});

describe(`${ACL2} chapter 3 hardened with the recorded remediations`, () => {
  it('fixes the kernel parameters and modules in one pass; firewall, hosts.deny and the boot loader are left to a person', async () => {
    const engine = (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
    await withOverlay(ensureAcl2Base(), () => undefined, async (root) => {
      const out = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-harden-'));
      const result = await engine.runHarden({ target: `rootfs:${root}`, benchmark: ACL2, only: ['3'], out });
      const outcomes = Object.fromEntries(result.report.outcomes.map((o) => [o.id, o.outcome]));
      expect(outcomes).toEqual({
        '3.1.1': 'fixed', ...Object.fromEntries([...SYSCTL_ITEMS, ...MODULE_ITEMS].map((id) => [id, 'fixed'])),
        '3.3.3': 'needs a person', '3.5.1.1': 'needs a person', '3.5.1.2': 'needs a person', '3.5.2.1': 'needs a person', '3.5.2.2': 'needs a person', '3.6': 'needs a person',
      });
      const after = (await audit({ target: `rootfs:${root}`, benchmark: ACL2, only: ['3'] })).report;
      const expected: Record<string, string> = { ...STOCK, '3.1.1': 'not-applicable' };
      for (const id of [...SYSCTL_ITEMS, ...MODULE_ITEMS]) expected[id] = 'not-applicable';
      expect(statuses(after)).toEqual(expected);
      // /etc/sysctl.conf keeps its link and has its rp_filter lines commented out; cis-bdd's drop-in sets the rest
      expect(lstatSync(path.join(root, 'etc/sysctl.d/99-sysctl.conf')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(path.join(root, 'etc/sysctl.d/99-sysctl.conf'))).toBe('../sysctl.conf');
      expect(readFileSync(path.join(root, 'etc/sysctl.conf'), 'utf8')).toMatch(/^# net\.ipv4\.conf\.all\.rp_filter = 0 {2}# disabled by cis-bdd$/m);
      const dropIn = readFileSync(path.join(root, 'etc/sysctl.d/60-cis-bdd.conf'), 'utf8');
      expect(dropIn).toContain('net.ipv4.conf.default.rp_filter = 1\n');
      expect(dropIn).toContain('net.ipv6.conf.default.accept_ra = 0\n');
      const person = (id: string) => result.report.outcomes.find((o) => o.id === id)?.steps ?? [];
      expect(person('3.3.3').join('\n')).toMatch(/then add the line "ALL: ALL" to \/etc\/hosts\.deny/);
      expect(person('3.6').join('\n')).toMatch(/grub2-mkconfig -o \/boot\/grub2\/grub\.cfg/);
      expect(person('3.5.1.2').join('\n')).toMatch(/iptables-save > \/etc\/sysconfig\/iptables/);
    });
  });
});
