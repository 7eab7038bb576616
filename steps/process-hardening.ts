/**
 * Steps about process hardening: the processor's no-execute protection, and limits on core dumps from
 * pam_limits and systemd-coredump (the kernel parameters use the shared steps of kernel.ts). Fixes go
 * to cis-bdd's own drop-ins; a setting elsewhere that would undo them is commented out.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { nxSupport } from '../src/facts/nx-support.js';
import { resourceLimits } from '../src/facts/limits.js';
import { coredumpConfig } from '../src/facts/coredump.js';
import { packageInstalled } from './support/packages.js';
import { contentFix, linesFix, rootFile } from '../src/remediation/templates.js';

/** cis-bdd's own drop-ins: hardening writes core dump limits here and nowhere else. */
export const CIS_BDD_LIMITS = '/etc/security/limits.d/60-cis-bdd.conf';
export const CIS_BDD_COREDUMP = '/etc/systemd/coredump.conf.d/60-cis-bdd.conf';

Then('the running kernel uses the processor\'s no-execute protection \\(NX\\/XD\\)', async function (this: CisWorld) {
  const nx = await this.liveFact(nxSupport);
  if (!nx) return;
  this.record('/proc/cmdline', nx.disabledBy.length ? nx.disabledBy.join(' ') : 'neither noexec=off nor noexec32=off');
  if (nx.disabledBy.length) {
    this.needsPerson([
      `remove ${nx.disabledBy.join(' and ')} from the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub) and regenerate the GRUB configuration`,
      'reboot',
    ]);
    this.fail(`the kernel command line turns no-execute protection off: ${nx.disabledBy.join(' ')}`);
  }
  if (!nx.x86) {
    this.record('/proc/cpuinfo', 'no "flags" line: not an x86 processor; execute-never page protection is part of the architecture');
    return;
  }
  const without = nx.processors.filter((p) => !p.nx);
  this.record('/proc/cpuinfo', without.length
    ? `the "flags" of processor(s) ${without.map((p) => p.processor).join(', ')} lack nx`
    : `all ${nx.processors.length} processor(s) list the nx flag`);
  if (without.length) {
    this.needsPerson([
      'turn on the no-execute (NX/XD, "execute disable bit") setting in the firmware (BIOS/UEFI) or, for a virtual machine, the hypervisor',
      'boot a kernel with PAE/64-bit support so that it can use the flag',
    ]);
    this.fail(`no-execute protection is not available: /proc/cpuinfo lists no nx flag for processor(s) ${without.map((p) => p.processor).join(', ')}`);
  }
});

Given('the resource limits pam_limits applies from \\/etc\\/security\\/limits.conf and \\/etc\\/security\\/limits.d', async function (this: CisWorld) {
  const limits = await this.fact(resourceLimits);
  this.record('pam_limits', `${limits.entries.length} limit(s) in ${limits.files.length ? limits.files.join(', ') : 'no file'}`);
  for (const i of limits.ignored) this.record(i.where, `not used by pam_limits: ${i.reason}`);
});

Then('every hard limit on core file size for all users \\("*"\\) is 0, and there is at least one', async function (this: CisWorld) {
  const limits = await this.fact(resourceLimits);
  const core = limits.entries.filter((e) => e.item === 'core');
  const forAll = core.filter((e) => e.domain === '*' && (e.type === 'hard' || e.type === '-'));
  for (const e of core) this.record(`${e.file}:${e.line}`, `${e.domain} ${e.type} core ${e.value}${e.domain === '*' && e.type !== 'soft' ? '' : ' (not a hard limit for all users)'}`);
  const loose = forAll.filter((e) => e.value !== '0');
  if (!forAll.length || loose.length) {
    const others = [...new Set(loose.map((e) => e.file))].filter((f) => f !== CIS_BDD_LIMITS);
    const fix = {
      summary: `set "* hard core 0" in ${CIS_BDD_LIMITS}${others.length ? ` and comment out the larger hard limits in ${others.join(', ')}` : ''}`,
      commentOut: { paths: others, pattern: '^\\s*\\*\\s+(hard|-)\\s+core\\s+(?!0(\\s|#|$))' },
    };
    // a larger limit in cis-bdd's own file: the file is rewritten; otherwise the line is added
    this.remedy(loose.some((e) => e.file === CIS_BDD_LIMITS)
      ? contentFix({ ...fix, path: CIS_BDD_LIMITS, content: '* hard core 0\n' })
      : linesFix({ ...fix, path: CIS_BDD_LIMITS, lines: ['* hard core 0'], create: rootFile(0o644) }));
  }
  if (!forAll.length) this.fail('no "* hard core 0" line: users may let programs write core dumps of any size');
  if (loose.length) this.fail(`hard core limits for all users other than 0: ${loose.map((e) => `${e.file}:${e.line} ${e.value}`).join(', ')}`);
});

Then('if the package {string} is installed, the systemd-coredump configuration sets {string} to {string} and {string} to {string}', async function (this: CisWorld, pkg: string, k1: string, v1: string, k2: string, v2: string) {
  if (!(await packageInstalled(this, pkg))) return;
  const cfg = await this.fact(coredumpConfig);
  const problems: string[] = [];
  for (const [key, wanted] of [[k1, v1], [k2, v2]]) {
    const s = cfg.settings.get(key);
    if (!s) {
      this.record('systemd-coredump configuration', `${key} is not set in ${cfg.files.length ? cfg.files.join(', ') : 'any coredump.conf'} (the built-in default applies)`);
      problems.push(`${key} is not set (the default keeps core dumps)`);
      continue;
    }
    this.record(`${s.file}:${s.line}`, `${s.key}=${s.value}`);
    if (s.value.toLowerCase() !== wanted.toLowerCase()) problems.push(`${s.file}:${s.line} sets ${key}=${s.value}, expected ${wanted}`);
  }
  if (problems.length) {
    const overriding = [...new Set([k1, k2].map((k) => cfg.settings.get(k)?.file).filter((f): f is string => !!f && f !== CIS_BDD_COREDUMP))];
    this.remedy(contentFix({
      path: CIS_BDD_COREDUMP, content: `[Coredump]\n${k1}=${v1}\n${k2}=${v2}\n`, create: rootFile(0o644),
      commentOut: { paths: overriding, pattern: `^\\s*(${k1}|${k2})\\s*=` },
      summary: `set ${k1}=${v1} and ${k2}=${v2} in ${CIS_BDD_COREDUMP}${overriding.length ? ` and comment them out in ${overriding.join(', ')}` : ''}`,
    }));
    this.fail(`${pkg} is installed and may keep core dumps: ${problems.join('; ')}`);
  }
});
