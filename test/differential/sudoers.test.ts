/**
 * Differential test of the sudoers reading: fast-check generates Defaults lines for use_pty and logfile
 * (global and bound to a user, a runas user, a command or another host; "!" and "!!"; several options on
 * one line; quoted values; "+="; comments; continuation lines), #include and #includedir lines, and the
 * forms sudo 1.8.21 refuses (a value for use_pty, logfile without a value or a relative one) or cannot
 * parse at all (a bare Defaults, "!" before a value, sudo 1.9's @include and @includedir). They go at
 * the start and end of /etc/sudoers and into files of /etc/sudoers.d whose names sudo reads or skips
 * (a dot, a trailing "~"), an explicitly included /etc/sudoers.d/inc.conf and an included directory.
 *
 * The real program is the fixture's sudo 1.8.21 in a chroot of an overlay of the Ubuntu fixture:
 * `sudo -V` as root prints the values it applies ("Always run commands in a pseudo-tty", "Path to log
 * file: …"), or stops with "no valid sudoers sources found" on a parse error; `visudo -c` exits non-zero
 * when it refuses any entry. cis-bdd's sudoers fact, read over rootfs: of the same tree, must predict all
 * three. No entry is bound to root (sudo -V would apply it, being run by root; cis-bdd does not count an
 * entry for one user as an entry for all users) nor to the fixture's host name.
 *
 * Safety: sudo -V and visudo -c only read the configuration; nothing is run through sudo.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 1313;
const dist = (m: string) => import(path.join(repoRoot, 'dist/src', m));

const valid = [
  'Defaults use_pty', 'Defaults !use_pty', 'Defaults !!use_pty', 'Defaults\tenv_reset, use_pty', 'Defaults   env_reset ,  !use_pty',
  'Defaults logfile="/var/log/sudo.log"', 'Defaults logfile=/var/log/a', 'Defaults    logfile = "/var/log/a b"', 'Defaults logfile+=/var/log/plus',
  'Defaults !logfile', 'Defaults use_pty,\\\n    logfile=/var/log/cont', 'Defaults logfile=/var/log/d # a comment', '# Defaults use_pty',
  'Defaults:alice !use_pty', 'Defaults:alice logfile=/var/log/alice', 'Defaults>bob !use_pty', 'Defaults!/bin/ls !use_pty',
  'Defaults@otherhost use_pty', 'Defaults@otherhost !logfile', 'alice ALL=(ALL) /bin/ls', 'Defaults logfile=/a, logfile=/b',
];
const refused = ['Defaults use_pty=1', 'Defaults logfile', 'Defaults logfile=relative.log', 'Defaults:alice use_pty=yes'];
const unparsable = ['Defaults', 'Defaults !logfile=/var/log/x', '@includedir /etc/sudoers.d/sub', '@include /etc/sudoers.d/inc.conf'];
const includes = ['#include /etc/sudoers.d/inc.conf', '#includedir /etc/sudoers.d/sub'];

const lineArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...valid) },
  { weight: 2, arbitrary: fc.constantFrom(...refused) },
  { weight: 1, arbitrary: fc.constantFrom(...unparsable) },
);
const linesArb = (withIncludes: boolean) => fc.array(withIncludes ? fc.oneof({ weight: 6, arbitrary: lineArb }, { weight: 1, arbitrary: fc.constantFrom(...includes) }) : lineArb, { maxLength: 3 });
const caseArb = fc.record({
  before: linesArb(true),
  after: linesArb(true),
  dropIns: fc.uniqueArray(fc.record({ name: fc.constantFrom('10-a', '50-cis', 'zz', 'README', 'cis.conf', 'old~'), lines: linesArb(true) }), { maxLength: 3, selector: (f) => f.name }),
  inc: linesArb(false),
  sub: fc.uniqueArray(fc.record({ name: fc.constantFrom('a', 'b.conf', 'c'), lines: linesArb(false) }), { maxLength: 2, selector: (f) => f.name }),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

interface View { parseError: boolean; refused?: boolean; usePty?: boolean; logfile?: string }

function realView(out: string): View {
  if (/no valid sudoers sources found/.test(out)) return { parseError: true };
  const [sudoV, visudo] = out.split('@@visudo');
  return {
    parseError: false,
    refused: !/rc=0\s*$/.test(visudo),
    usePty: /^Always run commands in a pseudo-tty$/m.test(sudoV),
    logfile: /^Path to log file: (.*)$/m.exec(sudoV)?.[1],
  };
}

describe('differential: sudoers as sudo 1.8.21 reads it (fixture sudo -V, visudo -c)', () => {
  it(`cis-bdd predicts use_pty, logfile and whether sudo and visudo accept the files (${RUNS} generated configurations)`, async () => {
    const base = ensureUbuntuBase();
    const baseSudoers = readFileSync(path.join(base, 'etc/sudoers'), 'utf8');
    const { connectTarget } = await dist('api.js');
    const { FactStore } = await dist('facts/store.js');
    const { sudoers, effectiveGlobal, setsValue } = await dist('facts/sudoers.js');
    const { CheckError } = await dist('model/verdict.js');
    let cases = 0;
    let parseErrors = 0;
    let refusals = 0;
    await withOverlay(base, () => {}, async (root) => {
      const write = (p: string, lines: string[]) => { writeFileSync(path.join(root, p), lines.length ? `${lines.join('\n')}\n` : ''); chmodSync(path.join(root, p), 0o440); };
      const cisView = async (): Promise<View> => {
        const t = await connectTarget({ target: `rootfs:${root}`, out: '' });
        try {
          const s = await new FactStore(t).get(sudoers);
          const pty = effectiveGlobal(s, 'use_pty');
          const log = effectiveGlobal(s, 'logfile');
          return { parseError: false, refused: s.defaults.some((d: { invalid?: string }) => d.invalid), usePty: pty?.op === 'on', logfile: log && setsValue(log) ? log.value : undefined };
        } catch (e) {
          if (e instanceof CheckError) return { parseError: true };
          throw e;
        } finally {
          await t.close();
        }
      };
      await fc.assert(fc.asyncProperty(caseArb, async (c: Case) => {
        cases++;
        rmSync(path.join(root, 'etc/sudoers.d'), { recursive: true, force: true });
        mkdirSync(path.join(root, 'etc/sudoers.d/sub'), { recursive: true });
        write('etc/sudoers', [...c.before, baseSudoers.trimEnd(), ...c.after]);
        write('etc/sudoers.d/README', ['# the fixture README, replaced']);
        for (const f of c.dropIns) write(`etc/sudoers.d/${f.name}`, f.lines);
        write('etc/sudoers.d/inc.conf', c.inc);
        for (const f of c.sub) write(`etc/sudoers.d/sub/${f.name}`, f.lines);
        const out = execFileSync('chroot', [root, '/bin/sh', '-c', 'sudo -V 2>&1; echo @@visudo; visudo -c >/dev/null 2>&1; echo "rc=$?"'], { encoding: 'utf8', timeout: 20_000 });
        const real = realView(out);
        if (real.parseError) parseErrors++;
        else if (real.refused) refusals++;
        expect(await cisView(), 'cis-bdd view vs sudo -V / visudo -c').toEqual(real);
      }), { seed: SEED, numRuns: RUNS });
    });
    console.log(`differential sudo -V / visudo -c: ${cases} cases (${parseErrors} parse errors, ${refusals} refused by visudo), 0 disagreements`);
  }, 600_000);
});
