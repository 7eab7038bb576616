/**
 * Differential test of the login shell evaluation (src/facts/shell-login.ts) against the real bash of the
 * Ubuntu 18.04 fixture (4.4) and of the ACL2 fixture (Red Hat wiring: /etc/profile, then /etc/bashrc
 * through the ~/.bash_profile and ~/.bashrc of /etc/skel): fast-check writes start-up files (profile.d scripts, additions to
 * /etc/profile and /etc/bash.bashrc) with TMOUT and umask statements in many forms, nested in if, case,
 * functions, loops, subshells, && and ||, with early returns and overrides; bash, run in a chroot of an
 * overlay as root and as an ordinary user, interactive or not, says what it ends up with. What bash ends
 * up with must be one of the outcomes cis-bdd allows, and when cis-bdd says a value is certain, it must be
 * bash's value for every run. Nothing runs on the host: the scripts run only inside the chroot.
 * Per-user files are not part of it on Ubuntu (HOME is a directory that does not exist); on ACL2, HOME is
 * /etc/skel, whose files every new account gets.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureAcl2Base, ensureUbuntuBase, layerApi, withOverlay, type Layer } from '../support/fixtures.js';
import { evaluateLoginShells } from '../../src/facts/shell-login.js';
import { UNKNOWN } from '../../src/facts/shell-effective.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 20261207;

const value = fc.constantFrom('0', '300', '900', '1800', '600');
const tmoutStatement = fc.oneof(
  value.map((v) => `TMOUT=${v}`),
  value.map((v) => `readonly TMOUT=${v}`),
  value.map((v) => `export TMOUT=${v}`),
  value.map((v) => `declare -r TMOUT=${v}`),
  value.map((v) => `typeset -rx TMOUT="${v}"`),
  value.map((v) => `TMOUT=${v}; readonly TMOUT; export TMOUT`),
  value.map((v) => `TMOUT='${v}' ; export TMOUT`),
  value.map((v) => `TMOUT=\\\n${v}`),
  fc.constantFrom('readonly TMOUT', 'export TMOUT', 'declare -x TMOUT', 'unset TMOUT', 'export -n TMOUT', 'TMOUT=$(echo 5)'),
);
const umaskStatement = fc.oneof(
  fc.constantFrom('027', '0027', '077', '002', '022', '0', '7777', 'u=rwx,g=rx,o=', 'g-w', 'o=', 'a+r', 'g=u').map((v) => `umask ${v}`),
  fc.constantFrom('umask -S 027 >/dev/null', 'umask 077 2>/dev/null || true', 'umask\\\n 007'),
);
const leaf = fc.oneof(tmoutStatement, umaskStatement, fc.constantFrom('# umask 000', 'echo "umask 000" >/dev/null', ': TMOUT=0'));

/** Statements, possibly nested in the constructs that make them conditional (or not). */
const statement: fc.Arbitrary<string> = fc.letrec((tie) => ({
  s: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf, leaf, leaf,
    fc.tuple(tie('s'), tie('s')).map(([a, b]) => `${a}\n${b}`),
    tie('s').map((a) => `if [ -n "$PS1" ]; then\n  ${a}\nfi`),
    tie('s').map((a) => `if [ "$(id -u)" -eq 0 ]; then\n  ${a}\nfi`),
    fc.tuple(tie('s'), tie('s')).map(([a, b]) => `if [ "$(id -u)" -eq 0 ]; then\n  ${a}\nelse\n  ${b}\nfi`),
    tie('s').map((a) => `case "$(id -un)" in\n  root) ${a}\n  ;;\nesac`),
    tie('s').map((a) => `case x in\n  *) ${a}\n  ;;\nesac`),
    fc.tuple(tie('s'), fc.boolean()).map(([a, call]) => `cisfn() {\n  ${a}\n}${call ? '\ncisfn' : ''}`),
    tie('s').map((a) => `for x in 1 2; do\n  ${a}\ndone`),
    tie('s').map((a) => `( ${a}\n)`),
    tie('s').map((a) => `{ ${a}\n}`),
    tie('s').map((a) => `true && {\n${a}\n}`),
    tie('s').map((a) => `[ -d /nonexistent ] || {\n${a}\n}`),
    tie('s').map((a) => `[ "$(id -u)" -eq 0 ] && {\n${a}\n}`),
    leaf.map((a) => `${a} | cat >/dev/null`),
    fc.constant('[ -z "$PS1" ] && return'),
    fc.constant('return'),
    fc.constant('cat >/dev/null <<EOF\numask 000\nTMOUT=0\nEOF'),
  ),
})).s;

interface Case { profileD: string[]; profileTail: string; bashrcTail: string }
const caseArb: fc.Arbitrary<Case> = fc.record({
  profileD: fc.array(statement, { minLength: 1, maxLength: 3 }),
  profileTail: fc.oneof(fc.constant(''), statement),
  bashrcTail: fc.oneof(fc.constant(''), statement),
});

const PROBE = 'printf "T=%s\\n" "${TMOUT-<unset>}"; printf "U=%s\\n" "$(umask)"; declare -p TMOUT 2>/dev/null | cut -d" " -f2; echo END';
interface Seen { tmout: string | null; umask: number; readonly: boolean; exported: boolean }

function parseProbe(out: string): Seen[] {
  return out.split('END\n').filter((b) => b.includes('T=')).map((block) => {
    const t = /T=(.*)\n/.exec(block)![1];
    const u = /U=(\d+)\n/.exec(block)![1];
    const attrs = /\n(-\S*)\n?$/.exec(block)?.[1] ?? '';
    return { tmout: t === '<unset>' ? null : t, umask: parseInt(u, 8), readonly: attrs.includes('r'), exported: attrs.includes('x') };
  });
}

interface Distro {
  name: string;
  base: () => string;
  /** the system bashrc the generated tail goes into */
  bashrc: string;
  /** HOME for the shells: none on Ubuntu; /etc/skel on ACL2, whose ~/.bashrc sources /etc/bashrc as every new account's does */
  home: string;
  /** files a profile.d script of ACL2 sources that the fact reads too */
  extra: string[];
}

const DISTROS: Distro[] = [
  { name: 'the Ubuntu 18.04 fixture (bash 4.4)', base: ensureUbuntuBase, bashrc: '/etc/bash.bashrc', home: '/nonexistent', extra: [] },
  { name: 'the ACL2 fixture (its bash; Red Hat wiring, HOME=/etc/skel)', base: () => ensureAcl2Base('stock'), bashrc: '/etc/bashrc', home: '/etc/skel', extra: ['/etc/locale.conf', '/etc/profile.d/sh.local'] },
];

function write(layer: Layer, d: Distro, stock: { profile: string; bashrc: string; kept: Map<string, string> }, c: Case) {
  for (const f of readdirSync(path.join(layer.root, 'etc/profile.d'))) rmSync(path.join(layer.root, 'etc/profile.d', f));
  for (const [p, text] of stock.kept) layer.write(p, text);
  c.profileD.forEach((text, i) => layer.write(`/etc/profile.d/${String.fromCharCode(97 + i)}-case.sh`, `${text}\n`));
  layer.write('/etc/profile', `${stock.profile}${c.profileTail}\n`);
  layer.write(d.bashrc, `${stock.bashrc}${c.bashrcTail}\n`);
}

/** bash in the chroot: login shells non-interactive and interactive, and an interactive non-login shell started from a login shell. */
function runBash(root: string, d: Distro, userspec: string): { login: Seen; interactive: Seen; child: Seen; parentOfChild: Seen } {
  const env = ['env', '-i', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOME=${d.home}`, 'TERM=dumb'];
  const script = [
    `${env.join(' ')} bash -lc '${PROBE}'`,
    `${env.join(' ')} bash -lic '${PROBE}' </dev/null`,
    `${env.join(' ')} bash -lc '${PROBE}; bash -ic "${PROBE.replace(/"/g, '\\"').replace(/\$/g, '\\$')}" </dev/null'`,
  ].join('\n');
  const out = execFileSync('timeout', ['60', 'chroot', `--userspec=${userspec}`, root, '/bin/sh', '-c', `umask 022\n${script}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const seen = parseProbe(out);
  expect(seen.length, out).toBe(4);
  return { login: seen[0], interactive: seen[1], parentOfChild: seen[2], child: seen[3] };
}

describe.each(DISTROS)('differential: the effective TMOUT and umask of login shells against bash in $name', (d) => {
  it(`agrees with bash on ${RUNS} generated sets of start-up files, as root and as an ordinary user`, async () => {
    const base = d.base();
    const read = (p: string) => readFileSync(path.join(base, p), 'utf8');
    const kept = new Map(readdirSync(path.join(base, 'etc/profile.d')).map((f) => `/etc/profile.d/${f}`).filter((p) => d.extra.includes(p)).map((p) => [p, read(p)] as [string, string]));
    const stock = { profile: read('etc/profile'), bashrc: read(d.bashrc), kept };
    let runs = 0;
    let certain = 0;
    let failure: unknown = null;
    await withOverlay(base, () => {}, async (root) => {
      try {
        const layer = layerApi(root);
        fc.assert(fc.property(caseArb, (c) => {
          write(layer, d, stock, c);
          const contents = new Map<string, string>();
          for (const p of ['/etc/profile', d.bashrc, ...d.extra, ...c.profileD.map((_, i) => `/etc/profile.d/${String.fromCharCode(97 + i)}-case.sh`)]) {
            if (existsSync(path.join(root, p))) contents.set(p, layer.read(p));
          }
          const model = evaluateLoginShells(contents);
          const [interactive, login, child] = model.outcomes;
          for (const user of ['0:0', '65534:65534']) {
            const real = runBash(root, d, user);
            runs += 4;
            const check = (label: string, o: typeof login, seen: Seen, inherited: number) => {
              const tm = o.tmout.map((p) => p.value);
              const um = o.umask.map((p) => (p.value === 'inherited' ? inherited : p.value));
              const ok = (tm.includes(seen.tmout) || tm.includes(UNKNOWN)) && (um.includes(seen.umask) || um.includes(UNKNOWN))
                && o.readonly.includes(seen.readonly) && o.exported.includes(seen.exported);
              if (!ok) throw new Error(`${label} as ${user}: bash ends with ${JSON.stringify(seen)}, cis-bdd allows TMOUT ${JSON.stringify(tm)}, umask ${um.map((u) => (typeof u === 'number' ? u.toString(8) : u)).join('|')}, readonly ${o.readonly}, exported ${o.exported}`);
            };
            check('non-interactive login shell', login, real.login, 0o022);
            check('interactive login shell', interactive, real.interactive, 0o022);
            // the child's own TMOUT is what it inherits plus the system bashrc: only its umask is compared
            const um = child.umask.map((p) => (p.value === 'inherited' ? real.parentOfChild.umask : p.value));
            if (!um.includes(real.child.umask) && !um.includes(UNKNOWN)) throw new Error(`interactive non-login shell as ${user}: bash ends with umask ${real.child.umask.toString(8)}, cis-bdd allows ${um.map((u) => (typeof u === 'number' ? u.toString(8) : u)).join('|')}`);
          }
          if (login.umask.length === 1 && interactive.tmout.length === 1) certain++;
        }), { seed: SEED, numRuns: RUNS });
      } catch (e) { failure = e; }
    });
    // reported after the overlay is gone, so that a failed clean-up never hides the counterexample
    if (failure) throw failure;
    console.log(`differential login shell, ${d.name} (bash -l, -li, and -i from a login shell): ${RUNS} cases, ${runs} bash runs as root and as nobody, ${certain} cases with one certain outcome, 0 disagreements`);
  }, 1_800_000);

  // the other direction: top-level statements that need no guess must give one certain outcome, bash's own
  const plain = fc.array(leaf.filter((l) => !/\$\(|7777|g-w|a\+r|g=u|umask o=/.test(l)), { minLength: 1, maxLength: 6 });
  const COMPLETE = Math.max(50, Math.floor(RUNS / 4));
  it(`is certain, and right, on ${COMPLETE} files of top-level statements only`, async () => {
    const base = d.base();
    const read = (p: string) => readFileSync(path.join(base, p), 'utf8');
    const kept = new Map(readdirSync(path.join(base, 'etc/profile.d')).map((f) => `/etc/profile.d/${f}`).filter((p) => d.extra.includes(p)).map((p) => [p, read(p)] as [string, string]));
    const stock = { profile: read('etc/profile'), bashrc: read(d.bashrc), kept };
    let failure: unknown = null;
    await withOverlay(base, () => {}, async (root) => {
      try {
        const layer = layerApi(root);
        fc.assert(fc.property(plain, (leaves) => {
          // an absolute umask first, so that what login gave does not matter
          const c: Case = { profileD: [`umask 077\n${leaves.join('\n')}`], profileTail: '', bashrcTail: '' };
          write(layer, d, stock, c);
          const contents = new Map<string, string>();
          for (const p of ['/etc/profile', d.bashrc, ...d.extra, '/etc/profile.d/a-case.sh']) if (existsSync(path.join(root, p))) contents.set(p, layer.read(p));
          const [interactive, login] = evaluateLoginShells(contents).outcomes;
          const real = runBash(root, d, '65534:65534');
          for (const [o, seen] of [[login, real.login], [interactive, real.interactive]] as const) {
            expect(o.umask.map((u) => u.value), 'one certain umask').toEqual([seen.umask]);
            expect(o.tmout.map((t) => t.value), 'one certain TMOUT').toEqual([seen.tmout]);
            expect([o.readonly, o.exported], 'certain attributes').toEqual([[seen.readonly], [seen.exported]]);
          }
        }), { seed: SEED, numRuns: COMPLETE });
      } catch (e) { failure = e; }
    });
    if (failure) throw failure;
    console.log(`differential login shell, ${d.name}: ${COMPLETE} files of top-level statements, each with one certain outcome equal to bash's`);
  }, 1_800_000);
});
