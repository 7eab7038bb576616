/**
 * Hardening on real targets: a dry run changes nothing, a run fixes what it planned and a second run plans
 * nothing, rollback restores every file byte for byte, sshd changes that would break the daemon or lock the
 * operator out are refused, an image is committed under a new tag, and every target kind fixes the same set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { snapshot } from '../support/snapshot.js';
import { docker, IMAGES, startContainer } from '../support/containers.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import type { HardenOptions, HardenResult } from '../../src/remediation/harden.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const SCOPE = ['5.3', '6.1'];
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-harden-'));
const engine = async () => (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
const api = async () => (await import(path.join(repoRoot, 'dist/src/api.js'))) as typeof import('../../src/api.js');

async function harden(options: Partial<HardenOptions> & { target: string }): Promise<HardenResult> {
  return (await engine()).runHarden({ benchmark: UBUNTU, only: SCOPE, out: tmp(), ...options });
}

const fixed = (r: HardenResult) => r.report.outcomes.filter((o) => o.outcome === 'fixed').map((o) => o.id).sort();

describe('harden on a root filesystem', () => {
  it('a dry run plans with diffs and changes nothing', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const before = snapshot(root);
      const r = await harden({ target: `rootfs:${root}`, dryRun: true });
      expect(snapshot(root)).toBe(before);
      const json = JSON.parse(readFileSync(path.join(r.outDir, 'harden.json'), 'utf8'));
      expect(json.dryRun).toBe(true);
      const p = json.plan.find((x: { id: string }) => x.id === '5.3.10');
      expect(p.files[0].path).toBe('/etc/ssh/sshd_config');
      expect(p.files[0].diff).toContain('+PermitRootLogin no');
      expect(json.plan.find((x: { id: string }) => x.id === '5.3.1').files[0].diff).toContain('mode 0644 owner 0:0 -> mode 0600 owner 0:0');
    });
  });

  it('fixes every planned item, plans nothing the second time, and rolls back byte for byte', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const before = snapshot(root);
      const audit0 = (await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only: SCOPE })).report;
      const failing = audit0.items.filter((i) => i.status === 'fail');
      const withFix = failing.filter((i) => i.remediation).map((i) => i.id).sort();
      expect(withFix.length).toBeGreaterThan(5);

      const first = await harden({ target: `rootfs:${root}` });
      expect(first.exitCode).toBe(0);
      expect(fixed(first)).toEqual(withFix);
      expect(first.report.outcomes.find((o) => o.id === '5.3.4')?.outcome).toBe('needs a person');
      const after = (await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only: SCOPE })).report;
      for (const id of withFix) expect(`${id} ${after.items.find((i) => i.id === id)!.status}`).toBe(`${id} pass`);

      const second = await harden({ target: `rootfs:${root}` });
      expect(second.report.plan).toEqual([]);
      expect(second.report.backupDir).toBeNull();

      const { connectTarget } = await api();
      const { rollbackRun } = await import(path.join(repoRoot, 'dist/src/remediation/rollback.js'));
      const t = await connectTarget({ target: `rootfs:${root}`, out: '' });
      const rb = await rollbackRun(t, first.report.runId);
      await t.close();
      expect(rb.restored.map((x: { path: string }) => x.path).sort()).toEqual(first.report.backedUp.map((b) => b.path).sort());
      expect(snapshot(root) === before, 'rollback did not restore the tree exactly').toBe(true);
    });
  }, 180_000);
});

describe('harden over SSH: the lock-out guard', () => {
  let sshd: SshdFixture;
  // yes: a live system's plan is confirmed (what --yes says on the command line)
  const opts = (user = 'root') => ({ target: sshd.uri(user), identityFile: sshd.keyFile, knownHostsFile: path.join(sshd.dir, 'known_hosts'), acceptNewHostKey: true, sudo: user !== 'root', yes: true });
  beforeAll(async () => { sshd = await startSshd(); });
  afterAll(() => sshd?.stop());

  it('refuses an sshd change that sshd -t rejects, restores the file and stays reachable', async () => {
    const { connectTarget } = await api();
    const { planChanges, applyRemediations } = await engine();
    const t = await connectTarget({ ...opts(), out: '' });
    try {
      const [before] = await t.readNodes(['/etc/ssh/sshd_config']);
      const injected = [{ id: 'test.invalid', title: 'inject an invalid directive', remediation: {
        summary: 'set an option sshd does not know', validate: 'sshd' as const,
        changes: [{ kind: 'edit-file' as const, path: '/etc/ssh/sshd_config', edits: [{ op: 'sshd-set' as const, key: 'NoSuchOption', value: 'yes' }] }],
      } }];
      const planning = await planChanges(t, injected, 'dpkg');
      const result = await applyRemediations(t, injected, { ...opts(), out: '', runId: `test-${Date.now()}`, manager: 'dpkg', original: planning.original, final: planning.final, plan: planning.plan });
      expect(result.refused.get('test.invalid')).toMatch(/sshd -t refused the new configuration/);
      const [after] = await t.readNodes(['/etc/ssh/sshd_config']);
      expect(after).toEqual(before);
    } finally {
      await t.close();
    }
    const fresh = await connectTarget({ ...opts(), out: '' });
    expect((await fresh.exec('true')).exitCode).toBe(0);
    await fresh.close();
  });

  it('a change that would lock out the connection in use (root login over root) is rolled back at once', async () => {
    const r = await harden({ ...opts('root'), only: ['5.3.10'] });
    const o = r.report.outcomes.find((x) => x.id === '5.3.10')!;
    expect(o.outcome).toBe('still failing');
    expect(o.reason).toMatch(/a new SSH connection failed after the reload.*previous sshd configuration was restored/);
    expect(r.exitCode).toBe(1);
    const { connectTarget } = await api();
    const fresh = await connectTarget({ ...opts('root'), out: '' });
    expect((await fresh.exec('grep -c "^PermitRootLogin no" /etc/ssh/sshd_config || true')).stdout.toString().trim()).toBe('0');
    await fresh.close();
  });

  it('the same change made as a sudo user is applied, reloaded and verified', async () => {
    const r = await harden({ ...opts('ops'), only: ['5.3.10'] });
    expect(r.report.outcomes.find((x) => x.id === '5.3.10')?.outcome).toBe('fixed');
    expect(r.exitCode).toBe(0);
  });
});

describe('harden on every target kind', () => {
  it('docker-image with --tag commits a hardened image whose audit passes the fixed items', async () => {
    const tag = `cis-bdd/test-hardened:${Date.now()}`;
    try {
      const r = await harden({ target: `docker-image://${IMAGES.ubuntuStock}`, tag });
      expect(r.report.image).toBe(tag);
      const after = (await audit({ target: `docker-image://${tag}`, benchmark: UBUNTU, only: SCOPE })).report;
      for (const id of fixed(r)) expect(`${id} ${after.items.find((i) => i.id === id)!.status}`).toBe(`${id} pass`);
      expect(fixed(r).length).toBeGreaterThan(5);
    } finally {
      try { docker('rmi', '-f', tag); } catch { /* not created */ }
    }
  }, 180_000);

  it('docker-image without --tag is refused (the changes would be lost)', async () => {
    await expect(harden({ target: `docker-image://${IMAGES.ubuntuStock}` })).rejects.toThrow(/needs --tag/);
  });

  it('in a running container: packages removed with dpkg are recorded; an install that cannot reach a repository is refused and not recorded', async () => {
    const c = startContainer(IMAGES.ubuntuStock);
    try {
      // 2.2.4 (telnet is installed on the fixture) and 1.3.1 (AIDE is not); no network: apt-get install fails
      const r = await harden({ target: c.uri, only: ['2.2.4', '1.3.1'], allowInstall: true });
      const outcome = (id: string) => r.report.outcomes.find((o) => o.id === id);
      expect(outcome('2.2.4')?.outcome).toBe('fixed');
      expect(r.report.plan.find((p) => p.id === '2.2.4')?.commands).toEqual(["DEBIAN_FRONTEND=noninteractive dpkg --purge 'telnet'"]);
      expect(outcome('1.3.1')).toMatchObject({ outcome: 'still failing', reason: expect.stringMatching(/^command failed \(exit \d+\): DEBIAN_FRONTEND=noninteractive apt-get -y -q install 'aide'/) });
      expect(r.report.packagesRemoved).toEqual(['telnet']);
      expect(c.exec("dpkg-query -W -f='${Status}' telnet 2>&1 || true")).not.toMatch(/install ok installed/);
      const { connectTarget } = await api();
      const { rollbackRun } = (await import(path.join(repoRoot, 'dist/src/remediation/rollback.js'))) as typeof import('../../src/remediation/rollback.js');
      const t = await connectTarget({ target: c.uri, out: '' });
      try {
        const rb = await rollbackRun(t, r.report.runId);
        expect(rb.cannotUndo).toEqual(['package telnet was removed; reinstall it from your package source if it is needed']);
      } finally {
        await t.close();
      }
    } finally {
      c.remove();
    }
  }, 180_000);

  it('rootfs, docker and docker-image fix the same set of items', async () => {
    const sets: Record<string, string[]> = {};
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => { sets.rootfs = fixed(await harden({ target: `rootfs:${root}` })); });
    const c = startContainer(IMAGES.ubuntuStock);
    try { sets.docker = fixed(await harden({ target: c.uri })); } finally { c.remove(); }
    const tag = `cis-bdd/test-parity:${Date.now()}`;
    try { sets.image = fixed(await harden({ target: `docker-image://${IMAGES.ubuntuStock}`, tag })); } finally { try { docker('rmi', '-f', tag); } catch { /* */ } }
    expect(sets.docker).toEqual(sets.rootfs);
    expect(sets.image).toEqual(sets.rootfs);
    expect(sets.rootfs.length).toBeGreaterThan(5);
  }, 300_000);
});
