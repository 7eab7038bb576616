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

/** A file as the reports name it: relative to the package when it is inside it (features/<id>/…), else absolute. */
export function packagePath(file: string): string {
  const rel = path.relative(packageRoot(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

export function toolVersion(): string {
  version ??= JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version as string;
  return version;
}
