/**
 * The TCP Wrappers parser on the acl2-stock files (comments only), on rules in the forms hosts_access(5) and
 * hosts_options(5) allow, and on malformed input; with the other small RPM-family parts of the network
 * facts: which saved iptables rules are restored at boot, and sysctl links.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureAcl2Base } from '../support/fixtures.js';
import { isAllForAll, parseHostsAccess } from '../../src/facts/tcp-wrappers.js';
import { chooseIptablesLayout } from '../../src/facts/firewall.js';
import { resolveLink } from '../../src/facts/sysctl-links.js';

describe('hosts.allow and hosts.deny', () => {
  it('finds no rule in the stock files, which hold only comments', () => {
    const base = ensureAcl2Base();
    for (const f of ['etc/hosts.allow', 'etc/hosts.deny']) expect(parseHostsAccess(readFileSync(path.join(base, f), 'utf8'), `/${f}`)).toEqual([]);
  });

  it('reads lists separated by blanks and commas, continued lines, options, and bracketed IPv6 addresses', () => {
    const rules = parseHostsAccess('# comment\n\nsshd, vsftpd : 192.0.2.0/24 [2001:db8::]/32 \\\n  10.0.0.0/255.0.0.0 : spawn /bin/logger %a : allow\n  # indented comment\nALL:ALL\n', '/etc/hosts.allow');
    expect(rules).toEqual([
      { file: '/etc/hosts.allow', line: 3, text: 'sshd, vsftpd : 192.0.2.0/24 [2001:db8::]/32 10.0.0.0/255.0.0.0 : spawn /bin/logger %a : allow',
        daemons: ['sshd', 'vsftpd'], clients: ['192.0.2.0/24', '[2001:db8::]/32', '10.0.0.0/255.0.0.0'], options: ['spawn /bin/logger %a', 'allow'] },
      { file: '/etc/hosts.allow', line: 6, text: 'ALL:ALL', daemons: ['ALL'], clients: ['ALL'], options: [] },
    ]);
  });

  it('tells a rule for every service and client from narrower ones', () => {
    const [all, except, sshd, allowOpt, spawn] = parseHostsAccess('ALL: ALL\nALL: ALL EXCEPT 192.0.2.1\nsshd: ALL\nALL: ALL: allow\nALL : ALL : spawn /bin/echo %a\n', '/etc/hosts.deny');
    expect([all, except, sshd, allowOpt, spawn].map((r) => isAllForAll(r, 'allow'))).toEqual([true, false, false, false, true]);
    expect(isAllForAll(parseHostsAccess('ALL: ALL: deny\n', '/etc/hosts.allow')[0], 'deny')).toBe(false);
  });

  it('rejects a rule without the separator or with an empty list', () => {
    expect(() => parseHostsAccess('ALL ALL\n', '/etc/hosts.deny')).toThrow(/\/etc\/hosts\.deny:1 is not an access rule/);
    expect(() => parseHostsAccess('# x\n : ALL\n', '/etc/hosts.deny')).toThrow(/\/etc\/hosts\.deny:2 has an empty daemon list/);
    expect(() => parseHostsAccess('sshd:\n', '/etc/hosts.deny')).toThrow(/has an empty client list/);
  });
});

describe('saved iptables rules and sysctl links', () => {
  it('restores from the files that exist, else from the package manager\'s usual place', () => {
    expect(chooseIptablesLayout([], 'rpm').files[4]).toBe('/etc/sysconfig/iptables');
    expect(chooseIptablesLayout([], 'dpkg').files[6]).toBe('/etc/iptables/rules.v6');
    expect(chooseIptablesLayout(['iptables-persistent'], 'rpm').loader[4]).toBe('iptables-persistent');
    expect(chooseIptablesLayout(['iptables-services'], 'dpkg').loader[6]).toBe('ip6tables.service');
    expect(chooseIptablesLayout(['iptables-services', 'iptables-persistent'], 'rpm').name).toBe('iptables-services');
  });

  it('resolves a link target against the link\'s directory', () => {
    expect(resolveLink('/etc/sysctl.d/99-sysctl.conf', '../sysctl.conf')).toBe('/etc/sysctl.conf');
    expect(resolveLink('/etc/sysctl.d/10-x.conf', '/usr/lib/sysctl.d/./10-x.conf')).toBe('/usr/lib/sysctl.d/10-x.conf');
  });
});
