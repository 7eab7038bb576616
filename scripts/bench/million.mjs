/**
 * The synthetic root filesystem with a million files: a copy of the Ubuntu fixture plus 1,000,000 empty
 * files (mode 0644, root) in 100 × 100 nested directories of 100 files each under /opt/cis-bdd-bench-data.
 * Built once and cached under /var/tmp/cis-bdd-bench/million; a marker beside it records what was built
 * (from which fixture, how many files), and a tree whose marker does not match is rebuilt.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { log } from './proc.mjs';

export const MILLION_DIR = process.env.CIS_BDD_BENCH_MILLION ?? '/var/tmp/cis-bdd-bench/million';
const FANOUT = 100; // 100 top directories × 100 subdirectories × 100 files

export function ensureMillionTree(base, { dir = MILLION_DIR, files = 1_000_000 } = {}) {
  const marker = `${dir}.complete`;
  const baseMarker = path.join(path.dirname(base), `${path.basename(base)}.unpacked`);
  const want = JSON.stringify({
    layout: 1, base, baseUnpacked: existsSync(baseMarker) ? readFileSync(baseMarker, 'utf8').trim() : null, files,
  });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want && existsSync(path.join(dir, 'etc/os-release'))) {
    log(`million-file tree: cached at ${dir}`);
    return { dir, files, created: false, buildMs: 0 };
  }
  const t0 = Date.now();
  log(`million-file tree: building ${dir} (a copy of ${base} plus ${files.toLocaleString('en-US')} empty files); this takes a few minutes`);
  rmSync(marker, { force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  execFileSync('cp', ['-a', base, dir]);
  log(`million-file tree: fixture copied (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const data = path.join(dir, 'opt/cis-bdd-bench-data');
  const perLeaf = Math.ceil(files / (FANOUT * FANOUT));
  let made = 0;
  const pad = (n) => String(n).padStart(2, '0');
  outer: for (let a = 0; a < FANOUT; a++) {
    for (let b = 0; b < FANOUT; b++) {
      const leaf = path.join(data, `d${pad(a)}`, `d${pad(b)}`);
      mkdirSync(leaf, { recursive: true, mode: 0o755 });
      for (let c = 0; c < perLeaf; c++) {
        if (made >= files) break outer;
        closeSync(openSync(path.join(leaf, `f${pad(c)}`), 'w', 0o644));
        made++;
      }
    }
    if ((a + 1) % 10 === 0) log(`million-file tree: ${made.toLocaleString('en-US')} files (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  writeFileSync(marker, want);
  const buildMs = Date.now() - t0;
  log(`million-file tree: done in ${(buildMs / 1000).toFixed(0)} s`);
  return { dir, files, created: true, buildMs };
}
