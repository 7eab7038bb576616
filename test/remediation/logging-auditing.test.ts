/**
 * The remediations of chapter 4 (Logging and Auditing), shared by the Ubuntu 18.04 and Alibaba Cloud
 * Linux 2 benchmarks, applied by `cis-bdd harden` to an overlay of the Ubuntu fixture: what each fix
 * writes, and that the item passes afterwards (or, for audit rules on an offline tree, that only the
 * kernel's copy is left unchecked). The ACL2 side is in test/acl2/4-logging-auditing.test.ts.
 */
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase, repoRoot, withOverlay, type Layer } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import type { HardenResult } from '../../src/remediation/harden.js';
import type { ComplianceReport } from '../../src/model/result.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const SCOPE = ['4.1', '4.2', '4.3', '4.4'];

async function harden(root: string, only = SCOPE): Promise<HardenResult> {
  const engine = (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
  return engine.runHarden({ target: `rootfs:${root}`, benchmark: UBUNTU, only, out: mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-harden-')) });
}
const outcome = (r: HardenResult, id: string) => r.report.outcomes.find((o) => o.id === id)?.outcome;
const item = (r: ComplianceReport, id: string) => r.items.find((i) => i.id === id)!;
const read = (root: string, p: string) => readFileSync(path.join(root, p), 'utf8');

/** Harden an overlay of the Ubuntu fixture changed by `change`, then audit it again. */
async function hardened(change: (l: Layer) => void, check: (root: string, run: HardenResult, after: ComplianceReport) => void, only = SCOPE) {
  await withOverlay(ensureUbuntuBase(), change, async (root) => {
    const run = await harden(root, only);
    const after = (await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only })).report;
    check(root, run, after);
  });
}

describe(`${UBUNTU} chapter 4 remediations on a root filesystem`, () => {
  it('fixes auditd.conf, the rules on disk, journald, the log files and logrotate; the log host needs a person', async () => {
    await hardened(() => undefined, (root, run, after) => {
      for (const id of ['4.1.2.2', '4.1.17', '4.2.2.1', '4.2.2.2', '4.2.2.3', '4.2.3', '4.4']) expect(outcome(run, id), id).toBe('fixed');
      expect(outcome(run, '4.2.1.5')).toBe('needs a person');
      // the rules now on disk comply; what the kernel holds cannot be read from a tree
      for (const id of ['4.1.3', '4.1.9', '4.1.11', '4.1.16']) {
        expect(item(after, id)).toMatchObject({ status: 'not-applicable', reason: expect.stringMatching(/^offline root filesystem: auditctl -l not checked/) });
      }
      const rules = read(root, 'etc/audit/rules.d/60-cis-bdd.rules');
      expect(rules).toContain('-a always,exit -F arch=b32 -S adjtimex -S settimeofday -S stime -k time-change\n');
      expect(rules).toContain('-e 2\n');
      expect(statSync(path.join(root, 'etc/audit/rules.d/60-cis-bdd.rules')).mode & 0o7777).toBe(0o600);
      expect(read(root, 'etc/audit/auditd.conf')).toMatch(/^max_log_file_action = keep_logs$/m);
      expect(read(root, 'etc/systemd/journald.conf.d/60-cis-bdd.conf')).toBe('[Journal]\nForwardToSyslog=yes\nCompress=yes\nStorage=persistent\n');
      expect(statSync(path.join(root, 'var/log/lastlog')).mode & 0o7777).toBe(0o640);
      const logrotate = read(root, 'etc/logrotate.conf');
      expect(logrotate.split('\n').filter((l) => /^\s*create/.test(l)).map((l) => l.trim())).toEqual(['create 0640 root utmp', 'create 0640 root utmp', 'create 0640 root utmp']);
    });
  });

  it('4.1.1.2 and 4.2.1.2: disabled services are enabled again through the links their [Install] sections name', async () => {
    await hardened((l) => {
      l.remove('/etc/systemd/system/multi-user.target.wants/auditd.service');
      l.remove('/etc/systemd/system/multi-user.target.wants/rsyslog.service');
    }, (root, run, after) => {
      expect(outcome(run, '4.1.1.2')).toBe('fixed');
      expect(outcome(run, '4.2.1.2')).toBe('fixed');
      // auditd.service and rsyslog.service say WantedBy=multi-user.target; rsyslog's Alias=syslog.service link stays
      expect(lstatSync(path.join(root, 'etc/systemd/system/multi-user.target.wants/auditd.service')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(path.join(root, 'etc/systemd/system/multi-user.target.wants/auditd.service'))).toBe('/lib/systemd/system/auditd.service');
      expect(readlinkSync(path.join(root, 'etc/systemd/system/multi-user.target.wants/rsyslog.service'))).toBe('/lib/systemd/system/rsyslog.service');
      expect(readlinkSync(path.join(root, 'etc/systemd/system/syslog.service'))).toBe('/lib/systemd/system/rsyslog.service');
      expect(run.report.plan.find((p) => p.id === '4.2.1.2')!.files.map((f) => f.path)).toEqual(['/etc/systemd/system/multi-user.target.wants/rsyslog.service']);
      for (const id of ['4.1.1.2', '4.2.1.2']) expect(`${id} ${item(after, id).status}`).toBe(`${id} pass`);
    }, ['4.1.1.2', '4.2.1.2']);
  });

  it('4.1.2.3: the scenario stops at its first failing step, so its three settings are fixed in rounds of one run', async () => {
    await hardened(() => undefined, (root, run) => {
      expect(outcome(run, '4.1.2.3')).toBe('fixed');
      expect(read(root, 'etc/audit/auditd.conf')).toMatch(/^space_left_action = email$/m);
      expect(read(root, 'etc/audit/auditd.conf')).toMatch(/^action_mail_acct = root$/m);
      expect(read(root, 'etc/audit/auditd.conf')).toMatch(/^admin_space_left_action = halt$/m);
    }, ['4.1.2.3']);
  });

  it('comments out a too permissive $FileCreateMode and sets 0640 in cis-bdd\'s drop-in', async () => {
    await hardened((l) => l.edit('/etc/rsyslog.conf', (t) => t.replace('$FileCreateMode 0640', '$FileCreateMode 0644')), (root, run, after) => {
      expect(outcome(run, '4.2.1.4')).toBe('fixed');
      expect(read(root, 'etc/rsyslog.conf')).toContain('# $FileCreateMode 0644  # disabled by cis-bdd');
      expect(read(root, 'etc/rsyslog.d/00-cis-bdd.conf')).toBe('$FileCreateMode 0640\n');
      expect(item(after, '4.2.1.4').status).toBe('pass');
    }, ['4.2.1.4']);
  });

  it('leaves a mode inside an action to a person', async () => {
    await hardened((l) => l.write('/etc/rsyslog.d/30-app.conf', 'local0.* action(type="omfile" file="/var/log/app.log" fileCreateMode="0664")\n'), (_root, run) => {
      expect(outcome(run, '4.2.1.4')).toBe('needs a person');
      expect(run.report.outcomes.find((o) => o.id === '4.2.1.4')?.steps?.[0]).toMatch(/30-app\.conf:1: set fileCreateMode to 0640 or stricter/);
    }, ['4.2.1.4']);
  });

  it('comments out a journald drop-in that would override cis-bdd\'s value', async () => {
    await hardened((l) => l.write('/etc/systemd/journald.conf.d/90-local.conf', '[Journal]\nCompress=no\n'), (root, run, after) => {
      expect(outcome(run, '4.2.2.2')).toBe('fixed');
      expect(read(root, 'etc/systemd/journald.conf.d/90-local.conf')).toBe('[Journal]\n# Compress=no  # disabled by cis-bdd\n');
      expect(item(after, '4.2.2.2').evidence.map((e) => e.source)).toContain('/etc/systemd/journald.conf.d/60-cis-bdd.conf:2');
    }, ['4.2.2.2']);
  });

  it('unlocks nothing: a later -e 1 is commented out so that cis-bdd\'s -e 2 is the last', async () => {
    await hardened((l) => l.write('/etc/audit/rules.d/90-unlock.rules', '-e 1\n', 0o640), (root, run, after) => {
      expect(outcome(run, '4.1.17')).toBe('fixed');
      expect(read(root, 'etc/audit/rules.d/90-unlock.rules')).toBe('# -e 1  # disabled by cis-bdd\n');
      expect(item(after, '4.1.17').evidence.map((e) => e.source)).toContain('/etc/audit/rules.d/60-cis-bdd.rules:1');
    }, ['4.1.17']);
  });

  it('records what a person does for the boot loader: GRUB_CMDLINE_LINUX and update-grub', async () => {
    const grub = (l: Layer) => l.write('/boot/grub/grub.cfg', "menuentry 'Ubuntu' {\n\tlinux\t/boot/vmlinuz-4.15.0-20-generic root=UUID=3f2a ro quiet\n}\n", 0o444);
    await withOverlay(ensureUbuntuBase(), grub, async (root) => {
      const r = (await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only: ['4.1.1.3', '4.1.1.4'] })).report;
      expect(item(r, '4.1.1.3').manualFix?.steps).toEqual([
        'add audit=1 to GRUB_CMDLINE_LINUX in /etc/default/grub',
        'regenerate /boot/grub/grub.cfg: update-grub',
        'reboot, so that the running kernel gets the parameter',
      ]);
      expect(item(r, '4.1.1.4').manualFix?.steps[0]).toMatch(/^add audit_backlog_limit=8192 to GRUB_CMDLINE_LINUX/);
    });
  });
});
