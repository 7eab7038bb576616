/**
 * Differential test of the order in which the persistent kernel parameters are applied at boot:
 * fast-check generates *.conf files (and names that are not read) in /etc/sysctl.d, /run/sysctl.d,
 * /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d of a scratch tree, and
 * `systemd-analyze cat-config --root=TREE sysctl.d` (the auditing machine's systemd, which lists the files
 * systemd-sysctl applies, in its order, without writing anything) must list exactly the files, in the
 * order, that cis-bdd's orderSysctlFiles gives. The later file wins for a key, so the order decides.
 *
 * Not proven here: the fixture's own systemd (237) cannot run on this machine; the directories and the
 * rule "by file name across directories, the first directory wins a name" are the same in 237 and the
 * host's version. Nothing runs `sysctl --system` or `sysctl -w`: /proc/sys is the host's.
 * /etc/sysctl.conf is outside this test: systemd-sysctl applies it only through a sysctl.d link to it
 * (Ubuntu's and ACL2's 99-sysctl.conf), which cis-bdd reads as that file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderSysctlFiles, SYSCTL_DIRS } from '../../src/facts/sysctl.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 1313;
const PARTS = ['0', '1', '10', '50', '99', 'a', 'B', 'z', '-', '_', '.', 'sysctl', 'default'];
const SUFFIX = ['.conf', '.conf', '.conf', '.conf.bak', '', '.CONF'];

const fileArb = fc.record({
  dir: fc.constantFrom(...SYSCTL_DIRS),
  name: fc.tuple(fc.array(fc.constantFrom(...PARTS), { minLength: 1, maxLength: 3 }), fc.constantFrom(...SUFFIX)).map(([p, s]) => `${p.join('')}${s}`),
});
const caseArb = fc.uniqueArray(fileArb, { maxLength: 10, selector: (f) => `${f.dir}/${f.name}` })
  .map((fs) => fs.filter((f) => !f.name.startsWith('.') && f.name !== '' && !f.name.includes('/')));

describe('differential: sysctl.d order (systemd-analyze cat-config sysctl.d)', () => {
  it(`cis-bdd orders the files as systemd-sysctl does (${RUNS} generated trees)`, () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-sysctl-'));
    let cases = 0;
    try {
      fc.assert(fc.property(caseArb, (files) => {
        cases++;
        for (const d of SYSCTL_DIRS) {
          rmSync(path.join(tree, d), { recursive: true, force: true });
          mkdirSync(path.join(tree, d), { recursive: true });
        }
        files.forEach((f, i) => writeFileSync(path.join(tree, f.dir, f.name), `k${i} = ${i}\n`));
        const out = execFileSync('systemd-analyze', ['cat-config', `--root=${tree}`, 'sysctl.d', '--no-pager'], { encoding: 'utf8', timeout: 20_000 });
        const real = out.split('\n').filter((l) => l.startsWith(`# ${tree}/`)).map((l) => l.slice(2 + tree.length));
        // what cis-bdd reads: the *.conf files of the directories (a shell glob: no hidden names)
        const read = files.filter((f) => f.name.endsWith('.conf')).map((f) => `${f.dir}/${f.name}`);
        expect(orderSysctlFiles(read)).toEqual(real);
      }), { seed: SEED, numRuns: RUNS });
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
    console.log(`differential sysctl.d order: ${cases} cases (generated sysctl.d trees), 0 disagreements`);
  });
});
