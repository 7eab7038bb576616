/**
 * Differential test of the modprobe.d reading: fast-check generates files in /etc/modprobe.d,
 * /run/modprobe.d, /lib/modprobe.d and /usr/lib/modprobe.d (same names in several directories, names that
 * are not read, install lines for names, patterns and dashed names, aliases, blacklists, comments,
 * continuation lines, keywords in the wrong case; no "options" lines, which modprobe -v prints after the
 * install command), and the fixture's real modprobe (kmod 24) says for six
 * filesystem modules what it would do: `modprobe -n -v MODULE` in a chroot of an overlay of the Ubuntu
 * fixture prints the install command it would run. cis-bdd's modprobeFromFiles must predict the same.
 *
 * Safety: -n (dry run) never loads a module nor runs an install command, and the fixture has no
 * /lib/modules at all, so there is nothing that could be loaded.
 *
 * What the fixture cannot show: it has no module files, so modprobe knows a module only from an install
 * line of exactly its name (then the first such line applies, even after a matching wildcard line), or
 * through an alias (then the alias target's first matching line, wildcards included). For a module whose
 * file exists kmod applies the first matching line, wildcard or not (kmod's source); cis-bdd requires both
 * to do nothing, so either way the verdict holds.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modprobeFromFiles, type ModprobeConfig } from '../../src/facts/kernel-modules.js';
import { ensureUbuntuBase, withOverlay } from '../support/fixtures.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 1313;
const MODULES = ['cramfs', 'freevxfs', 'jffs2', 'hfs', 'hfsplus', 'udf'];
const DIRS = ['/etc/modprobe.d', '/run/modprobe.d', '/lib/modprobe.d', '/usr/lib/modprobe.d'];
const NAMES = ['a.conf', 'b.conf', 'cis.conf', '10-x.conf', 'Z.conf', '.hidden.conf', 'old.conf.bak', 'blacklist.conf'];

const modArb = fc.constantFrom(...MODULES, 'cram-fs', 'hfs*', 'cram?fs', '[hj]*', 'u-d-f', 'squashfs');
const cmdArb = fc.constantFrom('/bin/true', '/bin/false', '/usr/bin/logger -t x', '/bin/true x', '  /bin/true');
const lineArb = fc.oneof(
  fc.tuple(modArb, cmdArb).map(([m, c]) => `install ${m} ${c}`),
  fc.tuple(modArb, cmdArb).map(([m, c]) => `install ${m} \\\n${c}`),
  fc.tuple(modArb, cmdArb).map(([m, c]) => `  install\t${m}   ${c}`),
  modArb.map((m) => `install ${m}`),
  modArb.map((m) => `Install ${m} /bin/true`),
  modArb.map((m) => `blacklist ${m}`),
  modArb.map((m) => `# install ${m} /bin/true`),
  fc.tuple(modArb, fc.constantFrom(...MODULES, 'squashfs')).map(([a, t]) => `alias ${a} ${t}`),
);
const fileArb = fc.record({ dir: fc.constantFrom(...DIRS), name: fc.constantFrom(...NAMES), lines: fc.array(lineArb, { maxLength: 4 }) });
const caseArb = fc.uniqueArray(fileArb, { maxLength: 5, selector: (f) => `${f.dir}/${f.name}` });

type Case = Array<{ dir: string; name: string; lines: string[] }>;
const text = (f: Case[number]) => `${f.lines.join('\n')}\n`;

/** The install commands modprobe -n -v prints for the module in a tree without module files. */
function predicted(cfg: ModprobeConfig, module: string): string[] {
  const r = cfg.resolve(module);
  if (r.aliases.length) return r.targets.filter((t) => t.install).map((t) => t.install!.command!);
  // without an alias, modprobe finds a name without a module file only through an install line of exactly that name
  const byName = r.targets[0].installByName;
  return byName ? [byName.command!] : [];
}

function parseReal(out: string): Map<string, string[]> {
  const res = new Map<string, string[]>();
  for (const block of out.split('@@ ').slice(1)) {
    const [mod, ...lines] = block.split('\n');
    res.set(mod.trim(), lines.filter((l) => l.startsWith('install ')).map((l) => l.slice('install '.length).trim()));
  }
  return res;
}

describe('differential: modprobe.d as kmod 24 reads it (fixture modprobe -n -v)', () => {
  it(`cis-bdd predicts the install command modprobe runs (${RUNS} generated configurations, ${MODULES.length} modules each)`, async () => {
    const base = ensureUbuntuBase();
    let cases = 0;
    await withOverlay(base, () => {}, async (root) => {
      const baseFiles = DIRS.flatMap((d) => {
        const dir = path.join(base, d);
        return existsSync(dir) ? execFileSync('find', [dir, '-maxdepth', '1', '-type', 'f', '-printf', '%f\n'], { encoding: 'utf8' })
          .split('\n').filter(Boolean).map((n) => ({ path: `${d}/${n}`, text: execFileSync('cat', [path.join(dir, n)], { encoding: 'utf8' }) })) : [];
      });
      fc.assert(fc.property(caseArb, (c: Case) => {
        cases++;
        for (const d of DIRS) {
          rmSync(path.join(root, d), { recursive: true, force: true });
          if (existsSync(path.join(base, d))) cpSync(path.join(base, d), path.join(root, d), { recursive: true });
          else mkdirSync(path.join(root, d), { recursive: true });
        }
        for (const f of c) writeFileSync(path.join(root, f.dir, f.name), text(f));
        const out = execFileSync('chroot', [root, '/bin/sh', '-c', `for m in ${MODULES.join(' ')}; do echo "@@ $m"; /sbin/modprobe -n -v "$m" 2>&1; done; exit 0`],
          { encoding: 'utf8', timeout: 20_000 });
        const real = parseReal(out);
        const files = [...baseFiles.filter((b) => !c.some((f) => `${f.dir}/${f.name}` === b.path)), ...c.map((f) => ({ path: `${f.dir}/${f.name}`, text: text(f) }))];
        const cfg = modprobeFromFiles(files);
        for (const m of MODULES) expect(predicted(cfg, m), `modprobe -n -v ${m}`).toEqual(real.get(m));
      }), { seed: SEED, numRuns: RUNS });
    });
    console.log(`differential modprobe -n -v: ${cases} cases, ${MODULES.length} modules each, 0 disagreements`);
  });
});
