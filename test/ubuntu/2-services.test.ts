/**
 * Chapter 2 Services on the Ubuntu 18.04 root filesystem. The fixture has chrony installed (with
 * systemd-timesyncd still enabled), and rsync, telnet and ldap-utils installed on purpose. Packages are
 * installed or removed by editing the dpkg database (/var/lib/dpkg/status) on the overlay. The live parts
 * (which user chronyd runs as, what listens on port 25) are tested on containers in 2-services-live.test.ts.
 */
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { rootfsItemCases } from '../support/cases.js';
import type { Layer } from '../support/fixtures.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const STATUS = '/var/lib/dpkg/status';
const TIMESYNCD_LINK = '/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service';

/** Add an installed package to the dpkg database. */
function install(l: Layer, name: string, status = 'install ok installed') {
  l.append(STATUS, `Package: ${name}\nStatus: ${status}\nPriority: optional\nArchitecture: amd64\nVersion: 1.0-test\nDescription: a package added by the test\n\n`);
}
/** Remove a package's stanza from the dpkg database. */
function uninstall(l: Layer, name: string) {
  l.edit(STATUS, (t) => t.split('\n\n').filter((s) => !s.startsWith(`Package: ${name}\n`)).join('\n\n'));
}
const symlink = (l: Layer, target: string, p: string) => symlinkSync(target, path.join(l.root, p));

// /etc/ntp.conf as Ubuntu 18.04's ntp package installs it (the lines that matter)
const NTP_CONF = `driftfile /var/lib/ntp/ntp.drift
pool 0.ubuntu.pool.ntp.org iburst
pool ntp.ubuntu.com
restrict -4 default kod notrap nomodify nopeer noquery limited
restrict -6 default kod notrap nomodify nopeer noquery limited
restrict 127.0.0.1
restrict ::1
restrict source notrap nomodify noquery
`;
const NTP_INIT = '#!/bin/sh\nDAEMON=/usr/sbin/ntpd\nPIDFILE=/var/run/ntpd.pid\nRUNASUSER=ntp\nUGID=$(getent passwd $RUNASUSER | cut -f 3,4 -d:) || true\n';
function installNtp(l: Layer, conf = NTP_CONF, init = NTP_INIT) {
  install(l, 'ntp');
  if (conf !== null) l.write('/etc/ntp.conf', conf);
  l.write('/etc/init.d/ntp', init, 0o755);
}

const EXIM_CONF = (interfaces: string) => `dc_eximconfig_configtype='local'\ndc_other_hostnames='ubuntu'\ndc_local_interfaces='${interfaces}'\ndc_readhost=''\ndc_relay_domains=''\ndc_smarthost=''\n`;

/** 2.1.x and 2.2.x items that only ask for a package to be absent */
const ABSENT: [id: string, pkg: string, also?: Record<string, string>][] = [
  ['2.1.3', 'avahi-daemon'], ['2.1.4', 'cups'], ['2.1.5', 'isc-dhcp-server'], ['2.1.6', 'slapd'], ['2.1.7', 'nfs-kernel-server'],
  ['2.1.8', 'bind9'], ['2.1.9', 'vsftpd'], ['2.1.10', 'apache2'], ['2.1.12', 'samba'], ['2.1.13', 'squid'], ['2.1.14', 'snmpd'],
  ['2.1.17', 'nis', { '2.2.1': 'fail' }], ['2.2.1', 'nis', { '2.1.17': 'fail' }], ['2.2.2', 'rsh-client'], ['2.2.3', 'talk'], ['2.2.6', 'rpcbind'],
];

rootfsItemCases(UBUNTU, ['2.1', '2.2', '2.3'], [
  // 2.1.1.1: systemd-timesyncd enabled, or chrony or ntp installed
  { id: '2.1.1.1', expect: 'pass', given: 'the fixture: chrony installed and systemd-timesyncd enabled', change: () => {}, reason: /chrony 3\.2-4ubuntu4 installed/ },
  { id: '2.1.1.1', expect: 'pass', given: 'only systemd-timesyncd, enabled', change: (l) => uninstall(l, 'chrony'),
    alsoChanges: { '2.1.1.2': 'fail' }, reason: /sysinit\.target\.wants\/systemd-timesyncd\.service/ },
  { id: '2.1.1.1', expect: 'pass', given: 'only ntp: chrony removed, systemd-timesyncd not enabled',
    change: (l) => { uninstall(l, 'chrony'); l.remove(TIMESYNCD_LINK); installNtp(l); }, alsoChanges: { '2.1.1.4': 'pass' } },
  { id: '2.1.1.1', expect: 'fail', given: 'chrony removed and systemd-timesyncd not enabled', change: (l) => { uninstall(l, 'chrony'); l.remove(TIMESYNCD_LINK); },
    alsoChanges: { '2.1.1.2': 'fail' }, reason: /no time synchronisation is in use/ },
  { id: '2.1.1.1', expect: 'fail', given: 'chrony removed and systemd-timesyncd masked', change: (l) => { uninstall(l, 'chrony'); symlink(l, '/dev/null', '/etc/systemd/system/systemd-timesyncd.service'); },
    alsoChanges: { '2.1.1.2': 'fail' }, reason: /systemd-timesyncd\.service is masked/ },

  // 2.1.1.2: only when neither chrony nor ntp is installed
  { id: '2.1.1.2', expect: 'not-applicable', given: 'the fixture: chrony is installed', change: () => {}, reason: /chrony is installed: systemd-timesyncd is not the time synchronisation method/ },
  { id: '2.1.1.2', expect: 'pass', given: 'chrony removed; NTP= names the site\'s server', change: (l) => { uninstall(l, 'chrony'); l.edit('/etc/systemd/timesyncd.conf', (t) => t.replace('#NTP=', 'NTP=time.example.org')); },
    reason: /\/etc\/systemd\/timesyncd\.conf:15: NTP=time\.example\.org/ },
  { id: '2.1.1.2', expect: 'pass', given: 'chrony removed; a drop-in sets FallbackNTP=', change: (l) => { uninstall(l, 'chrony'); l.write('/etc/systemd/timesyncd.conf.d/site.conf', '[Time]\nFallbackNTP=ntp1.example.org ntp2.example.org\n'); },
    reason: /FallbackNTP=ntp1\.example\.org ntp2\.example\.org/ },
  { id: '2.1.1.2', expect: 'fail', given: 'chrony removed; timesyncd.conf as shipped, every line commented', change: (l) => uninstall(l, 'chrony'), reason: /neither NTP= nor FallbackNTP= names a time server/ },
  { id: '2.1.1.2', expect: 'fail', given: 'chrony removed; a drop-in empties the NTP= list of timesyncd.conf', change: (l) => {
    uninstall(l, 'chrony'); l.edit('/etc/systemd/timesyncd.conf', (t) => t.replace('#NTP=', 'NTP=time.example.org')); l.write('/etc/systemd/timesyncd.conf.d/reset.conf', '[Time]\nNTP=\n');
  }, reason: /reset\.conf:2: NTP= \(empties the list\)/ },
  { id: '2.1.1.2', expect: 'fail', given: 'chrony removed; a server configured but systemd-timesyncd not enabled', change: (l) => {
    uninstall(l, 'chrony'); l.remove(TIMESYNCD_LINK); l.edit('/etc/systemd/timesyncd.conf', (t) => t.replace('#NTP=', 'NTP=time.example.org'));
  }, alsoChanges: { '2.1.1.1': 'fail' }, reason: /systemd-timesyncd\.service is not enabled/ },
  { id: '2.1.1.2', expect: 'error', given: 'chrony removed; timesyncd.conf has a line without "="', change: (l) => { uninstall(l, 'chrony'); l.append('/etc/systemd/timesyncd.conf', 'NTP time.example.org\n'); },
    reason: /timesyncd\.conf:20 is neither a \[Section\] header nor a Key=Value line/ },

  // 2.1.1.3: chrony's sources and user; the running process is checked on a container
  { id: '2.1.1.3', expect: 'not-applicable', given: 'the fixture: pool lines, the default user; chronyd cannot be seen offline', change: () => {},
    reason: /offline root filesystem: chronyd processes[^\n]*\n[^]*pool ntp\.ubuntu\.com[^]*no user directive and no -u option: chronyd's built-in default _chrony/ },
  { id: '2.1.1.3', expect: 'not-applicable', given: 'an explicit "user _chrony" directive', change: (l) => l.append('/etc/chrony/chrony.conf', 'user _chrony\n'), reason: /chrony\.conf:\d+ user _chrony/ },
  { id: '2.1.1.3', expect: 'not-applicable', given: 'chrony is not installed', change: (l) => uninstall(l, 'chrony'), alsoChanges: { '2.1.1.2': 'fail' }, reason: /the package chrony is not installed/ },
  { id: '2.1.1.3', expect: 'fail', given: 'every pool line commented out', change: (l) => l.edit('/etc/chrony/chrony.conf', (t) => t.replace(/^pool /gm, '#pool ')),
    reason: /\/etc\/chrony\/chrony\.conf has no server or pool line/ },
  { id: '2.1.1.3', expect: 'fail', given: 'chrony.conf is missing', change: (l) => l.remove('/etc/chrony/chrony.conf'), reason: /\/etc\/chrony\/chrony\.conf does not exist/ },
  { id: '2.1.1.3', expect: 'fail', given: 'chrony.conf says "user root"', change: (l) => l.append('/etc/chrony/chrony.conf', 'user root\n'), reason: /chronyd is configured to run as root, not _chrony/ },
  { id: '2.1.1.3', expect: 'fail', given: '/etc/default/chrony passes -u root, which wins over "user _chrony"', change: (l) => {
    l.edit('/etc/default/chrony', (t) => t.replace('DAEMON_OPTS=""', 'DAEMON_OPTS="-F -1 -u root"')); l.append('/etc/chrony/chrony.conf', 'user _chrony\n');
  }, reason: /\/etc\/default\/chrony:6 DAEMON_OPTS="-F -1 -u root" \(-u root\)/ },
  { id: '2.1.1.3', expect: 'fail', given: 'DAEMON_OPTS=-F 1 -u root unquoted: systemd\'s EnvironmentFile= keeps the blanks (a shell would run -u as a command)', change: (l) => {
    l.edit('/etc/default/chrony', (t) => t.replace('DAEMON_OPTS=""', 'DAEMON_OPTS= -F 1 -u root '));
  }, reason: /\/etc\/default\/chrony:6 DAEMON_OPTS="-F 1 -u root" \(-u root\)/ },

  // 2.1.1.4: ntp's restrictions, sources and user
  { id: '2.1.1.4', expect: 'not-applicable', given: 'the fixture: ntp is not installed', change: () => {}, reason: /the package ntp is not installed/ },
  { id: '2.1.1.4', expect: 'pass', given: 'ntp installed with Ubuntu\'s ntp.conf and init script', change: (l) => installNtp(l),
    reason: /\/etc\/ntp\.conf:5: restrict -6 default kod notrap nomodify nopeer noquery limited[^]*\/etc\/init\.d\/ntp:4: RUNASUSER=ntp/ },
  { id: '2.1.1.4', expect: 'pass', given: '"restrict default" (no -4) with the options in another order and a server line', change: (l) => installNtp(l,
    'server ntp.example.org iburst\nrestrict default noquery nopeer notrap nomodify kod\nrestrict -6 default nomodify kod noquery notrap nopeer\n') },
  { id: '2.1.1.4', expect: 'fail', given: 'the IPv6 default lacks noquery', change: (l) => installNtp(l, NTP_CONF.replace(/^(restrict -6 default .*) noquery/m, '$1')),
    reason: /\/etc\/ntp\.conf:5 "restrict -6 default kod notrap nomodify nopeer limited" lacks noquery/ },
  { id: '2.1.1.4', expect: 'fail', given: 'no restrict line for the IPv6 default', change: (l) => installNtp(l, NTP_CONF.replace(/^restrict -6 default.*\n/m, '')),
    reason: /no restrict line for the IPv6/ },
  { id: '2.1.1.4', expect: 'fail', given: 'no server or pool line', change: (l) => installNtp(l, NTP_CONF.replace(/^pool /gm, '#pool ')), reason: /\/etc\/ntp\.conf has no server or pool line/ },
  { id: '2.1.1.4', expect: 'fail', given: 'the init script runs ntpd as root', change: (l) => installNtp(l, NTP_CONF, NTP_INIT.replace('RUNASUSER=ntp', 'RUNASUSER=root')),
    reason: /\/etc\/init\.d\/ntp:4 sets RUNASUSER=root, not ntp/ },
  { id: '2.1.1.4', expect: 'fail', given: 'ntp installed without /etc/ntp.conf', change: (l) => { install(l, 'ntp'); l.write('/etc/init.d/ntp', NTP_INIT, 0o755); }, reason: /\/etc\/ntp\.conf does not exist/ },

  // 2.1.2: any xserver-xorg* package
  { id: '2.1.2', expect: 'pass', given: 'the fixture has no X server', change: () => {}, reason: /no installed package matches xserver-xorg\*/ },
  { id: '2.1.2', expect: 'fail', given: 'xserver-xorg-core installed', change: (l) => install(l, 'xserver-xorg-core'), reason: /the package xserver-xorg\* is installed/ },
  { id: '2.1.2', expect: 'pass', given: 'xserver-xorg-video-dummy removed but its configuration kept (dpkg state rc)',
    change: (l) => install(l, 'xserver-xorg-video-dummy', 'deinstall ok config-files') },

  ...ABSENT.flatMap(([id, pkg, also]) => [
    { id, expect: 'pass' as const, given: `${pkg} is not installed`, change: () => {}, reason: new RegExp(`no installed package matches ${pkg}`) },
    { id, expect: 'fail' as const, given: `${pkg} installed`, change: (l: Layer) => install(l, pkg), alsoChanges: also, reason: new RegExp(`the package ${pkg} is installed`) },
  ]),

  // 2.1.11: two packages
  { id: '2.1.11', expect: 'pass', given: 'neither dovecot server is installed', change: () => {} },
  { id: '2.1.11', expect: 'fail', given: 'dovecot-imapd installed', change: (l) => install(l, 'dovecot-imapd'), reason: /installed: dovecot-imapd$/m },
  { id: '2.1.11', expect: 'fail', given: 'dovecot-pop3d installed', change: (l) => install(l, 'dovecot-pop3d'), reason: /installed: dovecot-pop3d$/m },

  // 2.1.15: the MTA's configuration; what listens is checked on a container
  { id: '2.1.15', expect: 'not-applicable', given: 'the fixture has neither exim4 nor postfix; sockets cannot be seen offline', change: () => {},
    reason: /offline root filesystem[^]*no exim4 daemon package/ },
  { id: '2.1.15', expect: 'not-applicable', given: 'exim4 configured for loopback only', change: (l) => { install(l, 'exim4-daemon-light'); l.write('/etc/exim4/update-exim4.conf.conf', EXIM_CONF('127.0.0.1 ; ::1')); },
    reason: /update-exim4\.conf\.conf:3[^\n]*loopback addresses only/ },
  { id: '2.1.15', expect: 'fail', given: 'exim4 with an empty dc_local_interfaces (every interface)', change: (l) => { install(l, 'exim4-daemon-light'); l.write('/etc/exim4/update-exim4.conf.conf', EXIM_CONF('')); },
    reason: /exim4 is not local-only[^\n]*an empty list makes exim listen on every interface/ },
  { id: '2.1.15', expect: 'fail', given: 'exim4 listening on a LAN address as well', change: (l) => { install(l, 'exim4-daemon-heavy'); l.write('/etc/exim4/update-exim4.conf.conf', EXIM_CONF('127.0.0.1 ; 192.168.1.5')); },
    reason: /not loopback: 192\.168\.1\.5/ },
  { id: '2.1.15', expect: 'not-applicable', given: 'postfix with inet_interfaces = loopback-only', change: (l) => { install(l, 'postfix'); l.write('/etc/postfix/main.cf', 'myhostname = ubuntu\ninet_interfaces = loopback-only\n'); },
    reason: /main\.cf:2 inet_interfaces = loopback-only: loopback only/ },
  { id: '2.1.15', expect: 'fail', given: 'postfix with inet_interfaces = all', change: (l) => { install(l, 'postfix'); l.write('/etc/postfix/main.cf', 'inet_interfaces = loopback-only\ninet_interfaces = all\n'); },
    reason: /main\.cf:2 inet_interfaces = all: postfix listens on every interface/ },
  { id: '2.1.15', expect: 'fail', given: 'postfix without inet_interfaces (default all)', change: (l) => { install(l, 'postfix'); l.write('/etc/postfix/main.cf', 'myhostname = ubuntu\n'); },
    reason: /inet_interfaces is not set, so the default "all" applies/ },

  // 2.1.16: the package, as this version's audit asks; masking the service is not enough
  { id: '2.1.16', expect: 'fail', given: 'the fixture has rsync installed', change: () => {}, reason: /rsync 3\.1\.2-2\.1ubuntu1 installed/ },
  { id: '2.1.16', expect: 'fail', given: 'rsync installed, its service masked', change: (l) => {
    l.remove('/etc/systemd/system/multi-user.target.wants/rsync.service'); symlink(l, '/dev/null', '/etc/systemd/system/rsync.service');
  }, reason: /the package rsync is installed/ },
  { id: '2.1.16', expect: 'pass', given: 'rsync removed', change: (l) => uninstall(l, 'rsync') },

  // 2.2.4, 2.2.5: installed in the fixture
  { id: '2.2.4', expect: 'fail', given: 'the fixture has telnet installed', change: () => {}, reason: /telnet 0\.17-41 installed/ },
  { id: '2.2.4', expect: 'pass', given: 'telnet removed', change: (l) => uninstall(l, 'telnet') },
  { id: '2.2.5', expect: 'fail', given: 'the fixture has ldap-utils installed', change: () => {}, reason: /ldap-utils 2\.4\.45\+dfsg-1ubuntu1 installed/ },
  { id: '2.2.5', expect: 'pass', given: 'ldap-utils removed', change: (l) => uninstall(l, 'ldap-utils') },

  // 2.3: a judgement, with the enabled units as evidence
  { id: '2.3', expect: 'manual', given: 'the fixture: the enabled units are listed, the sockets cannot be seen offline', change: () => {},
    reason: /listening sockets and the enabled service and socket units[^]*not checked: offline root filesystem[^]*15 enabled: [^\n]*rsync\.service, rsyslog\.service, ssh\.service/ },
]);
