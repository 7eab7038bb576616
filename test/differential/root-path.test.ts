/**
 * Differential test of root's login PATH worked out from files (src/facts/shell-root-path.ts) against the
 * real bash of the Ubuntu 18.04 fixture and of the ACL2 fixture, with their own /etc/profile and
 * /etc/profile.d: fast-check writes root's start-up files (~/.bash_profile, ~/.bash_login, ~/.profile,
 * ~/.bashrc, with PATH assignments in many forms, nested in if, functions, && and ||, with early returns,
 * tildes, $HOME, unset and +=, tests of paths the fact stats) and picks the PATH login gives; bash, a login shell of root started in a
 * chroot of an overlay with `env -i HOME=/root ... PATH=<login's> bash -lc` (and -lic), says the PATH it
 * ends with. bash's PATH must be one of those cis-bdd allows, and when cis-bdd allows one only, it must be
 * bash's. Nothing logs in and nothing runs on the host: the shells run only inside the chroot.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureAcl2Base, ensureUbuntuBase, layerApi, withOverlay, type Layer } from '../support/fixtures.js';
import { evaluateRootPath, testedPaths, type PathStats } from '../../src/facts/shell-root-path.js';
import { UNKNOWN } from '../../src/facts/shell-effective.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 20261207;
const ROOT_FILES = ['.bash_profile', '.bash_login', '.profile', '.bashrc'];

const dir = fc.constantFrom('/usr/local/bin', '/opt/tools/bin', '.', '', 'bin', '$HOME/bin', '~/bin', '${HOME}/.local/bin', '/snap/bin');
const pathValue = fc.oneof(
  fc.tuple(fc.array(dir, { maxLength: 2 }), fc.constantFrom('$PATH', '${PATH}'), fc.array(dir, { maxLength: 2 }))
    .map(([a, p, b]) => [...a, p, ...b].join(':')),
  fc.array(dir, { minLength: 1, maxLength: 3 }).map((a) => a.join(':')),
);
const quoted = (v: string, q: number) => (q === 1 ? `"${v}"` : q === 2 && !/\$/.test(v) ? `'${v}'` : v);
const leaf = fc.oneof(
  fc.tuple(pathValue, fc.integer({ min: 0, max: 2 })).map(([v, q]) => `PATH=${quoted(v, q)}`),
  fc.tuple(pathValue, fc.integer({ min: 0, max: 2 })).map(([v, q]) => `export PATH=${quoted(v, q)}`),
  fc.tuple(pathValue, fc.integer({ min: 0, max: 1 })).map(([v, q]) => `declare -x PATH=${quoted(v, q)}`),
  dir.map((d) => `PATH+=":${d}"`),
  fc.constantFrom('export PATH', 'unset PATH', 'echo "PATH=/nowhere" >/dev/null', ': PATH=/nowhere', 'mesg n 2>/dev/null || true'),
);
const statement: fc.Arbitrary<string> = fc.letrec((tie) => ({
  s: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf, leaf, leaf,
    fc.tuple(tie('s'), tie('s')).map(([a, b]) => `${a}\n${b}`),
    tie('s').map((a) => `if [ "$BASH" ]; then\n  ${a}\nfi`),
    tie('s').map((a) => `if [ "$EUID" = "0" ]; then\n  ${a}\nfi`),
    tie('s').map((a) => `if [ -n "$PS1" ]; then\n  ${a}\nfi`),
    tie('s').map((a) => `if [ -d /opt/tools ]; then\n  ${a}\nfi`),
    tie('s').map((a) => `[ -x /usr/bin/id ] && {\n${a}\n}`),
    tie('s').map((a) => `if [ ! -e /etc/nonexistent.conf ]; then\n  ${a}\nfi`),
    fc.tuple(tie('s'), tie('s')).map(([a, b]) => `if [ "$(id -u)" -eq 0 ]; then\n  ${a}\nelse\n  ${b}\nfi`),
    fc.tuple(tie('s'), fc.boolean()).map(([a, call]) => `rootfn() {\n  ${a}\n}${call ? '\nrootfn' : ''}`),
    fc.tuple(dir, fc.boolean()).map(([d, after]) => `addpath() {\n  case ":\${PATH}:" in\n    *:"$1":*) ;;\n    *) if [ "$2" = "after" ]; then PATH=$PATH:$1; else PATH=$1:$PATH; fi\n  esac\n}\naddpath ${d || '/opt/x'}${after ? ' after' : ''}`),
    tie('s').map((a) => `true && {\n${a}\n}`),
    fc.constant('[ -z "$PS1" ] && return'),
  ),
})).s;
/** A profile file may source ~/.bashrc (the .bashrc sources nothing, so no file sources itself). */
const sourceBashrc = fc.constantFrom('', '[ -f ~/.bashrc ] && . ~/.bashrc', 'if [ -f "$HOME/.bashrc" ]; then\n  . "$HOME/.bashrc"\nfi', 'source ~/.bashrc');

interface Case { files: Array<string | null>; login: string; tools: boolean }
const caseArb: fc.Arbitrary<Case> = fc.record({
  files: fc.tuple(
    ...[0, 1, 2].map(() => fc.option(fc.tuple(statement, sourceBashrc, statement).map(([a, s, b]) => `${a}\n${s}\n${b}`), { nil: null, freq: 2 })),
    fc.option(statement, { nil: null, freq: 3 }),
  ),
  tools: fc.boolean(),
  login: fc.constantFrom('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '/usr/bin:/bin', '/sbin:/bin:.', '/usr/bin::/bin', '/usr/sbin:/usr/bin:/usr/games:/usr/local/games'),
});

const START = 'ROOTPATH<';
const END = '>ROOTPATH';

function write(layer: Layer, c: Case): Map<string, string> {
  const own = new Map<string, string>();
  layer.remove('/opt/tools');
  if (c.tools) layer.mkdir('/opt/tools');
  ROOT_FILES.forEach((f, i) => {
    layer.remove(`/root/${f}`);
    const text = c.files[i];
    if (text !== null) { layer.write(`/root/${f}`, `${text}\n`, 0o644); own.set(`/root/${f}`, `${text}\n`); }
  });
  return own;
}

/** The PATH root's login shell ends with, non-interactive and interactive. */
function runBash(root: string, login: string): { login: string; interactive: string } {
  const env = `env -i HOME=/root USER=root LOGNAME=root TERM=dumb SHELL=/bin/bash PATH='${login}'`;
  const probe = `printf "${START}%s${END}" "$PATH"`;
  const script = `cd /\n${env} /bin/bash -lc '${probe}' </dev/null; echo\n${env} /bin/bash -lic '${probe}' </dev/null; echo`;
  const out = execFileSync('timeout', ['60', 'chroot', root, '/bin/sh', '-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const seen = [...out.matchAll(/ROOTPATH<([^>]*)>ROOTPATH/g)].map((m) => m[1]);
  expect(seen.length, out).toBe(2);
  return { login: seen[0], interactive: seen[1] };
}

const DISTROS = [
  { name: 'the Ubuntu 18.04 fixture (bash 4.4)', base: ensureUbuntuBase },
  { name: 'the ACL2 fixture (its bash; /etc/profile with pathmunge)', base: () => ensureAcl2Base('stock') },
];

describe.each(DISTROS)("differential: root's login PATH against bash -l in $name", (d) => {
  it(`agrees with bash on ${RUNS} generated sets of root's start-up files`, async () => {
    const base = d.base();
    const system = new Map<string, string>();
    const profileD = execFileSync('find', [path.join(base, 'etc/profile.d'), '-maxdepth', '1', '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const p of ['/etc/profile', '/etc/bash.bashrc', '/etc/bashrc', '/etc/locale.conf', ...profileD.map((f) => f.slice(base.length))]) {
      try { system.set(p, readFileSync(path.join(base, p), 'utf8')); } catch { /* absent */ }
    }
    let runs = 0;
    let certain = 0;
    let failure: unknown = null;
    await withOverlay(base, () => {}, async (root) => {
      try {
        const layer = layerApi(root);
        fc.assert(fc.property(caseArb, (c) => {
          const contents = new Map([...system, ...write(layer, c)]);
          // the paths the files test, stat'ed in the chroot as the fact stats them on the target
          const stats: PathStats = new Map(testedPaths(contents).map((p) => {
            try { const st = statSync(path.join(root, p)); return [p, { type: st.isDirectory() ? 'd' : st.isFile() ? 'f' : 'o', mode: st.mode & 0o7777, size: st.size }]; } catch { return [p, null]; }
          }));
          const model = evaluateRootPath(contents, '/root', [{ source: 'test', value: c.login }], stats);
          const real = runBash(root, c.login);
          runs += 2;
          for (const [label, seen] of [['a non-interactive login shell', real.login], ['an interactive login shell', real.interactive]] as const) {
            const allowed = model.outcomes.filter((o) => o.shell === label).flatMap((o) => o.values.map((v) => (v.value === null ? '' : v.value)));
            if (!allowed.includes(seen) && !allowed.includes(UNKNOWN)) {
              throw new Error(`${label}: bash ends with PATH ${JSON.stringify(seen)}, cis-bdd allows ${JSON.stringify([...new Set(allowed)])}`);
            }
            if (allowed.includes(UNKNOWN)) throw new Error(`${label}: cis-bdd does not determine the PATH (bash: ${JSON.stringify(seen)}); every generated statement is one it should follow`);
            if (new Set(allowed).size === 1) certain++;
          }
        }), { seed: SEED, numRuns: RUNS });
      } catch (e) { failure = e; }
    });
    if (failure) throw failure;
    console.log(`differential root's login PATH, ${d.name} (env -i ... bash -lc and -lic in a chroot): ${RUNS} cases, ${runs} bash runs (root's login shells), ${certain} of them with one certain PATH, 0 disagreements`);
  }, 1_800_000);
});
