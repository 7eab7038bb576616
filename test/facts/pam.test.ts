/** The PAM parser and stack expansion, on the Ubuntu 18.04 fixture's /etc/pam.d and on hand-made variations. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionTable, moduleName, parsePamControl, pamWords, parsePamFile, type PamLine, type PamRule } from '../../src/facts/pam-parse.js';
import { describePamEntry, expandPamStack, includePath, pamArgument, unreadIncludes } from '../../src/facts/pam.js';
import { pamFlow, runnableCalls, uncheckedStores } from '../../src/facts/pam-flow.js';
import { encryptMethodOf, pamUnixHashing, pwqualitySetting } from '../../src/facts/pam-args.js';
import { PWQUALITY_INT_DEFAULTS, pwqualityDirOrder, readPwqualityFiles } from '../../src/facts/pwquality.js';
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

  it('keeps malformed lines as invalid, with the reason PAM gives', () => {
    const lines = parsePamFile('oath required pam_unix.so\nauth maybe pam_unix.so\nauth required\nauth [success=1 pam_unix.so\nauth [success=maybe] pam_unix.so\n@include a b\n', '/etc/pam.d/bad');
    expect(lines.map((l) => l.kind)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', '@include']);
    expect((lines[0] as { reason: string }).reason).toMatch(/not a PAM management group/);
    expect((lines[1] as { reason: string }).reason).toMatch(/control "maybe" cannot be read .*every result of this module as a failure/);
    // an unclosed "[" runs to the end of the rule: the module becomes part of the control
    expect((lines[3] as { reason: string }).reason).toMatch(/needs a control and a module/);
    expect((lines[4] as { reason: string }).reason).toMatch(/expecting an action/);
  });

  it('splits words with brackets; an unclosed "[" runs to the end', () => {
    expect(pamWords('a [b c] d')).toEqual({ words: ['a', 'b c', 'd'], bracketed: [false, true, false] });
    expect(pamWords('a [b c')).toEqual({ words: ['a', 'b c'], bracketed: [false, true] });
    expect(pamWords('a [x\\]y]z')).toEqual({ words: ['a', 'x]y', 'z'], bracketed: [false, true, false] });
  });

  it('assembles lines as Linux-PAM does: comments end a rule, comment lines inside a continuation are skipped', () => {
    const lines = parsePamFile([
      'password required \\',
      '# a comment line in the middle',
      '',
      '   pam_unix.so sha512',
      'auth required pam_env.so # readenv=1 \\',
      'auth required pam_deny.so',
      'auth required pam_permit.so \\   ',
      '\tfoo=1',
      'account required pam_unix.so \\',
    ].join('\n'), '/etc/pam.d/x');
    expect(lines[0]).toMatchObject({ kind: 'rule', type: 'password', module: 'pam_unix.so', args: ['sha512'], line: 1 });
    expect(lines[1]).toMatchObject({ kind: 'rule', module: 'pam_env.so', args: [], line: 5 });
    expect(lines[2]).toMatchObject({ kind: 'rule', module: 'pam_deny.so', line: 6 });
    expect(lines[3]).toMatchObject({ kind: 'rule', module: 'pam_permit.so', args: ['foo=1'], line: 7 });
    expect(lines[4]).toMatchObject({ kind: 'invalid', line: 9 });
    expect((lines[4] as { reason: string }).reason).toMatch(/refuses the whole file/);
  });

  it('reads controls as PAM does: case of return values, blanks around "=", jumps, unbracketed pairs', () => {
    expect(parsePamControl('success = 2  default=ignore')).toEqual({ success: '2', default: 'ignore' });
    expect(parsePamControl('Success=ok')).toMatchObject({ error: expect.stringMatching(/return value/) });
    expect(parsePamControl('success=0')).toMatchObject({ error: expect.stringMatching(/positive jump/) });
    expect(parsePamControl('success=okay')).toMatchObject({ error: expect.stringMatching(/return value at "ay"/) });
    const [r] = rules(parsePamFile('auth success=done pam_unix.so\nAUTH REQUISITE pam_deny.so\n', '/etc/pam.d/x'));
    expect(r).toMatchObject({ control: '[success=done]', actions: { success: 'done' } });
    expect(actionTable(r)).toEqual({ success: 'done', default: 'bad' });
    expect(actionTable({ control: 'requisite' })).toMatchObject({ success: 'ok', default: 'die' });
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
      '/etc/pam.d/broken:1 includes /etc/pam.d/gone, which does not exist (PAM then fails the whole stack)',
      '/etc/pam.d/broken:2 "auth whatever pam_x.so": the control "whatever" cannot be read (expecting a return value at "whatever"): PAM treats every result of this module as a failure',
    ]);
    expect(expandPamStack(files, 'nosuch', 'auth')).toMatchObject({ exists: false, entries: [] });
  });

  it('names the absolute includes still to read', () => {
    const files = new Map<string, PamLine[] | null>([['/etc/pam.d/a', parsePamFile('@include /usr/share/pam/x\nauth include b\n', '/etc/pam.d/a')]]);
    expect(unreadIncludes(files).sort()).toEqual(['/etc/pam.d/b', '/usr/share/pam/x']);
    expect(includePath('common-auth')).toBe('/etc/pam.d/common-auth');
  });
});

const stackOf = (text: string, type: 'auth' | 'password', extra: Array<[string, string]> = []) => {
  const files = new Map<string, PamLine[] | null>([['/etc/pam.d/svc', parsePamFile(text, '/etc/pam.d/svc')], ...extra.map(([n, t]): [string, PamLine[]] => [`/etc/pam.d/${n}`, parsePamFile(t, `/etc/pam.d/${n}`)])]);
  return expandPamStack(files, 'svc', type);
};
const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('pamFlow', () => {
  it('the fixture common-password: pam_pwquality (requisite) checks before pam_unix (use_authtok) stores', () => {
    const s = expandPamStack(fixturePam(), 'passwd', 'password');
    const flow = pamFlow(s, 'pam_pwquality.so');
    expect(runnableCalls(flow, 'pam_unix.so')).toHaveLength(1);
    expect(uncheckedStores(flow, 'pam_unix.so')).toEqual([]);
  });

  it('a rule jumped over by a module that always succeeds never runs; sufficient ends only while nothing failed', () => {
    const s = stackOf(lines('password [success=1 default=ignore] pam_permit.so', 'password required pam_unix.so md5', 'password required pam_unix.so sha512'), 'password');
    expect(runnableCalls(pamFlow(s), 'pam_unix.so').map((e) => e.line)).toEqual([3]);
    const t = stackOf(lines('auth required pam_deny.so', 'auth sufficient pam_permit.so', 'auth required pam_wheel.so'), 'auth');
    expect(runnableCalls(pamFlow(t), 'pam_wheel.so')).toHaveLength(1);
    const u = stackOf(lines('auth sufficient pam_permit.so', 'auth required pam_wheel.so'), 'auth');
    expect(runnableCalls(pamFlow(u), 'pam_wheel.so')).toHaveLength(0);
    const v = stackOf(lines('auth requisite pam_deny.so', 'auth required pam_wheel.so'), 'auth');
    expect(runnableCalls(pamFlow(v), 'pam_wheel.so')).toHaveLength(0);
  });

  it('done and die inside a substack end the substack only', () => {
    const s = stackOf(lines('auth substack sub', 'auth required pam_wheel.so'), 'auth', [['sub', lines('auth sufficient pam_permit.so', 'auth required pam_env.so')]]);
    const flow = pamFlow(s);
    expect(runnableCalls(flow, 'pam_wheel.so')).toHaveLength(1);
    expect(runnableCalls(flow, 'pam_env.so')).toHaveLength(0);
    const inc = stackOf(lines('auth include sub', 'auth required pam_wheel.so'), 'auth', [['sub', lines('auth sufficient pam_permit.so')]]);
    expect(runnableCalls(pamFlow(inc), 'pam_wheel.so')).toHaveLength(0);
  });

  it('finds a password that reaches pam_unix unchecked', () => {
    const order = stackOf(lines('password required pam_unix.so use_authtok', 'password requisite pam_pwquality.so'), 'password');
    expect(uncheckedStores(pamFlow(order, 'pam_pwquality.so'), 'pam_unix.so')[0].why).toMatch(/before the password is checked/);
    const required = stackOf(lines('password required pam_pwquality.so', 'password required pam_unix.so sha512'), 'password');
    expect(uncheckedStores(pamFlow(required, 'pam_pwquality.so'), 'pam_unix.so')[0].why).toMatch(/without use_authtok/);
    const requiredAuthtok = stackOf(lines('password required pam_pwquality.so', 'password required pam_unix.so use_authtok'), 'password');
    expect(uncheckedStores(pamFlow(requiredAuthtok, 'pam_pwquality.so'), 'pam_unix.so')).toEqual([]);
    const optional = stackOf(lines('password optional pam_pwquality.so', 'password required pam_unix.so'), 'password');
    expect(uncheckedStores(pamFlow(optional, 'pam_pwquality.so'), 'pam_unix.so')).toHaveLength(1);
    const jump = stackOf(lines('password [success=ok default=1] pam_pwquality.so', 'password required pam_unix.so', 'password required pam_unix.so sha512'), 'password');
    expect(uncheckedStores(pamFlow(jump, 'pam_pwquality.so'), 'pam_unix.so').map((u) => u.entry.line)).toEqual([3]);
  });
});

describe('module arguments', () => {
  it('pam_unix: the last hashing option wins; without one, ENCRYPT_METHOD of login.defs', () => {
    expect(pamUnixHashing(['sha512', 'obscure', 'md5'])).toMatchObject({ method: 'md5', stored: '$1$', option: 'md5' });
    expect(pamUnixHashing(['md5', 'sha512'])).toMatchObject({ method: 'sha512', stored: '$6$' });
    expect(pamUnixHashing(['blowfish'])).toMatchObject({ method: 'blowfish', stored: '$1$' });
    expect(pamUnixHashing(['SHA512'], encryptMethodOf('ENCRYPT_METHOD SHA256\n'))).toMatchObject({ method: 'sha256', from: 'login.defs' });
    expect(encryptMethodOf('#ENCRYPT_METHOD MD5\nencrypt_method=sha512\nENCRYPT_METHOD MD5\n')).toEqual({ value: 'sha512', line: 2 });
    expect(pamUnixHashing([], undefined)).toMatchObject({ method: 'des', from: 'default' });
  });

  it('pwquality: arguments override the files; the last valid argument wins; the library stops at a bad line', () => {
    const read = readPwqualityFiles([
      { path: '/etc/security/pwquality.conf.d/a.conf', text: 'minlen = 9\nucredit -1\n' },
      { path: '/etc/security/pwquality.conf', text: 'MINLEN=12 # twelve\ndcredit=-1\nbogus = 1\nlcredit = -1\n' },
    ]);
    expect(read.stopped).toMatchObject({ line: 3, reason: expect.stringMatching(/not a setting/) });
    expect(pwqualitySetting([], read, 'minlen', PWQUALITY_INT_DEFAULTS)).toMatchObject({ value: 12, from: 'file', line: 1 });
    expect(pwqualitySetting([], read, 'ucredit', PWQUALITY_INT_DEFAULTS)).toMatchObject({ value: -1, from: 'file' });
    expect(pwqualitySetting([], read, 'lcredit', PWQUALITY_INT_DEFAULTS)).toMatchObject({ value: 0, from: 'default' });
    expect(pwqualitySetting(['minlen=20', 'minlen=abc', 'retry=3'], read, 'minlen', PWQUALITY_INT_DEFAULTS)).toMatchObject({ value: 20, from: 'argument' });
    expect(pwqualitySetting(['minlen=3'], read, 'minlen', PWQUALITY_INT_DEFAULTS)).toMatchObject({ value: 6 });
    expect(readPwqualityFiles([{ path: 'f', text: 'lcredit==-4\n' }]).stopped?.reason).toMatch(/not a decimal integer/);
    expect(pwqualityDirOrder(['b.conf', 'a.conf', 'B.conf', 'c.txt'])).toEqual(['B.conf', 'a.conf', 'b.conf']);
  });
});
