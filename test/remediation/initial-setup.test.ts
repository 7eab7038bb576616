/**
 * The remediations of sections 1.2-1.9 of the Ubuntu 18.04 benchmark, whose steps Alibaba Cloud Linux 2
 * shares (the ACL2 side is in test/acl2/1.2-1.8-initial-setup.test.ts): `cis-bdd harden` on an overlay
 * of the Ubuntu fixture writes the AIDE cron job, fixes grub-mkconfig and grub.cfg's mode, the core dump
 * limits and systemd-coredump, the kernel parameters and the banners; boot passwords, root's password
 * and kernel command lines are left to a person.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase, repoRoot, withOverlay, type Layer } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import type { HardenResult } from '../../src/remediation/harden.js';
import type { ComplianceReport } from '../../src/model/result.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const SCOPE = ['1.3', '1.4', '1.5', '1.6', '1.7'];

async function harden(root: string): Promise<HardenResult> {
  const engine = (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
  return engine.runHarden({ target: `rootfs:${root}`, benchmark: UBUNTU, only: SCOPE, out: mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-harden-')) });
}
const outcome = (r: HardenResult, id: string) => r.report.outcomes.find((o) => o.id === id)?.outcome;
const item = (r: ComplianceReport, id: string) => r.items.find((i) => i.id === id)!;
const read = (root: string, p: string) => readFileSync(path.join(root, p), 'utf8');

function install(l: Layer, name: string, version = '1.0-1'): void {
  l.append('/var/lib/dpkg/status', `Package: ${name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: ${version}\nDescription: test package\n\n`);
}

/** Ubuntu's grub-mkconfig, as far as the mode of grub.cfg goes: 0444, and only when no password is set. */
const STOCK_GRUB_MKCONFIG = [
  '#! /bin/sh', 'set -e',
  'if test "x${grub_cfg}" != "x" && ! grep "^password" ${grub_cfg}.new >/dev/null; then', '  chmod 444 ${grub_cfg}.new || true', 'fi', '',
].join('\n');
const GRUB_CFG = "menuentry 'Ubuntu' {\n\tlinux\t/boot/vmlinuz-4.15.0-20-generic root=UUID=3b1c ro quiet splash\n}\n";

describe(`${UBUNTU} 1.3-1.7 remediations on a root filesystem`, () => {
  it('fixes what is mechanical and lists what a person must do', async () => {
    await withOverlay(ensureUbuntuBase(), (l) => {
      l.write('/usr/sbin/grub-mkconfig', STOCK_GRUB_MKCONFIG, 0o755);
      l.write('/boot/grub/grub.cfg', GRUB_CFG, 0o444);
      install(l, 'systemd-coredump', '237-3ubuntu10');
      l.write('/etc/systemd/coredump.conf.d/50-journal.conf', '[Coredump]\nStorage=journal\n');
    }, async (root) => {
      const before = (await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only: SCOPE })).report;
      expect(item(before, '1.4.2').manualFix?.steps[0]).toMatch(/grub-mkpasswd-pbkdf2/);
      expect(item(before, '1.6.1.2').manualFix?.steps).toEqual([
        'add apparmor=1 security=apparmor to GRUB_CMDLINE_LINUX in /etc/default/grub', 'regenerate /boot/grub/grub.cfg: update-grub', 'reboot, so that the running kernel gets the parameters',
      ]);
      const first = await harden(root);
      for (const id of ['1.3.2', '1.4.1', '1.4.3', '1.5.2', '1.7.5', '1.7.6']) expect(`${id} ${outcome(first, id)}`).toBe(`${id} fixed`);
      for (const id of ['1.4.2', '1.4.4', '1.6.1.2']) expect(`${id} ${outcome(first, id)}`).toBe(`${id} needs a person`);
      expect(outcome(first, '1.3.1')).toBe('skipped');
      // the scenario of 1.5.4 stops at its first failing step: the limits, then fs.suid_dumpable on disk, then
      // systemd-coredump are fixed in three rounds of one run
      expect(outcome(first, '1.5.4')).toBe('fixed');
      expect(first.report.plan.find((p) => p.id === '1.5.4')!.files.map((f) => f.path)).toEqual([
        '/etc/security/limits.d/60-cis-bdd.conf', '/etc/sysctl.d/60-cis-bdd.conf', '/etc/systemd/coredump.conf.d/50-journal.conf', '/etc/systemd/coredump.conf.d/60-cis-bdd.conf',
      ]);
      // a second run finds nothing to do but what needs an install or a person
      expect((await harden(root)).report.plan).toEqual([]);

      expect(read(root, 'etc/cron.d/cis-bdd-aide')).toBe('0 5 * * * root /usr/bin/aide.wrapper --config /etc/aide/aide.conf --check\n');
      expect(read(root, 'usr/sbin/grub-mkconfig')).toContain('if test "x${grub_cfg}" != "x"; then\n  chmod 400 ${grub_cfg}.new || true\n');
      expect(statSync(path.join(root, 'boot/grub/grub.cfg')).mode & 0o7777).toBe(0o400);
      expect(read(root, 'etc/security/limits.d/60-cis-bdd.conf')).toBe('* hard core 0\n');
      expect(read(root, 'etc/sysctl.d/60-cis-bdd.conf')).toBe('kernel.randomize_va_space = 2\nfs.suid_dumpable = 0\n');
      expect(read(root, 'etc/systemd/coredump.conf.d/60-cis-bdd.conf')).toBe('[Coredump]\nStorage=none\nProcessSizeMax=0\n');
      expect(read(root, 'etc/systemd/coredump.conf.d/50-journal.conf')).toBe('[Coredump]\n# Storage=journal  # disabled by cis-bdd\n');
      expect(read(root, 'etc/issue.net')).toBe('Authorised use only. Activity on this system may be monitored and recorded.\n');

      const after = (await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only: SCOPE })).report;
      for (const id of ['1.3.2', '1.4.1', '1.4.3', '1.7.5', '1.7.6']) expect(`${id} ${item(after, id).status}`).toBe(`${id} pass`);
      for (const id of ['1.5.2', '1.5.4']) expect(item(after, id).reason).toMatch(/^offline root filesystem/);
    });
  }, 300_000);
});
