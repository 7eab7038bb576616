/**
 * Differential test of the order of journald's configuration: fast-check generates a main
 * /etc/systemd/journald.conf (or none) and drop-ins (and names that are not read) in the journald.conf.d
 * directories of /etc, /run, /usr/local/lib and /usr/lib of a scratch tree;
 * `systemd-analyze cat-config --root=TREE systemd/journald.conf` (the auditing machine's systemd: it only
 * prints the files journald reads, in its order) must list the files cis-bdd's journaldFromFiles applies,
 * in the same order; the last assignment wins, so the order decides.
 *
 * Not proven here: /lib/systemd/journald.conf.d. Ubuntu 18.04's systemd 237 is built for a split /usr and
 * reads it (after /usr/lib); the auditing machine's systemd is not, and skips it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOURNALD_CONF, JOURNALD_DROPIN_DIRS, journaldFromFiles } from '../../src/facts/journald.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 1313;
const DIRS = JOURNALD_DROPIN_DIRS.filter((d) => !d.startsWith('/lib/'));
const PARTS = ['0', '10', '50', '99', 'a', 'B', 'z', '-', '_', '.', 'local', 'cis'];
const SUFFIX = ['.conf', '.conf', '.conf', '.conf.bak', '', '.CONF'];

const caseArb = fc.record({
  main: fc.boolean(),
  dropins: fc.uniqueArray(fc.record({
    dir: fc.constantFrom(...DIRS),
    name: fc.tuple(fc.array(fc.constantFrom(...PARTS), { minLength: 1, maxLength: 3 }), fc.constantFrom(...SUFFIX)).map(([p, s]) => `${p.join('')}${s}`),
  }), { maxLength: 8, selector: (f) => `${f.dir}/${f.name}` }).map((fs) => fs.filter((f) => !f.name.startsWith('.') && !f.name.includes('/'))),
});

describe('differential: journald.conf and its drop-ins (systemd-analyze cat-config systemd/journald.conf)', () => {
  it(`cis-bdd applies the files in systemd's order (${RUNS} generated trees)`, () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-journald-'));
    let cases = 0;
    try {
      fc.assert(fc.property(caseArb, ({ main, dropins }) => {
        cases++;
        rmSync(path.join(tree, 'etc'), { recursive: true, force: true });
        for (const d of DIRS) {
          rmSync(path.join(tree, d), { recursive: true, force: true });
          mkdirSync(path.join(tree, d), { recursive: true });
        }
        mkdirSync(path.join(tree, 'etc/systemd'), { recursive: true });
        const files: Array<{ path: string; text: string }> = [];
        if (main) files.push({ path: JOURNALD_CONF, text: '[Journal]\nStorage=auto\n' });
        dropins.forEach((f, i) => files.push({ path: `${f.dir}/${f.name}`, text: `[Journal]\nMaxRetentionSec=${i}\n` }));
        for (const f of files) writeFileSync(path.join(tree, f.path), f.text);
        const out = execFileSync('systemd-analyze', ['cat-config', `--root=${tree}`, 'systemd/journald.conf', '--no-pager'], { encoding: 'utf8', timeout: 20_000 });
        const real = out.split('\n').filter((l) => l.startsWith(`# ${tree}/`)).map((l) => l.slice(2 + tree.length));
        // what cis-bdd reads: the main file and the *.conf files of the drop-in directories (a shell glob)
        const read = files.filter((f) => f.path === JOURNALD_CONF || f.path.endsWith('.conf'));
        expect(journaldFromFiles(read).files).toEqual(real);
      }), { seed: SEED, numRuns: RUNS });
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
    console.log(`differential journald.conf order: ${cases} cases (generated drop-in trees), 0 disagreements`);
  });
});
