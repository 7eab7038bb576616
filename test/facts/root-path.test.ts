/**
 * root's login PATH worked out from files (src/facts/shell-root-path.ts): the PATHs a login gives root,
 * and the start-up files followed from each. Samples from the Ubuntu 18.04 and ACL2 fixtures; the
 * agreement with a real login shell is proven in test/differential/root-path.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILED_IN_ROOT_PATH, environmentPath, evaluateRootPath, loginPaths, testedPaths, type PathStats } from '../../src/facts/shell-root-path.js';
import { UNKNOWN } from '../../src/facts/shell-effective.js';
import { ensureAcl2Base, ensureUbuntuBase } from '../support/fixtures.js';

const SUPATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function systemFiles(root: string, extra: Record<string, string> = {}): Map<string, string> {
  const contents = new Map<string, string>();
  for (const f of ['/etc/profile', '/etc/bash.bashrc', '/etc/bashrc', '/etc/login.defs', '/etc/environment', '/etc/profile.d/sh.local',
    '/etc/profile.d/colorls.sh', '/etc/profile.d/lang.sh', '/root/.bash_profile', '/root/.bashrc', '/root/.profile']) {
    try { contents.set(f, readFileSync(path.join(root, f), 'utf8')); } catch { /* absent */ }
  }
  for (const [k, v] of Object.entries(extra)) contents.set(k, v);
  return contents;
}

const values = (r: ReturnType<typeof evaluateRootPath>, shell = 'a non-interactive login shell') =>
  [...new Set(r.outcomes.filter((o) => o.shell === shell).flatMap((o) => o.values.map((v) => v.value)))];

describe("root's login PATH from files", () => {
  it('reads PATH from /etc/environment as pam_env does (quotes, export, last line wins)', () => {
    expect(environmentPath('PATH="/usr/bin:/bin"\n')).toEqual({ value: '/usr/bin:/bin', line: 1 });
    expect(environmentPath('# PATH=/x\nexport PATH=/a\nPATH=\'/b:/c\'\n')).toEqual({ value: '/b:/c', line: 3 });
    expect(environmentPath('LANG=C\n')).toBeNull();
  });

  it('gives root ENV_SUPATH, or the compiled-in PATH, and the PATH of /etc/environment', () => {
    const withDefs = loginPaths(new Map([['/etc/login.defs', `ENV_SUPATH\tPATH=${SUPATH}\n`], ['/etc/environment', 'PATH="/usr/bin:/usr/games"\n']]), '/root');
    expect(withDefs.map((l) => l.value)).toEqual([SUPATH, '/usr/bin:/usr/games']);
    expect(withDefs[0].source).toMatch(/ENV_SUPATH in \/etc\/login.defs:1/);
    const none = loginPaths(new Map([['/etc/login.defs', 'UMASK 022\n']]), '/root');
    expect(none).toEqual([expect.objectContaining({ value: COMPILED_IN_ROOT_PATH })]);
  });

  it('does not decide a PATH that pam_env.conf or ~/.pam_environment sets', () => {
    const l = loginPaths(new Map([['/etc/security/pam_env.conf', '#PATH DEFAULT=/x\nPATH DEFAULT=${HOME}/bin\n'], ['/root/.pam_environment', 'PATH=/y\n']]), '/root');
    expect(l.filter((x) => x.value === null).map((x) => x.source)).toEqual(['/etc/security/pam_env.conf:2', '/root/.pam_environment:1']);
    const r = evaluateRootPath(new Map([['/etc/profile', '']]), '/root', l);
    expect(values(r)).toContain(UNKNOWN);
  });

  it('Ubuntu 18.04 as shipped: the login PATHs reach the prompt unchanged', () => {
    const files = systemFiles(ensureUbuntuBase());
    const r = evaluateRootPath(files, '/root', loginPaths(files, '/root'));
    expect(r.files).toEqual(['/etc/profile', '/root/.profile']);
    for (const shell of ['a non-interactive login shell', 'an interactive login shell']) {
      expect(values(r, shell)).toEqual([SUPATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games']);
    }
  });

  it("follows ~/.profile into ~/.bashrc (~ is root's home) and a PATH appended there", () => {
    const files = systemFiles(ensureUbuntuBase(), { '/root/.bashrc': 'PATH="$PATH:."\n' });
    const r = evaluateRootPath(files, '/root', [{ source: 'test', value: '/usr/bin' }]);
    expect(values(r)).toEqual(['/usr/bin:.']);
  });

  it('reads only the first of ~/.bash_profile, ~/.bash_login, ~/.profile', () => {
    const files = systemFiles(ensureUbuntuBase(), { '/root/.bash_login': 'PATH=/login\n', '/root/.profile': 'PATH=/profile\n' });
    const r = evaluateRootPath(files, '/root', [{ source: 'test', value: '/usr/bin' }]);
    expect(r.files).toEqual(['/etc/profile', '/root/.bash_login']);
    expect(values(r)).toEqual(['/login']);
  });

  it("ACL2 as shipped: /etc/profile's pathmunge for root, then ~/.bash_profile adds $HOME/.local/bin and $HOME/bin", () => {
    const files = systemFiles(ensureAcl2Base('stock'));
    const r = evaluateRootPath(files, '/root', loginPaths(files, '/root'));
    // pathmunge's case ":${PATH}:" in *:"$1":*) is decided: /usr/sbin and /usr/local/sbin are there already
    expect(values(r)).toEqual([`${COMPILED_IN_ROOT_PATH}:/root/.local/bin:/root/bin`]);
    // a PATH without them: pathmunge adds them (a function's assignments are also kept as possibly local)
    const other = evaluateRootPath(files, '/root', [{ source: 'test', value: '/bin:/usr/bin' }]);
    expect(values(other)).toContain('/usr/local/sbin:/usr/sbin:/bin:/usr/bin:/root/.local/bin:/root/bin');
    expect(values(other)).not.toContain(UNKNOWN);
  });

  it('a PATH built from something the files do not determine is not determined', () => {
    const r = evaluateRootPath(new Map([['/etc/profile', 'PATH="$(cat /etc/mypath)"\n']]), '/root', [{ source: 'test', value: '/usr/bin' }]);
    expect(values(r)).toEqual([UNKNOWN]);
    const s = evaluateRootPath(new Map([['/etc/profile', '. /opt/site/env.sh\n']]), '/root', [{ source: 'test', value: '/usr/bin' }]);
    expect(values(s)).toContain(UNKNOWN);
    expect(s.notes.join('\n')).toMatch(/sources \/opt\/site\/env.sh/);
  });

  it('a test of a literal path is decided from its stat (testedPaths), not taken both ways', () => {
    const profile = 'if [ -d /opt/x/bin ]; then PATH=$PATH:/opt/x/bin; fi\n[ -x "/usr/bin/id" ] && PATH=/id:$PATH\n';
    const files = new Map([['/etc/profile', profile]]);
    expect(testedPaths(files).sort()).toEqual(['/opt/x/bin', '/usr/bin/id']);
    const run = (stats: PathStats) => values(evaluateRootPath(files, '/root', [{ source: 't', value: '/usr/bin' }], stats));
    expect(run(new Map([['/opt/x/bin', null], ['/usr/bin/id', { type: 'f', mode: 0o755, size: 1 }]]))).toEqual(['/id:/usr/bin']);
    expect(run(new Map([['/opt/x/bin', { type: 'd', mode: 0o755, size: 0 }], ['/usr/bin/id', { type: 'f', mode: 0o644, size: 1 }]]))).toEqual(['/usr/bin:/opt/x/bin']);
    expect(run(new Map()).sort()).toEqual(['/id:/usr/bin', '/id:/usr/bin:/opt/x/bin', '/usr/bin', '/usr/bin:/opt/x/bin']);
  });

  it('unset, +=, export and an undecided branch', () => {
    const r = evaluateRootPath(new Map([['/etc/profile', 'export PATH=/a\nPATH+=:/b\nif [ -x /usr/bin/thing ]; then PATH=$PATH:/c; fi\n']]), '/root', [{ source: 't', value: '/x' }]);
    expect(values(r).sort()).toEqual(['/a:/b', '/a:/b:/c']);
    const u = evaluateRootPath(new Map([['/etc/profile', 'unset PATH\n']]), '/root', [{ source: 't', value: '/x' }]);
    expect(values(u)).toEqual([null]);
  });
});
