/**
 * Package state as dpkg means it, through full item audits on the Ubuntu 18.04 root filesystem. Expected
 * verdicts follow the benchmark's rule: "X is not installed" holds only when X's files are not on the
 * system (dpkg state not-installed or config-files); "X is installed" needs X configured. Each case
 * writes one stanza for the package into /var/lib/dpkg/status of the overlay.
 */
import { rootfsItemCases } from '../support/cases.js';
import type { Layer } from '../support/fixtures.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const STATUS = '/var/lib/dpkg/status';

/** A stanza for a package, with the fields dpkg requires for its state. */
function stanza(name: string, status: string, extra = '', arch = 'amd64'): string {
  const state = status.split(' ')[2];
  const cfg = ['config-files', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaited'].includes(state) ? 'Config-Version: 1.0-1\n' : '';
  const trig = state === 'triggers-pending' ? 'Triggers-Pending: ldconfig\n' : state === 'triggers-awaited' ? 'Triggers-Pending: ldconfig\nTriggers-Awaited: libc-bin\n' : '';
  return `Package: ${name}\nStatus: ${status}\nPriority: optional\nArchitecture: ${arch}\n${extra}Version: 1.0-2\n${cfg}${trig}Description: a package added by the test\n\n`;
}
const add = (name: string, status: string, extra = '', arch = 'amd64') => (l: Layer) => l.append(STATUS, stanza(name, status, extra, arch));
const replace = (name: string, status: string) => (l: Layer) =>
  l.edit(STATUS, (t) => `${t.split('\n\n').filter((s) => !s.startsWith(`Package: ${name}\n`)).join('\n\n').replace(/\n*$/, '\n\n')}${stanza(name, status)}`);

// 2.2.1 Ensure NIS Client is not installed (nis also decides 2.1.17, the NIS server)
const NIS_ALSO = { '2.1.17': 'fail' };
const notInstalledCases = [
  ['install ok installed', 'fail'], ['hold ok installed', 'fail'], ['deinstall ok installed', 'fail'], ['purge ok installed', 'fail'],
  ['install reinstreq half-installed', 'fail'], ['install ok unpacked', 'fail'], ['install ok half-configured', 'fail'],
  ['install ok triggers-awaited', 'fail'], ['install ok triggers-pending', 'fail'],
  ['deinstall ok config-files', 'pass'], ['purge ok config-files', 'pass'], ['install ok not-installed', 'pass'], ['purge ok not-installed', 'pass'],
] as const;

rootfsItemCases(UBUNTU, ['2.1.17', '2.2'], [
  ...notInstalledCases.map(([status, expect]) => ({
    id: '2.2.1', expect, given: `nis in the dpkg database with Status: ${status}`, change: add('nis', status),
    alsoChanges: expect === 'fail' ? NIS_ALSO : {},
    reason: expect === 'fail'
      ? new RegExp(`the package nis is installed[\\s\\S]*Status: ${status}`)
      : status.endsWith('config-files') ? /no installed package matches nis; nis 1\.0-2 not installed, configuration files left/ : /no installed package matches nis$/m,
  })),
  { id: '2.2.1', expect: 'fail', given: 'nis present for i386 only (Multi-Arch: same), the amd64 instance removed to config-files',
    change: (l) => { add('nis', 'install ok installed', 'Multi-Arch: same\n', 'i386')(l); add('nis', 'deinstall ok config-files', 'Multi-Arch: same\n')(l); },
    alsoChanges: NIS_ALSO, reason: /nis 1\.0-2 installed \([^)]*, i386, Status: install ok installed\)/ },
  { id: '2.2.1', expect: 'pass', given: 'nis installed, then a later stanza for the same architecture says not-installed (dpkg keeps the later one)',
    change: (l) => { add('nis', 'install ok installed')(l); add('nis', 'purge ok not-installed')(l); } },
  { id: '2.2.1', expect: 'error', given: 'a stanza dpkg refuses (unknown state word)', change: add('nis', 'install ok removed'),
    alsoChanges: { '2.1.17': 'error', '2.2.2': 'error', '2.2.3': 'error', '2.2.4': 'error', '2.2.5': 'error', '2.2.6': 'error' },
    reason: /"removed" is not a state dpkg knows/ },
  { id: '2.2.4', expect: 'pass', given: 'telnet (installed in the fixture) removed, its configuration left', change: replace('telnet', 'deinstall ok config-files'),
    reason: /telnet 1\.0-2 not installed, configuration files left/ },
  { id: '2.2.4', expect: 'fail', given: 'telnet (installed in the fixture) half-configured after a failed upgrade', change: replace('telnet', 'install ok half-configured'),
    reason: /telnet 1\.0-2 present but not completely installed[\s\S]*Status: install ok half-configured/ },
]);

// "X is installed" needs X configured: 4.2.1.1 rsyslog (installed in the fixture)
rootfsItemCases(UBUNTU, ['4.2.1.1'], [
  { id: '4.2.1.1', expect: 'pass', given: 'rsyslog held at its version (hold ok installed)', change: replace('rsyslog', 'hold ok installed') },
  { id: '4.2.1.1', expect: 'pass', given: 'rsyslog with triggers pending (configured; dpkg runs the triggers later)', change: replace('rsyslog', 'install ok triggers-pending') },
  { id: '4.2.1.1', expect: 'fail', given: 'rsyslog only unpacked', change: replace('rsyslog', 'install ok unpacked'),
    reason: /the package rsyslog is not completely installed[\s\S]*Status: install ok unpacked/ },
  { id: '4.2.1.1', expect: 'fail', given: 'rsyslog half-installed, reinstallation required', change: replace('rsyslog', 'install reinstreq half-installed'),
    reason: /Status: install reinstreq half-installed/ },
  { id: '4.2.1.1', expect: 'fail', given: 'rsyslog removed, configuration left', change: replace('rsyslog', 'deinstall ok config-files'),
    reason: /the package rsyslog is not installed/ },
]);
