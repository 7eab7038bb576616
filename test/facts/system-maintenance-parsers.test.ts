/**
 * Parsers added for the RPM family in chapter 6: `rpm -V` output and the NIS compat lines ("+", "-") of
 * the account files, which the account parsers leave out.
 */
import { describe, expect, it } from 'vitest';
import { parseRpmVerify, RPM_VERIFY_COMMAND } from '../../src/facts/filesystem.js';
import { parseCompatLines, parseGroup, parsePasswd, parseShadow } from '../../src/facts/accounts.js';

describe('parseRpmVerify', () => {
  // rpm 4.11 (CentOS 7, ACL2) with the benchmark's options: "%s  %c %s" per file, "missing   %c %s"
  const out = [
    '.M.......  c /etc/sudoers',
    '.....UG..    /var/lib/chrony',
    '......G..  g /var/run/utmp',
    'missing     /usr/share/doc/rsync-3.1.2/NEWS',
    'missing   d /usr/share/man/man1/rsync.1.gz',
    'missing   c /etc/rsyncd.conf (Permission denied)',
    '',
  ].join('\n');

  it('reads file lines, attribute letters and missing files', () => {
    const changes = parseRpmVerify(out);
    expect(changes.map((c) => [c.checks, c.config, c.path])).toEqual([
      ['.M.......', true, '/etc/sudoers'],
      ['.....UG..', false, '/var/lib/chrony'],
      ['......G..', false, '/var/run/utmp'],
      ['missing', false, '/usr/share/doc/rsync-3.1.2/NEWS'],
      ['missing', false, '/usr/share/man/man1/rsync.1.gz'],
      ['missing', true, '/etc/rsyncd.conf (Permission denied)'],
    ]);
    expect(changes[0].line).toBe('.M.......  c /etc/sudoers');
    expect(parseRpmVerify('')).toEqual([]);
  });

  it('rejects output it does not understand, naming the line', () => {
    expect(() => parseRpmVerify('.M.......  c /etc/sudoers\nUnsatisfied dependencies for foo-1.0-1.x86_64:\n')).toThrow(/rpm -V output line 2 is not understood/);
    expect(() => parseRpmVerify('.M......  /etc/sudoers\n')).toThrow(/line 1/);
  });

  it('verifies modes and owners only, and runs no package script', () => {
    expect(RPM_VERIFY_COMMAND).toMatch(/^rpm -Va /);
    for (const opt of ['--nomtime', '--nosize', '--nomd5', '--nolinkto', '--nodeps', '--noscripts']) expect(RPM_VERIFY_COMMAND).toContain(opt);
  });
});

describe('NIS compat lines of the account files', () => {
  const PASSWD = [
    'root:x:0:0:root:/root:/bin/bash',
    '+alice::::::',
    '-mallory',
    '+@ops:::::::',
    '+::::::',
    'bin:x:1:1:bin:/bin:/sbin/nologin',
    '',
  ].join('\n');

  it('are listed with their marker and name part only', () => {
    expect(parseCompatLines(PASSWD)).toEqual([
      { line: 2, marker: '+', name: 'alice' },
      { line: 3, marker: '-', name: 'mallory' },
      { line: 4, marker: '+', name: '@ops' },
      { line: 5, marker: '+', name: '' },
    ]);
    expect(parseCompatLines('root:x:0:\n')).toEqual([]);
  });

  it('never keep the rest of a shadow line', () => {
    const hash = '$6$salt$N0tARealHash';
    const lines = parseCompatLines(`root:!!:18000:0:99999:7:::\n+admin:${hash}:18000:0:99999:7:::\n`);
    expect(lines).toEqual([{ line: 2, marker: '+', name: 'admin' }]);
    expect(JSON.stringify(lines)).not.toContain('$6$');
  });

  it('are not local entries: the account parsers leave them out, with the line numbers of the rest kept', () => {
    expect(parsePasswd(PASSWD).map((u) => [u.name, u.line])).toEqual([['root', 1], ['bin', 6]]);
    expect(parseShadow('+::::::::\nroot:!!:18000:0:99999:7:::\n').map((e) => [e.name, e.state, e.line])).toEqual([['root', 'no-login', 2]]);
    expect(parseGroup('+:::\nwheel:x:10:\n-staff\n').map((g) => [g.name, g.line])).toEqual([['wheel', 2]]);
  });
});
