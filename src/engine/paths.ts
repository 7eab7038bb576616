import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
let version: string | undefined;

/** The cis-bdd package directory, whether running from src/ (tsx) or dist/ (compiled). */
export function packageRoot(): string {
  root ??= findPackageRoot();
  return root;
}

function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'cis-bdd') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the cis-bdd package root');
    dir = up;
  }
}

export function toolVersion(): string {
  version ??= JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version as string;
  return version;
}
