/**
 * Differential test of 6.1.1's package file verification (src/facts/dpkg-verify.ts: `dpkg --verify` in
 * parallel batches of packages, with a guard and a fallback) against the real program: one plain
 * `dpkg --verify` of the Ubuntu 18.04 fixture's dpkg 1.19, both run in a chroot of an overlay of the
 * fixture, on copies with generated damage: package files changed, emptied, deleted, replaced by a
 * directory or a symbolic link; conffiles changed or deleted; a local diversion of a package file; and,
 * in some cases, a conffile entry added to another package's status for a file a package hashes (the
 * case where verifying packages apart could differ: the guard must see it and the plain command run).
 *
 * Both sides are sorted by path the same way (the evidence's order); the lines must be equal. Fixed
 * seed, CIS_BDD_DIFF_RUNS=N for more cases (default 20: each case mounts an overlay and runs dpkg twice).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDpkgVerify } from '../../src/facts/filesystem.js';
import { DPKG_VERIFY_FULL_SCRIPT, runDpkgVerify, sortVerifyLines } from '../../src/facts/dpkg-verify.js';
import type { ExecResult } from '../../src/targets/target.js';
import { ensureUbuntuBase, withOverlay, type Layer } from '../support/fixtures.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 20);
const SEED = 20261207;

/** A command in a chroot of root, as a target's exec would run it (sh -c), with a timeout. */
function chrootExec(root: string, script: string): ExecResult {
  const started = Date.now();
  const r = spawnSync('timeout', ['300', 'chroot', root, '/bin/sh', '-c', script], { maxBuffer: 64 << 20 });
  if (r.status === 124 || r.error) throw new Error(`chroot exec failed: ${r.error?.message ?? 'timed out'}`);
  return { command: script, exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8'), durationMs: Date.now() - started };
}

/** The fixture's package files (md5sums entries) and conffiles, by package. */
function packageFiles(base: string) {
  const info = path.join(base, 'var/lib/dpkg/info');
  const hashed: Array<{ pkg: string; path: string }> = [];
  for (const f of readdirSync(info).filter((x) => x.endsWith('.md5sums')).sort()) {
    for (const line of readFileSync(path.join(info, f), 'utf8').split('\n')) {
      if (line.length > 34) hashed.push({ pkg: f.slice(0, -'.md5sums'.length), path: `/${line.slice(34).replace(/^\.?\/+/, '')}` });
    }
  }
  const conffiles: Array<{ pkg: string; path: string }> = [];
  let pkg = '';
  let inConf = false;
  for (const line of readFileSync(path.join(base, 'var/lib/dpkg/status'), 'utf8').split('\n')) {
    if (line.startsWith('Package: ')) pkg = line.slice(9);
    if (line.startsWith('Conffiles:')) { inConf = true; continue; }
    if (inConf && line.startsWith(' ')) { conffiles.push({ pkg, path: line.trim().split(' ')[0] }); continue; }
    inConf = false;
  }
  return { hashed, conffiles };
}

/** null four times in five */
const sometimes = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: a });

type Op = 'append' | 'truncate' | 'delete' | 'directory' | 'symlink';
interface Damage { file: { pkg: string; path: string }; op: Op }
interface Case { damage: Damage[]; divert: { pkg: string; path: string } | null; sharedConffile: { from: { pkg: string; path: string }; to: string } | null }

function applyDamage(l: Layer, d: Damage): void {
  const abs = path.join(l.root, d.file.path);
  switch (d.op) {
    case 'append': l.append(d.file.path, '\n# changed by the differential test\n'); break;
    case 'truncate': writeFileSync(abs, ''); break;
    case 'delete': l.remove(d.file.path); break;
    case 'directory': l.remove(d.file.path); mkdirSync(abs); break;
    case 'symlink': l.remove(d.file.path); symlinkSync('/etc/hostname', abs); break;
  }
}

/** Give package `to` a conffile entry for a file another package hashes: its check then depends on the other. */
function addSharedConffile(l: Layer, c: NonNullable<Case['sharedConffile']>): void {
  l.edit('/var/lib/dpkg/status', (text) => text.split('\n\n').map((stanza) => {
    if (!stanza.startsWith(`Package: ${c.to}\n`)) return stanza;
    const entry = ` ${c.from.path} 0123456789abcdef0123456789abcdef`;
    return /\nConffiles:\n/.test(stanza) ? stanza.replace(/\nConffiles:\n/, `\nConffiles:\n${entry}\n`) : `${stanza.replace(/\n$/, '')}\nConffiles:\n${entry}`;
  }).join('\n\n'));
}

describe('differential: dpkg --verify in parallel batches against one dpkg --verify (fixture dpkg 1.19)', () => {
  it(`gives the same lines on ${RUNS} generated damages of the Ubuntu fixture`, async () => {
    const base = ensureUbuntuBase();
    const { hashed, conffiles } = packageFiles(base);
    const pkgs = [...new Set(hashed.map((h) => h.pkg.replace(/:.*/, '')))];
    // files that are regular files in the fixture (a few md5sums entries are shadowed by symlinked directories)
    const regular = hashed.filter((h) => spawnSync('test', ['-f', path.join(base, h.path), '-a', '!', '-L', path.join(base, h.path)]).status === 0);
    const file = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...regular) },
      { weight: 1, arbitrary: fc.constantFrom(...conffiles) },
    );
    const damage = fc.record({ file, op: fc.constantFrom<Op>('append', 'append', 'append', 'truncate', 'delete', 'delete', 'symlink', 'directory') });
    const caseArb: fc.Arbitrary<Case> = fc.record({
      damage: fc.uniqueArray(damage, { minLength: 1, maxLength: 4, selector: (d) => d.file.path }),
      divert: sometimes(fc.constantFrom(...regular)),
      sharedConffile: sometimes(fc.record({ from: fc.constantFrom(...regular), to: fc.constantFrom(...pkgs) })),
    });
    let batched = 0;
    let fellBack = 0;
    let lines = 0;
    let refused = 0;
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      await withOverlay(base, (l) => {
        for (const d of c.damage) applyDamage(l, d);
        if (c.divert) {
          const div = path.join(l.root, 'var/lib/dpkg/diversions');
          writeFileSync(div, `${readFileSync(div, 'utf8')}${c.divert.path}\n${c.divert.path}.distrib\n:\n`);
        }
        if (c.sharedConffile && c.sharedConffile.to !== c.sharedConffile.from.pkg.replace(/:.*/, '')) addSharedConffile(l, c.sharedConffile);
      }, async (root) => {
        const real = chrootExec(root, DPKG_VERIFY_FULL_SCRIPT);
        if (!/exit=[01]\s*$/.test(real.stderr)) {
          // dpkg gives up (1.19 on a directory where a file was): the fact is an error with the same reason
          await expect(runDpkgVerify(async (script) => chrootExec(root, script))).rejects.toThrow(`dpkg --verify did not run: ${real.stderr.trim()}`);
          refused++;
          return;
        }
        const expected = sortVerifyLines(parseDpkgVerify(real.stdout.toString('utf8'))).map((x) => x.line);
        const run = await runDpkgVerify(async (script) => chrootExec(root, script));
        const ours = sortVerifyLines(parseDpkgVerify(run.lines)).map((x) => x.line);
        expect(ours).toEqual(expected);
        // (unless that file is diverted away from every package, as a local diversion does)
        const shared = c.sharedConffile !== null && c.sharedConffile.to !== c.sharedConffile.from.pkg.replace(/:.*/, '')
          && c.divert?.path !== c.sharedConffile.from.path;
        // the guard: batches unless another package's conffile entry names a file a package lists
        if (shared) expect(run.how).toMatch(/is checked against another package's hash or conffile/);
        else expect(run.how).toBe('batches');
        if (run.how === 'batches') batched++; else fellBack++;
        lines += ours.length;
      });
    }), { seed: SEED, numRuns: RUNS });
    console.log(`differential dpkg --verify: ${batched + fellBack + refused} cases (${batched} batched, ${fellBack} fell back to one dpkg --verify, ${refused} where dpkg --verify itself gave up), ${lines} lines, 0 disagreements`);
    expect(batched).toBeGreaterThan(RUNS / 3);
    expect(fellBack).toBeGreaterThan(0);
  }, 900_000);

  it('reports the damage it is given (the comparison can fail)', async () => {
    const base = ensureUbuntuBase();
    await withOverlay(base, (l) => {
      l.append('/etc/hostname', 'changed\n');
      l.append('/bin/ls', 'x');
      l.remove('/usr/bin/passwd');
    }, async (root) => {
      const run = await runDpkgVerify(async (script) => chrootExec(root, script));
      expect(run.how).toBe('batches');
      const paths = parseDpkgVerify(run.lines).map((x) => x.path);
      expect(paths).toEqual(expect.arrayContaining(['/bin/ls', '/usr/bin/passwd']));
    });
  }, 120_000);
});
