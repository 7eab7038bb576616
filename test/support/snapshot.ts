/** A tree's state for byte-for-byte comparisons: every node's type, mode and owner, and every file's hash. */
import { execFileSync } from 'node:child_process';

/**
 * Every node under `root` with its type, mode and owner, then every regular file's SHA-256, sorted.
 * `exclude` are tree-relative paths (e.g. "var/lib/cis-bdd", cis-bdd's own backups) left out with all below them.
 */
export function snapshot(root: string, exclude: string[] = ['var/lib/cis-bdd']): string {
  const prune = exclude.map((p) => `-path './${p}' -prune -o`).join(' ');
  return execFileSync('sh', ['-c', `cd '${root}' && find . -xdev ${prune} -printf '%y %m %U:%G %p\\n' | sort && find . -xdev ${prune} -type f -print0 | sort -z | xargs -0 sha256sum`], { maxBuffer: 256 << 20 }).toString();
}
