/**
 * parseShellAssignments against the real shell. ufw's boot script sources /etc/default/ufw and
 * /etc/ufw/ufw.conf with `. FILE` in /bin/sh, which is dash: on this machine (the host's `sh`) and on the
 * Ubuntu 18.04 fixture (its bin/dash, 0.5.8, run here directly: it needs only libc). fast-check writes
 * files of assignments with every kind of quoting, comments, `;`, commands and expansions; each dash
 * sources the file and prints the variables of a small pool. Where the reader does not throw CheckError,
 * every variable of the pool must be set or unset as in dash, with the same value; where dash failed or
 * complained (ufw-init runs with `set -e`, so a failing command stops it), the reader must have thrown.
 *
 * Safety, as sourcing runs commands: PATH is empty (only builtins can run; an empty PATH searches the
 * working directory, an empty temporary directory), no generated word is a builtin or keyword, no
 * fragment has a redirection, &, |, ( or ), every run has a timeout and no stdin.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { CheckError } from '../../src/model/verdict.js';
import { parseShellAssignments } from '../../src/facts/shell-assignments.js';

const POOL = ['A', 'B', 'ENABLED', 'IPT_SYSCTL'];
const SHELLS = [{ name: 'host sh (dash)', path: '/bin/sh' }, { name: 'Ubuntu 18.04 dash', path: path.join(ensureUbuntuBase(), 'bin/dash') }];

const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-shellvars-'));
const cwd = path.join(dir, 'cwd');
mkdirSync(cwd);
const FILE = path.join(dir, 'vars');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REPORT = `. "$1"
for n in ${POOL.join(' ')}; do eval "s=\\\${$n+set} v=\\\${$n-}"; printf '%s\\0%s\\0%s\\0' "$n" "$s" "$v"; done
printf 'end\\0'`;

interface ShellResult { ok: boolean; complained: string; vars: Map<string, string> }

function source(shell: string, text: string): ShellResult {
  writeFileSync(FILE, text);
  const r = spawnSync(shell, ['-c', REPORT, 'sh', FILE], { cwd, env: { PATH: '' }, timeout: 5000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) throw r.error;
  const parts = r.stdout.split('\0');
  const vars = new Map<string, string>();
  const ok = r.status === 0 && parts[POOL.length * 3] === 'end';
  if (ok) for (let k = 0; k < POOL.length; k++) if (parts[3 * k + 1] === 'set') vars.set(parts[3 * k], parts[3 * k + 2]);
  return { ok, complained: r.stderr, vars };
}

function ours(text: string): Map<string, string> | 'CheckError' {
  try {
    const m = parseShellAssignments(text, '/etc/default/ufw');
    return new Map(POOL.filter((n) => m.has(n)).map((n) => [n, m.get(n)!.value]));
  } catch (e) {
    if (e instanceof CheckError) return 'CheckError';
    throw e;
  }
}

// dash's builtins and reserved words: never a generated word, so no command but "not found" can run
const BUILTINS = new Set(('. : [ alias bg break cd chdir command continue echo eval exec exit export false fc fg getopts hash jobs kill '
  + 'let local printf pwd read readonly return set shift source test times trap true type ulimit umask unalias unset wait '
  + '! case do done elif else esac fi for function if in select then until while { } [[ ]] time').split(' '));
const word = fc.stringMatching(/^[a-z0-9_][a-z0-9_.:=,+-]{0,5}$/).filter((w) => !BUILTINS.has(w));
const blanks = fc.constantFrom('', ' ', '  ', '\t');
const name = fc.constantFrom(...POOL);

const dqInner = fc.array(fc.oneof(word, fc.constantFrom(' ', '\\"', '\\\\', '\\$', '\\x', '\\\n', "'", '#', ';', '\n', '$OTHER', '`q`')), { maxLength: 4 }).map((a) => a.join(''));
const sqInner = fc.array(fc.oneof(word, fc.constantFrom(' ', '"', '\\', '\\\\', '$OTHER', '#', ';', '\n')), { maxLength: 4 }).map((a) => a.join(''));
const fragment = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 3, arbitrary: fc.constantFrom('yes', 'no', 'YES', 'Yes', '/etc/ufw/sysctl.conf') },
  { weight: 3, arbitrary: dqInner.map((s) => `"${s}"`) },
  { weight: 2, arbitrary: sqInner.map((s) => `'${s}'`) },
  { weight: 2, arbitrary: fc.constantFrom('a\\ b', '\\#', '\\\\', '\\"', "\\'", '\\x', '\\\n') },
  { weight: 1, arbitrary: word.map((w) => ` ${w}`) },
  { weight: 1, arbitrary: fc.constantFrom(' # a comment', ' #', '#b', '*', '~', '=') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(';', '; ', ' ; '), name, word).map(([s, n, w]) => `${s}${n}=${w}`) },
  { weight: 1, arbitrary: fc.constantFrom('$OTHER', '${OTHER}', '`q`', '$', '"', "'") },
);
const assignmentLine = fc.tuple(blanks, fc.constantFrom('', '', 'export '), name, fc.array(fragment, { maxLength: 4 }), fc.constantFrom('', '', '', '\r', ' ', ' # end'))
  .map(([b, e, n, fs, end]) => `${b}${e}${n}=${fs.join('')}${end}`);
const line = fc.oneof(
  { weight: 6, arbitrary: assignmentLine },
  { weight: 1, arbitrary: blanks.map((b) => `${b}# ${'A=commented'}`) },
  { weight: 1, arbitrary: blanks },
  { weight: 1, arbitrary: fc.tuple(name, word).map(([n, w]) => `export ${n} ${n === 'A' ? '' : w}`) },
  { weight: 1, arbitrary: fc.constantFrom('zz', ' not an assignment', '\r', ';', 'A=1 B=2', '"A"=x', 'A\\=x') },
);
const fileText = fc.tuple(fc.array(line, { minLength: 1, maxLength: 6 }), fc.boolean()).map(([ls, nl]) => ls.join('\n') + (nl ? '\n' : ''));

/** only NAME=word, NAME="word", NAME='word' (with blanks inside the quotes), comments and blank lines */
const plainLine = fc.oneof(
  fc.tuple(blanks, fc.constantFrom('', 'export '), name, fc.oneof(word, fc.constantFrom('')), fc.constantFrom('', "'", '"'), fc.constantFrom('', ' # note'))
    .map(([b, e, n, w, q, c]) => `${b}${e}${n}=${q}${q && w ? `${w} ${w}` : w}${q}${c}`),
  blanks.map((b) => `${b}# ENABLED=yes`),
  blanks,
);
const plainText = fc.array(plainLine, { maxLength: 6 }).map((ls) => `${ls.join('\n')}\n`);

/** the property for one file; counts how often the reader threw */
function agrees(text: string, counts: { threw: number; read: number }) {
  const got = ours(text);
  if (got === 'CheckError') { counts.threw++; return; }
  counts.read++;
  for (const sh of SHELLS) {
    const want = source(sh.path, text);
    expect(want.ok && want.complained === '', `${sh.name} failed or complained (${want.complained.trim()}), the reader did not throw, on ${JSON.stringify(text)}`).toBe(true);
    expect(Object.fromEntries(got), `${sh.name} on ${JSON.stringify(text)}`).toEqual(Object.fromEntries(want.vars));
  }
}

describe('parseShellAssignments against dash', () => {
  it.each(SHELLS)('$name runs here', ({ path: p }) => {
    expect(existsSync(p)).toBe(true);
    expect(source(p, 'A=x\n').vars).toEqual(new Map([['A', 'x']]));
  });

  it('reads every variable as dash leaves it after sourcing, or throws CheckError', () => {
    const counts = { threw: 0, read: 0 };
    fc.assert(fc.property(fileText, (t) => agrees(t, counts)), { numRuns: 400 });
    // both outcomes must be common, or the generator tests little
    expect(counts.read).toBeGreaterThan(60);
    expect(counts.threw).toBeGreaterThan(60);
  });

  it('never throws on plain files (NAME=word, NAME="..." , NAME=\'...\', comments), and reads them as dash does', () => {
    const counts = { threw: 0, read: 0 };
    fc.assert(fc.property(plainText, (t) => {
      expect(ours(t), JSON.stringify(t)).not.toBe('CheckError');
      agrees(t, counts);
    }), { numRuns: 200 });
    expect(counts.threw).toBe(0);
  });

  it('agrees on the cases that once were wrong', () => {
    const counts = { threw: 0, read: 0 };
    for (const t of ['A="a\\"b"\n', 'A=a\\ b\n', 'A=b; B=c\n', 'A="a"\'b\'c\n', 'A=yes\r\n', 'A="x\\y"\n', 'A=a#b\n', 'A=\'x\ny\'\n']) agrees(t, counts);
    expect(counts).toEqual({ threw: 0, read: 8 });
    for (const t of ['A=a b\n', 'A=$OTHER\n', 'A=`q`\n', 'A="x\n', 'export A=*\n']) expect(ours(t), t).toBe('CheckError');
  });
});
