/** The PAM parser and stack expansion, on the Ubuntu 18.04 fixture's /etc/pam.d and on hand-made variations. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describePamEntry, expandPamStack, includePath, moduleName, pamArgument, pamWords, parsePamFile, unreadIncludes, type PamLine, type PamRule,
} from '../../src/facts/pam.js';
import { ubuntuBase } from '../support/fixtures.js';

/** Every file of the fixture's /etc/pam.d, parsed. */
function fixturePam(): Map<string, PamLine[] | null> {
  const dir = path.join(ubuntuBase, 'etc/pam.d');
  const files = new Map<string, PamLine[] | null>();
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isFile()) files.set(`/etc/pam.d/${name}`, parsePamFile(readFileSync(p, 'utf8'), `/etc/pam.d/${name}`));
  }
  return files;
}

const rules = (lines: PamLine[]) => lines.filter((l): l is PamRule => l.kind === 'rule');

describe('parsePamFile', () => {
  it('reads the fixture common-password: bracketed controls, arguments and line numbers', () => {
    const lines = parsePamFile(readFileSync(path.join(ubuntuBase, 'etc/pam.d/common-password'), 'utf8'), '/etc/pam.d/common-password');
    const r = rules(lines);
    expect(r.map((x) => moduleName(x.module))).toEqual(['pam_pwquality.so', 'pam_unix.so', 'pam_deny.so', 'pam_permit.so']);
    expect(r[0]).toMatchObject({ type: 'password', control: 'requisite', args: ['retry=3'], line: 25 });
    expect(r[1]).toMatchObject({ control: '[success=1 default=ignore]', actions: { success: '1', default: 'ignore' }, args: ['obscure', 'use_authtok', 'try_first_pass', 'sha512'] });
    expect(lines.some((l) => l.kind === 'invalid')).toBe(false);
  });

  it('parses every file of the fixture without an invalid line', () => {
    for (const [file, lines] of fixturePam()) expect(lines!.filter((l) => l.kind === 'invalid'), file).toEqual([]);
  });

  it('reads @include, the "-" prefix, continuations, comments and bracketed arguments', () => {
    const text = [
      '# a comment',
      '@include common-auth',
      '-session optional pam_systemd.so   # quiet when missing',
      'auth [success=ok new_authtok_reqd=ok \\',
      '      default=die] pam_securetty.so',
      'auth required pam_mysql.so [query=select x from t where u=\'%u\' and y\\]z]',
      'Auth Required pam_unix.so',
    ].join('\n');
    const lines = parsePamFile(text, '/etc/pam.d/x');
    expect(lines[0]).toMatchObject({ kind: '@include', target: 'common-auth', line: 2 });
    expect(lines[1]).toMatchObject({ kind: 'rule', type: 'session', quiet: true, module: 'pam_systemd.so', args: [] });
    expect(lines[2]).toMatchObject({ kind: 'rule', line: 4, control: '[success=ok new_authtok_reqd=ok default=die]', module: 'pam_securetty.so' });
    expect((lines[3] as PamRule).args).toEqual(["query=select x from t where u='%u' and y]z"]);
    // types and keyword controls are case-insensitive
    expect(lines[4]).toMatchObject({ kind: 'rule', type: 'auth', control: 'required' });
  });

  it('keeps malformed lines as invalid, with the reason', () => {
    const lines = parsePamFile('oath required pam_unix.so\nauth maybe pam_unix.so\nauth required\nauth [success=1 pam_unix.so\nauth [success=maybe] pam_unix.so\n@include a b\n', '/etc/pam.d/bad');
    expect(lines.map((l) => l.kind)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
    expect((lines[0] as { reason: string }).reason).toMatch(/not a PAM management group/);
    expect((lines[1] as { reason: string }).reason).toMatch(/not a PAM control/);
    expect((lines[3] as { reason: string }).reason).toMatch(/never closed/);
  });

  it('splits words with brackets', () => {
    expect(pamWords('a [b c] d')).toEqual({ words: ['a', 'b c', 'd'], bracketed: [false, true, false] });
    expect(pamWords('a [b')).toEqual({ error: 'a "[" is never closed' });
  });
});

describe('expandPamStack', () => {
  it('follows @include in the fixture: su runs common-auth for auth', () => {
    const s = expandPamStack(fixturePam(), 'su', 'auth');
    expect(s).toMatchObject({ exists: true, problems: [] });
    expect(s.entries.map((e) => moduleName(e.module))).toEqual(['pam_rootok.so', 'pam_unix.so', 'pam_deny.so', 'pam_permit.so']);
    expect(s.entries[1].via.map((v) => `${v.file}:${v.line} ${v.text}`)).toEqual(['/etc/pam.d/su:57 @include common-auth']);
    expect(describePamEntry(s.entries[1])).toBe('/etc/pam.d/common-auth:17 auth [success=1 default=ignore] pam_unix.so nullok_secure (via /etc/pam.d/su:57 @include common-auth)');
  });

  it('follows include and substack for the matching type only, and reports loops and missing files', () => {
    const files = new Map<string, PamLine[] | null>([
      ['/etc/pam.d/system-auth', parsePamFile('auth required pam_env.so\nauth substack password-auth\naccount include password-auth\n', '/etc/pam.d/system-auth')],
      ['/etc/pam.d/password-auth', parsePamFile('auth required pam_faillock.so preauth deny=5\naccount required pam_unix.so\n', '/etc/pam.d/password-auth')],
      ['/etc/pam.d/loop', parsePamFile('auth include loop\n', '/etc/pam.d/loop')],
      ['/etc/pam.d/gone', null],
      ['/etc/pam.d/broken', parsePamFile('@include gone\nauth whatever pam_x.so\n', '/etc/pam.d/broken')],
    ]);
    const auth = expandPamStack(files, 'system-auth', 'auth');
    expect(auth.entries.map((e) => [moduleName(e.module), e.inSubstack])).toEqual([['pam_env.so', false], ['pam_faillock.so', true]]);
    expect(pamArgument(auth.entries[1], 'deny')).toBe('5');
    expect(expandPamStack(files, 'system-auth', 'account').entries.map((e) => moduleName(e.module))).toEqual(['pam_unix.so']);
    expect(expandPamStack(files, 'loop', 'auth').problems[0]).toMatch(/include loop/);
    const broken = expandPamStack(files, 'broken', 'auth');
    expect(broken.problems).toEqual([
      '/etc/pam.d/broken:1 includes /etc/pam.d/gone, which does not exist',
      '/etc/pam.d/broken:2 "auth whatever pam_x.so": "whatever" is not a PAM control',
    ]);
    expect(expandPamStack(files, 'nosuch', 'auth')).toMatchObject({ exists: false, entries: [] });
  });

  it('names the absolute includes still to read', () => {
    const files = new Map<string, PamLine[] | null>([['/etc/pam.d/a', parsePamFile('@include /usr/share/pam/x\nauth include b\n', '/etc/pam.d/a')]]);
    expect(unreadIncludes(files).sort()).toEqual(['/etc/pam.d/b', '/usr/share/pam/x']);
    expect(includePath('common-auth')).toBe('/etc/pam.d/common-auth');
  });
});
