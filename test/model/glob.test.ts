/**
 * The one glob helper (src/model/glob.ts): fnmatch's wildcards, sets and classes; FNM_PATHNAME and
 * FNM_PERIOD as sh expands a file name pattern. Besides the examples, a differential test asks the real
 * program: dash's `case` (a whole-string match, where `/` is an ordinary character) and dash's pathname
 * expansion in a directory of generated names (leading dots included), for generated patterns.
 * Not generated: a backslash (the helper takes it literally, as the transports quote it for sh) and `^`
 * first in a set (dash takes it as a member, glibc's fnmatch and bash as a negation: the helper negates).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { globMatch, globToRegExp, hasWildcard } from '../../src/model/glob.js';

describe('glob patterns', () => {
  it('* ? and sets, over the whole text', () => {
    expect(globMatch('hfs*', 'hfsplus')).toBe(true);
    expect(globMatch('cram?fs', 'cram_fs')).toBe(true);
    expect(globMatch('udf', 'udf2')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('[hj]*', 'jffs2')).toBe(true);
    expect(globMatch('[!h]*', 'hfs')).toBe(false);
    expect(globMatch('[^h]*', 'hfs')).toBe(false);
    expect(globMatch('[^h]*', 'jffs2')).toBe(true);
    expect(globMatch('[a-c]x', 'bx')).toBe(true);
    expect(globMatch('[a-c]x', 'dx')).toBe(false);
    expect(globMatch('[z-a]', 'b')).toBe(false);
    expect(globMatch('[!z-a]', 'b')).toBe(true);
    expect(globMatch('[[:digit:]][[:alpha:]]', '1a')).toBe(true);
    expect(globMatch('[[:digit:]][[:alpha:]]', 'a1')).toBe(false);
  });

  it('a ] first in a set is a member; a [ without its ] is itself; regex characters are literal', () => {
    expect(globMatch('[]]', ']')).toBe(true);
    expect(globMatch('[!]]', ']')).toBe(false);
    expect(globMatch('[!]]', 'a')).toBe(true);
    expect(globMatch('a[', 'a[')).toBe(true);
    expect(globMatch('[a', 'a')).toBe(false);
    expect(globMatch('(a|b)+.$', '(a|b)+.$')).toBe(true);
    expect(globMatch('a\\b', 'a\\b')).toBe(true);
  });

  it('without pathname, wildcards match / and newlines (a waiver scope over URIs, a module name)', () => {
    expect(globMatch('ssh://*@bastion-*', 'ssh://ops@bastion-1')).toBe(true);
    expect(globMatch('ssh://*@bastion-*', 'docker://bastion-1')).toBe(false);
    expect(globMatch('docker://*', 'docker://a/b')).toBe(true);
    expect(globMatch('a?b', 'a\nb')).toBe(true);
  });

  it('with pathname, no wildcard or set matches /; with period, a leading dot only a literal one', () => {
    const o = { pathname: true, period: true };
    expect(globMatch('/etc/profile.d/*.sh', '/etc/profile.d/a.sh', o)).toBe(true);
    expect(globMatch('/etc/profile.d/*.sh', '/etc/profile.d/x/a.sh', o)).toBe(false);
    expect(globMatch('/etc/profile.d/*.sh', '/etc/profile.d/.a.sh', o)).toBe(false);
    expect(globMatch('/etc/profile.d/*.sh', '/etc/profile.d/.a.sh', { pathname: true })).toBe(true);
    expect(globMatch('/etc/profile.d/.*', '/etc/profile.d/.a.sh', o)).toBe(true);
    expect(globMatch('[.]a', '.a', o)).toBe(false);
    expect(globMatch('a[/]b', 'a/b', { pathname: true })).toBe(false);
    expect(globMatch('a[!x]b', 'a/b', { pathname: true })).toBe(false);
    expect(globMatch('a*', 'a.b', o)).toBe(true);
    expect(globToRegExp('/boot/efi/EFI/*/grub.cfg', { pathname: true }).test('/boot/efi/EFI/a/b/grub.cfg')).toBe(false);
  });

  it('tells a pattern from a plain path', () => {
    expect(['/etc/a', '/etc/*', '/etc/a?', '/etc/[ab]'].map(hasWildcard)).toEqual([false, true, true, true]);
  });
});

const PATTERN_CHARS = ['a', 'b', '.', '/', '-', '*', '?', '[', ']', '!', ':', '0', '[:digit:]', '[:alpha:]'];
const TEXT_CHARS = ['a', 'b', '.', '/', '-', '[', ']', '!', ':', '0', '^'];
const pattern = fc.array(fc.constantFrom(...PATTERN_CHARS), { minLength: 1, maxLength: 7 }).map((a) => a.join(''))
  // dash takes ^ first in a set as a member, fnmatch as a negation: left out (see the file's comment)
  .filter((p) => !/\[!?\^/.test(p));

function dashCase(p: string, s: string): boolean {
  const r = spawnSync('dash', ['-c', 'case $1 in $2) exit 0;; *) exit 1;; esac', 'dash', s, p], { timeout: 5000 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`dash failed: ${r.stderr}`);
  return r.status === 0;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-glob-'));
const NAMES = ['a', 'b', 'ab', 'a.b', '.a', '.b', '..a', 'a-b', '-', ']', '[', '[a', 'a]', '!a', ':', '0a', 'a0', 'b:a', '[a]', 'aa.'];
for (const n of NAMES) writeFileSync(path.join(dir, n), '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The names of `dir` that dash's pathname expansion gives for the pattern. */
function dashExpand(p: string): string[] {
  const r = spawnSync('dash', ['-c', 'cd "$1" && for f in $2; do printf "%s\\0" "$f"; done', 'dash', dir, p], { timeout: 5000, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dash failed: ${r.stderr}`);
  const out = r.stdout.split('\0').slice(0, -1).filter((n) => n !== '.' && n !== '..');
  // a pattern that matches nothing stays as it is
  return out.length === 1 && out[0] === p && !NAMES.includes(p) ? [] : out.sort();
}

describe('differential: the helper and dash agree', () => {
  it('on whole-string matches (case), 400 generated pattern and text pairs', () => {
    const text = fc.array(fc.constantFrom(...TEXT_CHARS), { maxLength: 6 }).map((a) => a.join(''));
    fc.assert(fc.property(pattern, text, (p, s) => {
      expect(globMatch(p, s), `pattern ${JSON.stringify(p)} text ${JSON.stringify(s)}`).toBe(dashCase(p, s));
    }), { numRuns: 400, seed: 1515 });
  });

  it('on the names a pattern expands to in a directory (pathname and period), 300 generated patterns', () => {
    const component = pattern.filter((p) => !p.includes('/'));
    fc.assert(fc.property(component, (p) => {
      const ours = NAMES.filter((n) => globMatch(p, n, { pathname: true, period: true })).sort();
      expect(ours, `pattern ${JSON.stringify(p)}`).toEqual(dashExpand(p));
    }), { numRuns: 300, seed: 1516 });
  });
});
