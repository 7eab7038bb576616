/** The shell parser and the login shell evaluation, on the fixtures' own start-up files and small variations. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/facts/shell-syntax.js';
import { applyUmask, UNKNOWN } from '../../src/facts/shell-effective.js';
import { evaluateLoginShells, type LoginShellOutcome } from '../../src/facts/shell-login.js';
import { ensureUbuntuBase, fixtureCache } from '../support/fixtures.js';

const ubuntu = () => {
  const base = ensureUbuntuBase();
  return new Map(['/etc/profile', '/etc/bash.bashrc'].map((p) => [p, readFileSync(path.join(base, p), 'utf8')] as [string, string]));
};
const acl2 = () => {
  const base = path.join(fixtureCache, 'acl2-stock');
  return new Map(['/etc/profile', '/etc/bashrc', '/etc/profile.d/lang.sh', '/etc/profile.d/sh.local', '/etc/locale.conf']
    .map((p) => [p, readFileSync(path.join(base, p), 'utf8')] as [string, string]));
};
const withFiles = (m: Map<string, string>, files: Record<string, string>) => { for (const [p, t] of Object.entries(files)) m.set(p, t); return m; };
const umasks = (o: LoginShellOutcome) => o.umask.map((u) => (typeof u.value === 'number' ? u.value.toString(8).padStart(3, '0') : u.value)).sort();
const tmouts = (o: LoginShellOutcome) => o.tmout.map((t) => t.value).sort();

describe('shell syntax', () => {
  it('keeps here-documents, comments and quotes out of the commands; joins continued lines', () => {
    const p = parseShell("cat <<EOF\numask 000\nEOF\n# umask 000\necho 'umask 000' \"TMOUT=0\"\nTMOUT=\\\n900\n");
    expect(p.map((t) => t.list[0].first.commands[0])).toMatchObject([
      { kind: 'simple', words: [{ value: 'cat' }] }, { kind: 'simple', words: [{ value: 'echo' }, { value: 'umask 000' }, { value: 'TMOUT=0' }] },
      { kind: 'simple', words: [{ value: 'TMOUT=900' }], line: 6 },
    ]);
  });

  it('stops at a syntax error, keeping the commands before it (an empty group is one)', () => {
    const p = parseShell('umask 027\n{ # nothing\n}\numask 000\n');
    expect(p).toHaveLength(2);
    expect(p[1].error).toMatch(/syntax error in the command starting at line 2/);
  });
});

describe('login shells as bash runs their start-up files', () => {
  it('the Ubuntu fixture sets neither: TMOUT unset, the umask login gave', () => {
    const r = evaluateLoginShells(ubuntu());
    for (const o of r.outcomes) { expect(tmouts(o)).toEqual([null]); expect(umasks(o)).toEqual(['inherited']); }
    expect(r.notes).toEqual([]);
  });

  it('a profile.d script: readonly, exported, later assignments refused', () => {
    const r = evaluateLoginShells(withFiles(ubuntu(), { '/etc/profile.d/a.sh': 'TMOUT=900; readonly TMOUT; export TMOUT\numask 027\n', '/etc/profile.d/b.sh': 'TMOUT=0\numask 0022\n' }));
    const [interactive, login] = r.outcomes;
    expect(tmouts(interactive)).toEqual(['900']);
    expect(interactive.readonly).toEqual([true]);
    expect(interactive.exported).toEqual([true]);
    expect(umasks(login)).toEqual(['022']);
  });

  it('statements inside if, case, functions and loops may or may not run; both branches of an if/else count', () => {
    const r = evaluateLoginShells(withFiles(ubuntu(), { '/etc/profile.d/a.sh': [
      'if [ "$(id -u)" -eq 0 ]; then umask 077; else umask 027; fi',
      'f() { TMOUT=300; }', 'case $USER in root) TMOUT=600 ;; esac',
    ].join('\n') }));
    expect(umasks(r.outcomes[1])).toEqual(['027', '077']);
    expect(tmouts(r.outcomes[0])).toEqual(['600', null]);
  });

  it('decides PS1 and login_shell: bash.bashrc runs for interactive login shells only', () => {
    const r = evaluateLoginShells(withFiles(ubuntu(), { '/etc/bash.bashrc': `${ubuntu().get('/etc/bash.bashrc')}\nreadonly TMOUT=600\n` }));
    expect(tmouts(r.outcomes[0])).toEqual(['600']);
    expect(tmouts(r.outcomes[1])).toEqual([null]);
  });

  it('ACL2: the shipped umask depends on the user; /etc/bashrc runs after /etc/profile; a profile.d script runs after both umask lines', () => {
    expect(umasks(evaluateLoginShells(acl2()).outcomes[1])).toEqual(['002', '022']);
    const r = evaluateLoginShells(withFiles(acl2(), { '/etc/profile.d/z.sh': 'umask 027\n', '/etc/bashrc': `${acl2().get('/etc/bashrc')}\nTMOUT=1800\n` }));
    for (const o of r.outcomes) expect(umasks(o)).toEqual(['027']);
    expect(tmouts(r.outcomes[0])).toEqual(['1800']);
  });

  it('a file sourced that the fact has not read makes every value unknown, with a note', () => {
    const r = evaluateLoginShells(withFiles(ubuntu(), { '/etc/profile.d/a.sh': 'umask 027\n. /opt/site/profile\n' }));
    expect(umasks(r.outcomes[1])).toContain(UNKNOWN);
    expect(r.notes.join('\n')).toMatch(/sources \/opt\/site\/profile: a file not read here/);
  });

  it('umask values as bash computes them', () => {
    expect(applyUmask(0o022, 'g-w,o=')).toBe(0o027);
    expect(applyUmask(0o022, 'u=rwx,g=rx,o=')).toBe(0o027);
    expect(applyUmask(0o022, '8')).toBeNull();
    expect(applyUmask(0o022, '0777')).toBe(0o777);
    expect(applyUmask('inherited', 'g-w')).toBe(UNKNOWN);
  });
});
