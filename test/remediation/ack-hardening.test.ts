/**
 * ACK's CIS reinforcement, done by cis-bdd: acl2-stock hardened with policies/ack-reinforcement.yaml, then
 * audited with the same policy. ACK covers 128 of the 145 Level 1 scored items; the 17 it leaves out are
 * waived in the policy with ACK's reasons and must not be touched. After one `harden` run:
 * - every covered item passes, or is `not-applicable` for a reason that follows from an offline tree (the
 *   running kernel, mounts and sockets are not there; the persistent configuration complies) or from the
 *   node itself (no separate /tmp, /var/tmp or /home partition; chrony, not ntp; no SSH host keys before
 *   sshd's first start), or is the one judgement
 *   item (1.8, outstanding updates);
 * - nothing fails: what failed before is fixed, or is one of the 17 waived items, left as it was;
 * - AIDE (1.3.1) is the one covered item a hardening run cannot do offline: it needs the package from the
 *   distribution's repositories, which no machine here reaches; harden says so, and the operator's
 *   `yum install aide` is stood in for by adding the fixture's stand-in package, after which 1.3.1 passes.
 * Rollback then restores every file the run changed byte for byte, and lists the removed packages it
 * cannot put back.
 *
 * The fixture's RPM database is Berkeley DB, which this machine's rpm only reads (a real ACL2 rpm writes
 * it): the overlay gets a SQLite copy first (test/support/rpm.ts) so that the package removals can be made.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../support/audit.js';
import { catalogue, exemptions } from '../support/catalogue.js';
import { ensureAcl2Base, layerApi, repoRoot, withOverlay, type Layer } from '../support/fixtures.js';
import { installRpm, writableRpmDb } from '../support/rpm.js';
import { snapshot } from '../support/snapshot.js';
import type { ComplianceReport } from '../../src/model/result.js';

const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const POLICY = path.join(repoRoot, 'policies/ack-reinforcement.yaml');
const LEVEL1_SCORED = catalogue(ACL2).filter((r) => r.level === '1' && r.scored === 'scored').map((r) => r.id);
const ACK_EXEMPT = exemptions(ACL2, /^ACK /);
const COVERED = LEVEL1_SCORED.filter((id) => !ACK_EXEMPT.includes(id));

const engine = async () => (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
const api = async () => (await import(path.join(repoRoot, 'dist/src/api.js'))) as typeof import('../../src/api.js');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-ack-'));

/** Why a covered item may be not-applicable on the hardened tree (see the header). */
const ACCEPTED_NOT_APPLICABLE = [
  /^offline root filesystem: .*the persistent configuration was checked and complies$/,
  /^\/(tmp|var\/tmp|home) is not a separate mount \(see the item about its partition\)/,
  /^the package ntp is not installed$/,
  // the stock image has no SSH host keys yet: sshd makes them on its first start
  /^no file matches \/etc\/ssh\/ssh_host_\*_key\.pub \(sshd creates its host keys on first start\)$/,
];

function problemsOf(report: ComplianceReport): string[] {
  const problems: string[] = [];
  for (const id of COVERED) {
    const i = report.items.find((x) => x.id === id)!;
    const ok = i.status === 'pass'
      || (i.status === 'not-applicable' && ACCEPTED_NOT_APPLICABLE.some((re) => re.test(i.reason ?? '')))
      || (id === '1.8' && i.status === 'manual');
    if (!ok) problems.push(`${id} ${i.status}: ${i.reason ?? ''}`);
  }
  return problems;
}

describe('acl2-stock hardened with policies/ack-reinforcement.yaml', () => {
  it('passes all 128 covered Level 1 scored items; nothing fails but what ACK waives, untouched; rollback restores the tree', async () => {
    expect(COVERED).toHaveLength(128);
    // root's stock ~/.bash_profile puts ~/.local/bin and ~/bin in its PATH, which a fresh node lacks (6.2.6
    // fails); no mechanical fix exists, so the operator makes them first, as the acl2-hardened image does
    const setUp = (l: Layer) => { writableRpmDb(l); for (const d of ['/root/.local', '/root/.local/bin', '/root/bin']) l.mkdir(d, 0o700); };
    await withOverlay(ensureAcl2Base('stock'), setUp, async (root) => {
      const target = `rootfs:${root}`;
      const pristine = snapshot(root, ['var/lib/cis-bdd', 'var/lib/rpm']);
      const before = (await audit({ target, policy: POLICY })).report;
      expect(before.benchmark.id).toBe(ACL2);
      const failingBefore = before.items.filter((i) => i.status === 'fail').map((i) => i.id);
      expect(failingBefore.length).toBeGreaterThan(30);

      const { runHarden } = await engine();
      const run = await runHarden({ target, policy: POLICY, out: tmp() });
      const outcomes = new Map(run.report.outcomes.map((o) => [o.id, o]));
      // every failing covered item was planned and fixed in this one run, but AIDE, which needs an install
      expect(outcomes.get('1.3.1')).toMatchObject({ outcome: 'skipped', reason: 'needs aide installed: pass --allow-install' });
      const notFixed = run.report.outcomes.filter((o) => o.outcome !== 'fixed' && o.id !== '1.3.1').map((o) => `${o.id} ${o.outcome}: ${o.reason ?? ''}`);
      expect(notFixed).toEqual([]);
      expect(run.report.plan.map((p) => p.id).sort()).toEqual(failingBefore.filter((id) => id !== '1.3.1').sort());
      expect(run.exitCode).toBe(0);
      // waived items are never planned
      for (const id of ACK_EXEMPT) expect(run.report.plan.some((p) => p.id === id), id).toBe(false);
      expect(run.report.packagesRemoved.sort()).toEqual(['openldap-clients', 'telnet']);

      let after = (await audit({ target, policy: POLICY })).report;
      expect(problemsOf(after)).toEqual(['1.3.1 fail: the package aide is not installed']);

      // the operator installs AIDE from the repositories (stood in for by the fixture's stand-in package)
      installRpm(layerApi(root), 'aide', '0.15.1-13.al7');
      after = (await audit({ target, policy: POLICY })).report;
      expect(problemsOf(after)).toEqual([]);
      expect(after.items.filter((i) => i.status === 'fail').map((i) => i.id)).toEqual([]);
      // the 17 are waived, each observed as it was before hardening: the run did not touch them
      const waived = after.items.filter((i) => i.status === 'waived');
      expect(waived.map((i) => i.id).sort()).toEqual([...ACK_EXEMPT].sort());
      for (const w of waived) expect(`${w.id} ${w.observed}`).toBe(`${w.id} ${before.items.find((i) => i.id === w.id)!.observed}`);

      // idempotent: nothing left to plan
      expect((await runHarden({ target, policy: POLICY, out: tmp() })).report.plan).toEqual([]);

      // rollback: every changed file back byte for byte; the removed packages are listed, not reinstalled
      execFileSync('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-e', '--justdb', '--nodeps', 'aide']);
      const { connectTarget } = await api();
      const { rollbackRun } = (await import(path.join(repoRoot, 'dist/src/remediation/rollback.js'))) as typeof import('../../src/remediation/rollback.js');
      const t = await connectTarget({ target, out: '' });
      try {
        const rb = await rollbackRun(t, run.report.runId);
        expect(rb.restored.map((x) => x.path).sort()).toEqual(run.report.backedUp.map((b) => b.path).sort());
        expect(rb.cannotUndo.join('\n')).toMatch(/package telnet was removed[\s\S]*package openldap-clients was removed|package openldap-clients was removed[\s\S]*package telnet was removed/);
      } finally {
        await t.close();
      }
      expect(snapshot(root, ['var/lib/cis-bdd', 'var/lib/rpm']) === pristine, 'rollback did not restore the tree exactly').toBe(true);
    });
  }, 300_000);
});
