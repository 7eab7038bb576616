/**
 * Steps about SELinux: the kernel parameters that switch it off at boot, the state and policy chosen in
 * /etc/selinux/config, the mode the running kernel enforces, and the SELinux type of running processes.
 * The configuration is fixed by `cis-bdd harden` (SELINUX= and SELINUXTYPE=, with a relabel at the next
 * boot when SELinux was off); the boot parameters and the running mode are left to a person.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { processLabels, selinuxConfig, selinuxRunning, SELINUX_CONFIG } from '../src/facts/selinux.js';
import { defaultGrubCmdline } from '../src/facts/grub.js';
import { grubRegenerateCommand, kernelParam, type KernelEntry } from '../src/facts/kernel-cmdline.js';
import { CheckError } from '../src/model/verdict.js';
import { editFile, remediation, replaceContent, rootFile, settingFix } from '../src/remediation/templates.js';

/** The file whose presence makes the next boot relabel every file (needed after SELinux was disabled). */
const AUTORELABEL = '/.autorelabel';

/* ---------- the kernel command lines (read by "Given the kernel command lines in the GRUB configuration ...") ---------- */

Then('no kernel command line in them passes {words}', async function (this: CisWorld, params: string[]) {
  const grub = this.subject.grub as { files: string[]; entries: KernelEntry[] } | undefined;
  if (!grub) throw new Error('the GRUB configuration was not read: a "Given the kernel command lines" step must come first');
  if (!grub.entries.length) {
    this.record(grub.files.join(', '), 'no "linux" line');
    return;
  }
  const found: string[] = [];
  for (const e of grub.entries) {
    const hits = params.filter((p) => {
      const [name, value = ''] = p.split('=');
      return kernelParam(e, name) === value;
    });
    this.record(`${e.file}:${e.line}`, `${e.text}\n→ ${hits.length ? `passes ${hits.join(', ')}` : `passes none of ${params.join(', ')}`}`);
    if (hits.length) found.push(`${e.file}:${e.line} passes ${hits.join(', ')}`);
  }
  if (!found.length) return;
  const defaults = await this.fact(defaultGrubCmdline);
  for (const d of defaults) this.record(`${d.file}:${d.line}`, `${d.key}="${d.value}" (the generator adds these to every kernel line)`);
  this.needsPerson([
    `remove ${params.join(' and ')} from GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub`,
    ...grub.files.map((f) => `regenerate ${f}: ${grubRegenerateCommand(f)}`),
    'reboot',
  ]);
  this.fail(found.join('; '));
});

/* ---------- /etc/selinux/config ---------- */

Given('the SELinux configuration in \\/etc\\/selinux\\/config', async function (this: CisWorld) {
  const cfg = await this.fact(selinuxConfig);
  if (!cfg.exists) this.record(SELINUX_CONFIG, 'does not exist');
  for (const l of cfg.lines) this.record(`${cfg.file}:${l.line}`, l.text);
});

/** Set KEY=value in /etc/selinux/config (every active line of it, or appended). */
const configFix = (key: string, value: string) => settingFix({ path: SELINUX_CONFIG, settings: [[key, value]], separator: '=', create: rootFile(0o644) });

Then('it sets SELinux to {string} at boot', async function (this: CisWorld, wanted: string) {
  const cfg = await this.fact(selinuxConfig);
  const state = cfg.state;
  if (state?.value === wanted) return;
  // turning SELinux on after it was off: the next boot must label every file first
  const relabel = wanted !== 'disabled' && (!state || state.value === 'disabled') ? [editFile(AUTORELABEL, [replaceContent('')], rootFile(0o644))] : [];
  const fix = configFix('SELINUX', wanted);
  this.remedy(remediation(`${fix.summary}${relabel.length ? `, and relabel every file at the next boot (${AUTORELABEL})` : ''}; reboot to apply`, [...fix.changes, ...relabel]));
  if (!cfg.exists) this.fail(`${SELINUX_CONFIG} does not exist: SELinux starts disabled`);
  if (!state) this.fail(`${SELINUX_CONFIG} has no SELINUX= line: SELinux starts disabled`);
  this.fail(`${cfg.file}:${state.line} sets SELINUX=${state.value}, expected ${wanted}`);
});

Then('it sets the SELinux policy to one of {words}', async function (this: CisWorld, allowed: string[]) {
  const cfg = await this.fact(selinuxConfig);
  const policy = cfg.policy;
  if (policy && allowed.includes(policy.value)) return;
  this.remedy(configFix('SELINUXTYPE', allowed[0]));
  if (!cfg.exists) this.fail(`${SELINUX_CONFIG} does not exist: no SELinux policy is chosen`);
  if (!policy) this.fail(`${SELINUX_CONFIG} has no SELINUXTYPE= line: no SELinux policy is chosen`);
  this.fail(`${cfg.file}:${policy.line} sets SELINUXTYPE=${policy.value}, expected ${allowed.join(' or ')}`);
});

/* ---------- the running kernel ---------- */

Then('on a running system SELinux is {string}, as getenforce reports it', async function (this: CisWorld, wanted: string) {
  const running = await this.liveFact(selinuxRunning);
  if (!running) return;
  this.record(running.source, running.raw === null ? 'does not exist: SELinux is disabled in the running kernel (getenforce: Disabled)' : `${running.raw} (getenforce: ${running.mode[0].toUpperCase()}${running.mode.slice(1)})`);
  if (running.mode === wanted) return;
  this.needsPerson(running.mode === 'permissive'
    ? ['switch the running kernel to enforcing: setenforce 1 (after checking the audit log for denials)']
    : ['reboot with SELINUX=enforcing in /etc/selinux/config (the first boot relabels every file)']);
  this.fail(`SELinux is ${running.mode} in the running kernel, expected ${wanted}`);
});

Then('on a running system no process runs with the SELinux type {words}', async function (this: CisWorld, types: string[]) {
  const running = await this.liveFact(selinuxRunning);
  if (!running) return;
  this.record(running.source, running.raw === null ? 'does not exist: SELinux is disabled in the running kernel' : `${running.raw} (${running.mode})`);
  if (running.mode === 'disabled') {
    this.needsPerson(['enable SELinux (SELINUX=enforcing in /etc/selinux/config, then reboot), then give every daemon a policy of its own']);
    this.fail('SELinux is disabled in the running kernel: no daemon is confined by it');
  }
  const labels = await this.liveFact(processLabels);
  if (!labels) return;
  const unlabelled = labels.processes.filter((p) => p.type === null);
  if (labels.processes.length && unlabelled.length === labels.processes.length) {
    throw new CheckError(`SELinux is ${running.mode}, but ${labels.command} shows no SELinux context for any process: the contexts cannot be read`);
  }
  const found = labels.processes.filter((p) => p.type !== null && types.includes(p.type));
  this.record(labels.command, found.length
    ? found.slice(0, 20).map((p) => `${p.label} ${p.pid} ${p.name}`).join('\n') + (found.length > 20 ? `\n… and ${found.length - 20} more` : '')
    : `${labels.processes.length} process(es), none with the type ${types.join(' or ')}`);
  if (!found.length) return;
  this.needsPerson([
    `give each of these programs an SELinux policy module of its own (or stop it): ${[...new Set(found.map((p) => p.name))].join(', ')}`,
    'a daemon runs unconfined when its executable has no domain transition (for example it was installed outside a package, or started by hand)',
  ]);
  this.fail(`${found.length} process(es) run unconfined: ${found.slice(0, 10).map((p) => `${p.name} (pid ${p.pid}, ${p.type})`).join(', ')}`);
});
