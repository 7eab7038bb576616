/**
 * Parsers behind chapter 5: pwquality.conf, login.defs and /etc/default/useradd, the shell start-up files
 * (umask, TMOUT), sudoers, the cron/at allow and deny lists, the process list and /etc/securetty.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePwqualityConf } from '../../src/facts/pwquality.js';
import { parseLoginDefs, parseUseraddDefaults, shadowNumber } from '../../src/facts/login-defs.js';
import { parseShellProfile, stripShellComment, umaskEffect } from '../../src/facts/shell-profiles.js';
import { includedirReads, parseSudoers, type SudoDefault } from '../../src/facts/sudoers.js';
import { parseAccessList, readAccessList } from '../../src/facts/cron-access.js';
import { parseProcessList } from '../../src/facts/processes.js';
import { parseSecuretty } from '../../src/facts/securetty.js';
import { CheckError } from '../../src/model/verdict.js';
import { ubuntuBase } from '../support/fixtures.js';

const fixture = (p: string) => readFileSync(path.join(ubuntuBase, p), 'utf8');

describe('parsePwqualityConf', () => {
  it('finds nothing set in the fixture (every line is a comment)', () => {
    expect(parsePwqualityConf(fixture('etc/security/pwquality.conf')).size).toBe(0);
  });

  it('reads name = value and comments; a later line wins', () => {
    const s = parsePwqualityConf('minlen = 8\n# minlen = 20\nminclass=4  # all classes\nminlen = 14\n');
    expect(s.get('minlen')).toMatchObject({ value: '14', line: 4 });
    expect(s.get('minclass')).toMatchObject({ value: '4', line: 3 });
  });

  it('stops at a line libpwquality 1.4.0 refuses, as the library does (enforce_for_root is a module argument there)', () => {
    const s = parsePwqualityConf('minlen = 14\nenforce_for_root\nminclass = 4\n');
    expect([...s.keys()]).toEqual(['minlen']);
    expect(parsePwqualityConf('minlen: 14\n').size).toBe(0);
  });
});

describe('login.defs and /etc/default/useradd', () => {
  it('reads the fixture login.defs', () => {
    const s = parseLoginDefs(fixture('etc/login.defs'));
    expect(s.get('PASS_MAX_DAYS')).toMatchObject({ value: '99999', line: 160 });
    expect(s.get('UID_MIN')).toMatchObject({ value: '1000', line: 167 });
    expect(s.get('UMASK')?.value).toBe('022');
    expect(s.get('ENV_SUPATH')?.value).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(s.has('PASS_MIN_LEN')).toBe(false);
  });

  it('keeps the last value, drops quotes as getdef does and skips a name without a value', () => {
    const s = parseLoginDefs('PASS_MAX_DAYS 99999\nPASS_MAX_DAYS\t365\nMAIL_DIR "/var/mail"\nLONELY\n  # PASS_MIN_DAYS 7\n');
    expect(s.get('PASS_MAX_DAYS')).toMatchObject({ value: '365', line: 2 });
    expect(s.get('MAIL_DIR')?.value).toBe('/var/mail');
    expect(s.has('LONELY')).toBe(false);
    expect(s.has('PASS_MIN_DAYS')).toBe(false);
  });

  it('reads /etc/default/useradd as useradd does: NAME= in the first column, the value untrimmed', () => {
    expect(parseUseraddDefaults(fixture('etc/default/useradd')).get('SHELL')?.value).toBe('/bin/sh');
    const s = parseUseraddDefaults('# INACTIVE=30\nINACTIVE=45\n INACTIVE=10\nEXPIRE=\nINACTIVE=30 \n');
    expect(s.get('INACTIVE')).toMatchObject({ value: '30 ', line: 5 });
    expect(s.get('EXPIRE')?.value).toBe('');
  });

  it('reads numbers as shadow does (strtol, base 0)', () => {
    expect(shadowNumber('365')).toBe(365);
    expect(shadowNumber('-1')).toBe(-1);
    expect(shadowNumber('010')).toBe(8);
    expect(shadowNumber('0x10')).toBe(16);
    expect(shadowNumber('0')).toBe(0);
    expect(shadowNumber('30 days')).toBeNull();
    // as useradd of the Ubuntu fixture reads PASS_MAX_DAYS (test/differential/login-defs.test.ts)
    expect(shadowNumber('08')).toBeNull();
    expect(shadowNumber('99999x')).toBeNull();
    expect(shadowNumber('2147483648')).toBeNull();
    expect(shadowNumber('2147483648', 'long')).toBe(2147483648);
    expect(shadowNumber('+7')).toBe(7);
    expect(shadowNumber('0x')).toBeNull();
    expect(shadowNumber('30 ')).toBeNull();
    expect(parseLoginDefs('PASS_MAX_DAYS 30 "x\n').get('PASS_MAX_DAYS')?.value).toBe('30 ');
    expect(parseLoginDefs('PASS_MAX_DAYS 30\nPASS_MAX_DAYS ""\n').get('PASS_MAX_DAYS')?.value).toBe('');
  });
});

describe('shell start-up files', () => {
  it('finds no umask and no TMOUT in the fixture /etc/profile and /etc/bash.bashrc', () => {
    for (const f of ['etc/profile', 'etc/bash.bashrc']) expect(parseShellProfile(fixture(f), `/${f}`)).toMatchObject({ umasks: [], tmout: [] });
  });

  it('computes what a umask masks and grants', () => {
    expect(umaskEffect('027')).toEqual({ masked: 0o027, granted: 0o750 });
    expect(umaskEffect('0077')).toEqual({ masked: 0o077, granted: 0o700 });
    expect(umaskEffect('u=rwx,g=rx,o=')).toEqual({ masked: 0o027, granted: 0o750 });
    // relative: only what it changes is known
    expect(umaskEffect('g-w,o-rwx')).toEqual({ masked: 0o027, granted: 0 });
    expect(umaskEffect('o+r')).toEqual({ masked: 0, granted: 0o004 });
    expect(umaskEffect('a=rx')).toEqual({ masked: 0o222, granted: 0o555 });
    expect(umaskEffect('$UMASK')).toBeNull();
    expect(umaskEffect('0888')).toBeNull();
  });

  it('reads umask commands and TMOUT statements, skipping comments', () => {
    const text = [
      '# umask 000 in a comment',
      'umask 027',
      'if [ "$(id -u)" -eq 0 ]; then umask 022; fi',
      'umask -S u=rwx,g=rx,o= # symbolic',
      'TMOUT=900',
      'readonly TMOUT',
      'export TMOUT',
      'echo "# not a comment; umask 000"',
      'declare -rx TMOUT=600; typeset -x TMOUT="1200"',
      'LANG=C TMOUT=abc some_command',
      'umask',
    ].join('\n');
    const p = parseShellProfile(text, '/etc/profile.d/cis.sh');
    expect(p.umasks.map((u) => [u.line, u.written])).toEqual([[2, '027'], [3, '022'], [4, 'u=rwx,g=rx,o=']]);
    expect(p.tmout.map((t) => [t.line, t.kind, t.seconds])).toEqual([
      [5, 'assign', 900], [6, 'readonly', undefined], [7, 'export', undefined],
      [9, 'assign', 600], [9, 'readonly', undefined], [9, 'export', undefined], [9, 'assign', 1200], [9, 'export', undefined],
      [10, 'assign', null],
    ]);
  });

  it('strips comments only where a word starts, outside quotes', () => {
    expect(stripShellComment('umask 027 # x')).toBe('umask 027 ');
    expect(stripShellComment('echo a#b "#c" \'#d\'')).toBe('echo a#b "#c" \'#d\'');
    expect(stripShellComment('x=${#y}')).toBe('x=${#y}');
  });
});

describe('parseSudoers', () => {
  const defaults = (text: string) => parseSudoers(text, '/etc/sudoers').entries.filter((e): e is SudoDefault => !('kind' in e));

  it('reads the fixture /etc/sudoers: three global Defaults and the includedir', () => {
    const s = parseSudoers(fixture('etc/sudoers'), '/etc/sudoers');
    expect(s.entries.map((e) => ('kind' in e ? `${e.kind} ${e.path}` : `${e.name} ${e.op}`))).toEqual([
      'env_reset on', 'mail_badpass on', 'secure_path =', 'includedir /etc/sudoers.d',
    ]);
    expect(s.entries[2]).toMatchObject({ value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin', line: 11 });
  });

  it('reads bindings, negations, quoted values, several options a line and continuations', () => {
    const d = defaults([
      'Defaults use_pty, logfile="/var/log/sudo.log" # a comment',
      'Defaults:alice !use_pty',
      'Defaults   !use_pty,\\',
      '  env_keep += "LANG LC_ALL"',
      '%sudo ALL=(ALL:ALL) ALL',
      '#1000 ALL=(ALL) ALL',
      'Defaults!/bin/ls log_output',
    ].join('\n'));
    expect(d.map((x) => [x.line, x.binding, x.name, x.op, x.value])).toEqual([
      [1, null, 'use_pty', 'on', undefined], [1, null, 'logfile', '=', '/var/log/sudo.log'],
      [2, ':alice', 'use_pty', 'off', undefined],
      [3, null, 'use_pty', 'off', undefined], [3, null, 'env_keep', '+=', 'LANG LC_ALL'],
      [7, '!/bin/ls', 'log_output', 'on', undefined],
    ]);
  });

  it('reads #includedir and #include lines, and which files #includedir reads; @include is a parse error for sudo 1.8.21', () => {
    // the old expectation read @includedir as sudo 1.9.1 does; the fixture's sudo 1.8.21 stops with a parse error on it
    expect(() => parseSudoers('@includedir /etc/sudoers.d\n', '/etc/sudoers')).toThrow(/before 1\.9\.1/);
    expect(() => parseSudoers('@include /etc/sudoers.local\n', '/etc/sudoers')).toThrow(CheckError);
    const s = parseSudoers('#includedir /etc/sudoers.d\n#include /etc/sudoers.local\n', '/etc/sudoers');
    expect(s.entries).toMatchObject([{ kind: 'includedir', path: '/etc/sudoers.d' }, { kind: 'include', path: '/etc/sudoers.local' }]);
    expect(['README', '50-cis', 'cis.conf', 'cis~'].filter(includedirReads)).toEqual(['README', '50-cis']);
  });

  it('refuses an option it cannot read', () => {
    expect(() => parseSudoers('Defaults use pty\n', '/etc/sudoers')).toThrow(CheckError);
    expect(() => parseSudoers('Defaults\n', '/etc/sudoers')).toThrow(/without options/);
    expect(() => parseSudoers('Defaults !logfile=/a\n', '/etc/sudoers')).toThrow(/parse error/);
  });

  it('marks the entries sudo 1.8.21 ignores and visudo -c refuses; += and -= set logfile', () => {
    expect(defaults('Defaults use_pty=1\nDefaults use_pty+=x\nDefaults logfile\nDefaults logfile=rel\nDefaults logfile+=/x\nDefaults logfile-=/y\n')
      .map((d) => d.invalid ?? 'ok')).toEqual([
      'option "use_pty" does not take a value', 'option "use_pty" does not take a value', 'no value specified for "logfile"',
      'values for "logfile" must start with a \'/\'', 'ok', 'ok',
    ]);
  });
});

describe('small lists', () => {
  it('reads the fixture /etc/at.deny', () => {
    const users = parseAccessList(fixture('etc/at.deny'), 'at');
    expect(users).toContain('nobody');
    expect(users.every((u) => /^\S+$/.test(u))).toBe(true);
  });

  it('reads an allow list as cron and at compare it: exact lines, no trimming (the old expectation trimmed "  alice  " to alice; crontab does not)', () => {
    expect(readAccessList('root\n\n# admins\n  alice  \n', 'cron')).toEqual({ users: ['root'], notes: ['"# admins" (not a comment: a name no user has)', '"  alice  " (blanks around a name: it names no user)'] });
    expect(parseAccessList('root\nbob', 'cron')).toEqual(['root', 'bo']);
    expect(parseAccessList('root\nbobx', 'cron')).toEqual(['root', 'bob']);
    expect(parseAccessList('root\nbob', 'at')).toEqual(['root', 'bob']);
  });

  it('reads the process list and refuses other output', () => {
    expect(parseProcessList('1 sleep\n27 cron\n31 sh\n')).toEqual([{ pid: 1, name: 'sleep' }, { pid: 27, name: 'cron' }, { pid: 31, name: 'sh' }]);
    expect(parseProcessList('12 kworker/0:1 \n')).toEqual([{ pid: 12, name: 'kworker/0:1 ' }]);
    expect(() => parseProcessList('PID CMD\n')).toThrow(CheckError);
  });

  it('reads the fixture /etc/securetty', () => {
    const t = parseSecuretty(fixture('etc/securetty'));
    expect(t[0].name).toBe('console');
    expect(t.map((x) => x.name)).toContain('ttyS0');
    expect(t.some((x) => x.name.startsWith('#'))).toBe(false);
  });
});
