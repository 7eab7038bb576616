/**
 * parseEnvironmentFile against systemd's own env-file loader. systemd's environment.d generator
 * (30-systemd-environment-d-generator) reads $XDG_CONFIG_HOME/environment.d/*.conf with the loader that
 * EnvironmentFile= uses and prints the result as NAME=value lines: the host's (systemd 252, Debian 12)
 * and the Ubuntu 18.04 fixture's (systemd 237, run in a chroot of the fixture tree). fast-check writes
 * files with every kind of blank, quote, backslash, comment and line end; where the reader does not throw
 * CheckError, every variable of a small pool must be set or unset as the generator prints it.
 *
 * Two ways the generator differs from EnvironmentFile=, so the test keeps out of them or models them:
 * it expands $VAR and ${VAR} in values (EnvironmentFile= does not), so no generated input has a $; and it
 * ignores NAME= with an empty value ("invalid syntax") where EnvironmentFile= sets the empty value, so
 * the expected variables fold the reader's assignments without the empty ones (the reader's own NAME= is
 * tested in systemd-env-file.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { CheckError } from '../../src/model/verdict.js';
import { environmentFileAssignments } from '../../src/facts/systemd-env-file.js';

const GENERATOR = '/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator';
const POOL = ['CISBDD_A', 'CISBDD_B', 'DAEMON_OPTS', 'OPTIONS'];

const hostDir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-envfile-'));
const fixture = ensureUbuntuBase();
const fixtureDir = mkdtempSync(path.join(fixture, 'tmp', 'cis-bdd-envfile-'));
afterAll(() => {
  rmSync(hostDir, { recursive: true, force: true });
  rmSync(fixtureDir, { recursive: true, force: true });
});

interface Systemd { name: string; dir: string; run: () => ReturnType<typeof spawnSync> }
const RUN = { timeout: 10_000, killSignal: 'SIGKILL' as const, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], encoding: 'utf8' as const };
const SYSTEMDS: Systemd[] = [
  { name: 'host systemd 252', dir: hostDir, run: () => spawnSync(GENERATOR, [], { ...RUN, env: { XDG_CONFIG_HOME: hostDir } }) },
  {
    name: 'Ubuntu 18.04 systemd 237',
    dir: fixtureDir,
    run: () => spawnSync('/usr/sbin/chroot', [fixture, GENERATOR], { ...RUN, env: { XDG_CONFIG_HOME: `/${path.relative(fixture, fixtureDir)}` } }),
  },
];

const C_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v' };

/**
 * The generator's output: NAME=value lines, the value either bare or in double quotes where a backslash
 * quotes " \ ` $ ' and (252 only) writes control characters as \n \r \t \a \b \f \v or three octal digits;
 * 237 writes them raw, so a quoted value may span lines.
 */
function decodeGeneratorOutput(out: string): Map<string, string> {
  const vars = new Map<string, string>();
  let i = 0;
  const fail = (why: string): never => { throw new Error(`generator output at ${i}: ${why}: ${JSON.stringify(out.slice(i, i + 40))}`); };
  while (i < out.length) {
    const eq = out.indexOf('=', i);
    if (eq < 0) fail('a line without =');
    const name = out.slice(i, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail('not a variable name');
    i = eq + 1;
    let value = '';
    if (out[i] === '"') {
      for (i++; ; i++) {
        if (i >= out.length) fail('an open quote');
        const c = out[i];
        if (c === '"') { i++; break; }
        if (c !== '\\') { value += c; continue; }
        const e = out[++i];
        if (e !== undefined && '"\\`$\''.includes(e)) value += e;
        else if (e !== undefined && e in C_ESCAPES) value += C_ESCAPES[e];
        else if (/^[0-7]{3}$/.test(out.slice(i, i + 3))) { value += String.fromCharCode(parseInt(out.slice(i, i + 3), 8)); i += 2; }
        else fail('an unknown escape');
      }
    } else {
      const end = out.indexOf('\n', i);
      value = out.slice(i, end < 0 ? out.length : end);
      if (/["'\\\s]/.test(value)) fail('a bare value with a quote, backslash or blank');
      i += value.length;
    }
    if (out[i] !== '\n') fail('no newline after the value');
    i++;
    vars.set(name, value);
  }
  return vars;
}

/** the pool's variables as one systemd reads the file */
function systemd(s: Systemd, text: string): Map<string, string> {
  mkdirSync(path.join(s.dir, 'environment.d'), { recursive: true });
  writeFileSync(path.join(s.dir, 'environment.d', '50-cisbdd.conf'), text);
  const r = s.run();
  if (r.error) throw r.error;
  expect(r.status, `${s.name}: ${String(r.stderr)}`).toBe(0);
  const all = decodeGeneratorOutput(String(r.stdout));
  return new Map(POOL.filter((n) => all.has(n)).map((n) => [n, all.get(n)!]));
}

/** each pool name's values in the reader's order */
function ours(text: string): Map<string, string[]> | 'CheckError' {
  try {
    const vars = new Map<string, string[]>();
    for (const a of environmentFileAssignments(text, '/etc/default/chrony')) if (POOL.includes(a.name)) vars.set(a.name, [...(vars.get(a.name) ?? []), a.value]);
    return vars;
  } catch (e) {
    if (e instanceof CheckError) return 'CheckError';
    throw e;
  }
}

/**
 * What the generator may print for a name the reader assigned these values: the last one, except that the
 * generator ignores an assignment whose value never got a character (NAME=, NAME="", but not NAME=\<newline>
 * followed by blanks, which end up dropped): so where the last value is empty, it may also print the last
 * non-empty value, or nothing.
 */
function generatorMayPrint(values: string[] | undefined): (string | undefined)[] {
  if (!values?.length) return [undefined];
  const last = values[values.length - 1];
  if (last !== '') return [last];
  return ['', values.filter((v) => v !== '').pop()];
}

const word = fc.stringMatching(/^[a-z0-9_.:,+/=-]{1,5}$/);
const blanks = fc.constantFrom('', ' ', '  ', '\t', ' \t');
const lineEnd = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r');
const poolName = fc.constantFrom(...POOL);
const invalidName = fc.constantFrom('1A', 'A-B', 'export CISBDD_A', 'CISBDD_A B', '=CISBDD_A', 'CISBDD_A"', 'A.B', 'CISBDD_A\\');

// plain: no raw line end inside quotes (a value with a control character: an error, as systemd before 239
// refuses it), no backslash in single quotes, no odd escape in double quotes
const sqInner = (plain: boolean) => fc.array(fc.oneof(word, fc.constantFrom(' ', '"', '#', ';', ' # x', ...(plain ? [] : ['\n', '\r', '\r\n', '\\', '\\\\', "\\'"]))), { maxLength: 4 }).map((a) => a.join(''));
const dqInner = (plain: boolean) => fc.array(fc.oneof(word, fc.constantFrom(' ', '\\"', '\\\\', '\\`', "'", '#', ';', '\\\n', '\t', ...(plain ? [] : ['\n', '\r', '\\x', '\\n', '\\ ', '\\\r\n']))), { maxLength: 4 }).map((a) => a.join(''));
const piece = (plain: boolean) => fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 3, arbitrary: fc.constantFrom(' ', '  ', '\t', ';', '#', ' # note', '; CISBDD_B=c', 'a"b"', "a'b'") },
  { weight: 3, arbitrary: dqInner(plain).map((s) => `"${s}"`) },
  { weight: 2, arbitrary: sqInner(plain).map((s) => `'${s}'`) },
  { weight: 2, arbitrary: fc.constantFrom('\\\\', '\\"', '\\ ', "\\'", '\\#', '\\x', '\\\n', '\\\t', ' \\\n  ') },
  // a backslash before CR LF removes the CR only, so the LF ends the value and what follows is a line of its own
  // (in plain files always followed by an assignment, so no comment line ending in a backslash comes of it)
  { weight: 1, arbitrary: fc.constantFrom('\\\r\nCISBDD_B=d', ...(plain ? [] : ['\\\r\n'])) },
  ...(plain ? [] : [{ weight: 1, arbitrary: fc.constantFrom('"open', "'open", '\\') }]),
);
const value = (plain: boolean) => fc.array(piece(plain), { maxLength: 4 }).map((a) => a.join(''));
const assignment = (plain: boolean) => fc.tuple(blanks, fc.oneof({ weight: 5, arbitrary: poolName }, { weight: 1, arbitrary: invalidName }), blanks, blanks, value(plain), fc.constantFrom('', ' ', '\t', ...(plain ? [] : ['\\', ' \\'])))
  .map(([b, n, b1, b2, v, t]) => `${b}${n}${b1}=${b2}${v}${t}`);
const comment = (plain: boolean) => fc.tuple(blanks, fc.constantFrom('#', ';'), fc.constantFrom(' note', 'CISBDD_A=commented', '', ' a \\\\', ...(plain ? [] : [' cont \\', '\\'])))
  .map(([b, c, t]) => `${b}${c}${t}`);
const other = fc.constantFrom('', ' ', '\t', 'zz', ' not an assignment', 'CISBDD_A', '"CISBDD_A"=x', 'CISBDD_A\\', '=');
const line = (plain: boolean) => fc.oneof({ weight: 6, arbitrary: assignment(plain) }, { weight: 2, arbitrary: comment(plain) }, { weight: 2, arbitrary: other });
const fileText = (plain: boolean) => fc.tuple(fc.array(fc.tuple(line(plain), lineEnd), { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([ls, end]) => {
    const text = ls.map(([l, e]) => l + e).join('');
    return end ? text : text.replace(/[\r\n]+$/, '');
  });

function agrees(text: string, counts: { threw: number; read: number }): void {
  const got = ours(text);
  if (got === 'CheckError') { counts.threw++; return; }
  counts.read++;
  for (const s of SYSTEMDS) {
    const theirs = systemd(s, text);
    for (const n of POOL) expect(generatorMayPrint(got.get(n)), `${s.name}, ${n} on ${JSON.stringify(text)}`).toContain(theirs.get(n));
  }
}

describe('the generator output decoder', () => {
  it('reads bare and quoted values, 252 escapes and 237 raw control characters', () => {
    expect(decodeGeneratorOutput('A=x\nB="a  b ; c"\nC="x\\\\y\\"z\\n w"\nD="a\\033b\\t"\nE="raw\nline\r"\nF=\n')).toEqual(new Map([
      ['A', 'x'], ['B', 'a  b ; c'], ['C', 'x\\y"z\n w'], ['D', 'a\x1bb\t'], ['E', 'raw\nline\r'], ['F', ''],
    ]));
    for (const bad of ['A="x\n', 'A=x', 'A="\\q"\n', 'A=a b\n', 'no equals\n']) expect(() => decodeGeneratorOutput(bad), bad).toThrow();
  });
});

describe('parseEnvironmentFile against systemd\'s env-file loader', () => {
  it.each(SYSTEMDS)('$name runs here', (s) => {
    expect(existsSync(s === SYSTEMDS[0] ? GENERATOR : path.join(fixture, GENERATOR))).toBe(true);
    expect(systemd(s, 'CISBDD_A= a b ; c \nCISBDD_B=\n')).toEqual(new Map([['CISBDD_A', 'a b ; c']]));
  });

  it('reads every variable as systemd does, or throws CheckError', () => {
    const counts = { threw: 0, read: 0 };
    fc.assert(fc.property(fileText(false), (t) => agrees(t, counts)), { numRuns: 400 });
    // both outcomes must be common, or the generator tests little
    expect(counts.read).toBeGreaterThan(150);
    expect(counts.threw).toBeGreaterThan(40);
  });

  it('never throws on files without open quotes, line ends inside quotes, backslashes in single quotes, odd escapes in double quotes or comments ending in a backslash', () => {
    const counts = { threw: 0, read: 0 };
    fc.assert(fc.property(fileText(true), (t) => {
      expect(ours(t), JSON.stringify(t)).not.toBe('CheckError');
      agrees(t, counts);
    }), { numRuns: 300 });
    expect(counts.threw).toBe(0);
  });

  it('throws where 237 and 252 disagree, and they do disagree there', () => {
    const text = 'CISBDD_A="x\\y"\n';
    expect(systemd(SYSTEMDS[0], text).get('CISBDD_A')).toBe('x\\y');
    expect(systemd(SYSTEMDS[1], text).get('CISBDD_A')).toBe('xy');
    expect(ours(text)).toBe('CheckError');
  });

  it('throws on a backslash inside single quotes, which 237 reads as an escape and 252 keeps', () => {
    const text = "CISBDD_A='a\\'b'\nCISBDD_B='\\x'\n";
    expect(systemd(SYSTEMDS[0], text)).toEqual(new Map([['CISBDD_A', 'a\\b\''], ['CISBDD_B', '\\x']]));
    expect(systemd(SYSTEMDS[1], text)).toEqual(new Map([['CISBDD_A', "a'b"], ['CISBDD_B', 'x']]));
    expect(ours(text)).toBe('CheckError');
  });

  it('throws on a comment ending in a backslash, which both continue onto the next line (systemd 254 and later do not)', () => {
    const text = '# note \\\nCISBDD_A=x\n';
    for (const s of SYSTEMDS) expect(systemd(s, text).has('CISBDD_A'), s.name).toBe(false);
    expect(ours(text)).toBe('CheckError');
  });
});
