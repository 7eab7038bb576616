/**
 * A tree's state for byte-for-byte comparisons: every node's path, type, mode and owner, every symlink's
 * target, and every regular file's SHA-256, sorted. Directories are nodes like any other, so a directory
 * left behind (or missing) shows.
 */
import { execFileSync } from 'node:child_process';

const pruneArgs = (exclude: string[]) => exclude.map((p) => `-path './${p}' -prune -o`).join(' ');
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A script listing every node under `root`: type, mode, owner, path and link target, sorted. */
export function listingScript(root: string, exclude: string[] = ['var/lib/cis-bdd']): string {
  return `cd ${quote(root)} && find . -xdev ${pruneArgs(exclude)} -printf '%y %m %U:%G %p -> %l\\n' | LC_ALL=C sort`;
}

/** The shell script behind snapshot(): the listing, then every regular file's SHA-256 (also run inside containers). */
export function snapshotScript(root: string, exclude: string[] = ['var/lib/cis-bdd']): string {
  return `${listingScript(root, exclude)} && find . -xdev ${pruneArgs(exclude)} -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum`;
}

/**
 * Every node under `root` (see snapshotScript). `exclude` are tree-relative paths (e.g. "var/lib/cis-bdd",
 * cis-bdd's own run records) left out with all below them.
 */
export function snapshot(root: string, exclude: string[] = ['var/lib/cis-bdd']): string {
  return execFileSync('sh', ['-c', snapshotScript(root, exclude)], { maxBuffer: 256 << 20 }).toString();
}
