/**
 * Differential test of the dpkg status reading (src/facts/dpkg-status.ts) against the real program: the
 * Ubuntu 18.04 fixture's dpkg-query 1.19, run in a chroot of an overlay of the fixture, on generated
 * /var/lib/dpkg/status files (random Status triples, invalid words included, several instances of a
 * name across architectures, Multi-Arch, Config-Version, trigger fields, blank-line and CRLF variants).
 *
 * For each file: where dpkg-query refuses the file (non-zero exit), cis-bdd must refuse it too (an
 * error); where it reads it, both must list the same package instances (`${binary:Package}`) with the
 * same `${db:Status-Abbrev}` and `${Status}`. dpkg-query -W lists every instance not in state
 * not-installed, which is exactly what cis-bdd reads as "in the database". Whether files are present
 * follows from the state (dpkgFilesPresent), which is thereby proven too.
 *
 * Fixed seed; CIS_BDD_DIFF_RUNS=N for more cases. All generated files are run in one chroot exec first;
 * fast-check's shrinking (only after a disagreement) asks dpkg-query for each new candidate.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dpkgFilesPresent, dpkgStatusAbbrev, parseDpkgStatus } from '../../src/facts/dpkg-status.js';
import { CheckError } from '../../src/model/verdict.js';
import { ensureUbuntuBase, withOverlay } from '../support/fixtures.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const DEBUG = process.env.CIS_BDD_DIFF_DEBUG === '1';
const SEED = 20261207;
const FORMAT = '${binary:Package}|${db:Status-Abbrev}|${Status}\\n';

// ---- generator -------------------------------------------------------------------------------------
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const name = fc.oneof(
  w(3, fc.constantFrom('openssh-server', 'telnet', 'libc6', 'Rsh-Client', 'xserver-xorg-core', 'c++lib', 'a.b_c')),
  w(4, fc.constantFrom('nis', 'rsh-server', 'talk', 'ldap-utils', 'avahi-daemon', 'cups', 'isc-dhcp-server', 'slapd', 'nfs-kernel-server', 'bind9', 'vsftpd', 'apache2', 'dovecot-imapd', 'samba', 'squid', 'snmpd', 'rsync', 'prelink', 'auditd', 'aide')),
);
const want = fc.oneof(w(40, fc.constantFrom('install', 'install', 'hold', 'deinstall', 'purge', 'unknown')), w(1, fc.constantFrom('wish', 'Install', 'HOLD')));
const flag = fc.oneof(w(80, fc.constantFrom('ok', 'ok', 'ok', 'reinstreq')), w(1, fc.constantFrom('hold', 'hold-reinstreq')));
const state = fc.oneof(
  w(40, fc.constantFrom('installed', 'installed', 'installed', 'not-installed', 'config-files', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending')),
  w(1, fc.constantFrom('removed', 'Installed', 'Config-Files')),
);
const statusValue = fc.oneof(
  w(80, fc.tuple(want, flag, state).map((t) => t.join(' '))),
  w(1, fc.tuple(want, state).map((t) => t.join(' '))),
  w(1, fc.tuple(want, flag, state).map((t) => `  ${t.join('   ')} `)),
  w(1, fc.tuple(want, flag, state).map((t) => `${t.join(' ')} junk`)),
);
const version = fc.constantFrom('1.0-1', '1:7.6p1-4', '2.27-3ubuntu1', '0.17-41', '1:2.8.2-1ubuntu1~rc1', 'abc', '1-', 'a b', 'x:1');
const arch = fc.constantFrom('amd64', 'amd64', 'amd64', 'i386', 'all', 'armhf');
const multiArch = fc.oneof(w(12, fc.constantFrom('same', 'same', 'foreign', 'no', 'allowed')), w(1, fc.constant('bogus')));

const rare = <T>(a: fc.Arbitrary<T>, oneIn: number) => fc.oneof(w(oneIn - 1, fc.constant(null)), w(1, a));
/**
 * Most stanzas are coherent (the fields dpkg requires for the state, trigger fields where the state
 * allows them); a few carry fields chosen at random, which dpkg may refuse.
 */
const stanza = fc.record({
  name, caseOfNames: fc.boolean(),
  hasStatus: fc.oneof(w(11, fc.constant(true)), w(1, fc.constant(false))),
  status3: statusValue,
  version,
  arch: fc.oneof(w(8, arch), w(1, fc.constant(null))),
  multiArch: rare(multiArch, 3),
  configVersion: rare(fc.constantFrom('1.0-1', '0.9'), 3),
  noise: fc.oneof(w(11, fc.constant(false)), w(1, fc.constant(true))),
  noisyVersion: rare(version, 2),
  triggersPending: rare(fc.constant('ldconfig'), 2),
  triggersAwaited: rare(fc.constant('libc-bin'), 2),
  description: fc.boolean(),
  statusFirst: fc.boolean(),
});

type Stanza = typeof stanza extends fc.Arbitrary<infer T> ? T : never;

function renderStanza(s: Stanza): string {
  const f = (k: string) => (s.caseOfNames ? k.toLowerCase() : k);
  const statusText = s.hasStatus ? s.status3 : null;
  const st = statusText?.trim().split(/\s+/)[2] ?? 'not-installed';
  let ver: string | null = s.version;
  let cfg = s.configVersion;
  let pend: string | null = null;
  let awt: string | null = null;
  if (s.noise) {
    ver = s.noisyVersion; pend = s.triggersPending; awt = s.triggersAwaited;
  } else {
    if (st === 'installed' || st === 'triggers-pending' || st === 'not-installed') cfg = null;
    if (st === 'triggers-pending' || st === 'triggers-awaited') pend = 'ldconfig';
    if (st === 'triggers-awaited') awt = 'libc-bin';
    if (!/^\d+:[^:]|^\d[^:]*$/.test(ver) || ver.endsWith('-')) ver = '1.0-1';
  }
  const lines = [`${f('Package')}: ${s.name}`];
  const status = statusText !== null ? [`${f('Status')}: ${statusText}`] : [];
  if (s.statusFirst) lines.push(...status);
  lines.push('Priority: optional', 'Maintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>');
  if (s.arch !== null) lines.push(`${f('Architecture')}: ${s.arch}`);
  if (s.multiArch !== null) lines.push(`Multi-Arch: ${s.multiArch}`);
  if (ver !== null) lines.push(`${f('Version')}: ${ver}`);
  if (cfg !== null) lines.push(`Config-Version: ${cfg}`);
  if (pend !== null) lines.push(`Triggers-Pending: ${pend}`);
  if (awt !== null) lines.push(`Triggers-Awaited: ${awt}`);
  if (!s.statusFirst) lines.push(...status);
  if (s.description) lines.push('Description: a generated package', ' for the differential test', ' .', ' of dpkg status reading');
  return lines.map((l) => `${l}\n`).join('');
}

const separator = fc.oneof(w(30, fc.constant('\n')), w(8, fc.constant('\n\n\n')), w(1, fc.constant(' \n')), w(1, fc.constant('\t\n')));
const statusFile = fc.record({
  stanzas: fc.array(fc.tuple(stanza, separator), { minLength: 1, maxLength: 5 }),
  leadingBlank: fc.boolean(),
  crlf: fc.oneof(w(12, fc.constant(false)), w(1, fc.constant(true))),
}).map(({ stanzas, leadingBlank, crlf }) => {
  let text = (leadingBlank ? '\n' : '') + stanzas.map(([s, sep], i) => renderStanza(s) + (i < stanzas.length - 1 ? sep : '')).join('');
  if (crlf) text = text.replace(/([^\n])\n/g, '$1\r\n');
  return text;
});

// ---- the two readers -------------------------------------------------------------------------------
interface Reading { refused: boolean; lines: string[] }
/** dpkg-query's error message for a refused file, shown with a disagreement */
const reasons = new Map<string, string>();

function cisBdd(text: string): Reading & { reason?: string } {
  try {
    const records = parseDpkgStatus(text, 'status');
    const lines = records.filter((r) => r.state !== 'not-installed').map((r) => `${r.binaryName}|${dpkgStatusAbbrev(r)}|${r.status}`);
    // the fact's "files on the system" must agree with the state letter dpkg printed
    for (const r of records) expect(dpkgFilesPresent(r)).toBe(!'nc'.includes(dpkgStatusAbbrev(r)[1]));
    return { refused: false, lines: lines.sort() };
  } catch (e) {
    if (e instanceof CheckError) return { refused: true, lines: [], reason: e.message };
    throw e;
  }
}

/** Run dpkg-query in the chroot on each file (one exec for all); returns exit code and sorted lines. */
function dpkgQueryAll(root: string, texts: string[]): Reading[] {
  const base = path.join(root, 'tmp/cis-bdd-diff');
  rmSync(base, { recursive: true, force: true });
  texts.forEach((t, i) => {
    mkdirSync(path.join(base, String(i), 'updates'), { recursive: true });
    mkdirSync(path.join(base, String(i), 'info'), { recursive: true });
    writeFileSync(path.join(base, String(i), 'status'), t);
  });
  const script = `for i in $(seq 0 ${texts.length - 1}); do echo "### $i"; dpkg-query --admindir=/tmp/cis-bdd-diff/$i -W -f '${FORMAT}' 2>/tmp/cis-bdd-diff/$i/stderr; echo "### rc $?"; done`;
  const out = execFileSync('timeout', ['300', 'chroot', root, 'bash', '-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const results: Reading[] = [];
  for (const block of out.split(/^### (?=\d+$)/m).slice(1)) {
    const lines = block.split('\n');
    const rc = Number(/^### rc (\d+)$/m.exec(block)![1]);
    const body = lines.slice(1).filter((l) => l && !l.startsWith('### rc '));
    results.push({ refused: rc !== 0, lines: rc === 0 ? body.sort() : [] });
  }
  if (results.length !== texts.length) throw new Error(`dpkg-query answered ${results.length} of ${texts.length} files`);
  texts.forEach((t, i) => {
    const err = readFileSync(path.join(base, String(i), 'stderr'), 'utf8').split('\n').filter((l) => l && !/warning|missing (description|maintainer)|^ /.test(l) || /^ /.test(l) && results[i].refused);
    if (results[i].refused) reasons.set(t, err.join(' ').slice(0, 300));
  });
  return results;
}

describe('differential: dpkg status reading against the fixture\'s dpkg-query', () => {
  it(`agrees with dpkg-query -W on ${RUNS} generated status files`, async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const samples = fc.sample(statusFile, { seed: SEED, numRuns: RUNS });
      const known = new Map<string, Reading>();
      dpkgQueryAll(root, samples).forEach((r, i) => known.set(samples[i], r));
      if (DEBUG) {
        const tally = new Map<string, number>();
        for (const r of reasons.values()) { const k = r.replace(/.*package '[^']*':\s*/, '').replace(/'[^']*'/g, "'…'"); tally.set(k, (tally.get(k) ?? 0) + 1); }
        console.log([...tally.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join('\n'));
      }
      let cases = 0;
      let refused = 0;
      let instances = 0;
      let shownOne = false;
      fc.assert(fc.property(statusFile, (text) => {
        let real = known.get(text);
        if (!real) { real = dpkgQueryAll(root, [text])[0]; known.set(text, real); }
        cases++;
        if (real.refused) refused++;
        instances += real.lines.length;
        const ours = cisBdd(text);
        if (!shownOne && (ours.refused !== real.refused || JSON.stringify(ours.lines) !== JSON.stringify(real.lines))) {
          shownOne = true;
          console.log(`disagreement: dpkg-query ${real.refused ? `refused: ${reasons.get(text)}` : 'read it'}; cis-bdd ${ours.refused ? `refused: ${ours.reason}` : 'read it'}`);
        }
        expect({ refused: ours.refused, lines: ours.lines }).toEqual(real);
      }), { seed: SEED, numRuns: RUNS });
      console.log(`differential dpkg-query -W: ${cases} cases (${refused} refused by dpkg-query, ${instances} package instances listed), 0 disagreements`);
    });
  }, 600_000);

  it('agrees with dpkg-query -W on the fixture\'s own status database', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const text = readFileSync(path.join(root, 'var/lib/dpkg/status'), 'utf8');
      const real = dpkgQueryAll(root, [text])[0];
      expect(real.refused).toBe(false);
      expect(real.lines.length).toBeGreaterThan(100);
      expect(cisBdd(text)).toEqual(real);
    });
  });
});
