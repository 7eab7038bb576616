/**
 * Steps about process hardening: the processor's no-execute protection, and limits on core dumps from
 * pam_limits and systemd-coredump (the kernel parameters use the shared steps of kernel.ts).
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { nxSupport } from '../src/facts/nx-support.js';
import { resourceLimits } from '../src/facts/limits.js';
import { coredumpConfig } from '../src/facts/coredump.js';
import { packageInstalled } from './packages.js';

Then('the running kernel uses the processor\'s no-execute protection \\(NX\\/XD\\)', async function (this: CisWorld) {
  const nx = await this.liveFact(nxSupport);
  if (!nx) return;
  this.record('/proc/cmdline', nx.disabledBy.length ? nx.disabledBy.join(' ') : 'neither noexec=off nor noexec32=off');
  if (nx.disabledBy.length) this.fail(`the kernel command line turns no-execute protection off: ${nx.disabledBy.join(' ')}`);
  if (!nx.x86) {
    this.record('/proc/cpuinfo', 'no "flags" line: not an x86 processor; execute-never page protection is part of the architecture');
    return;
  }
  const without = nx.processors.filter((p) => !p.nx);
  this.record('/proc/cpuinfo', without.length
    ? `the "flags" of processor(s) ${without.map((p) => p.processor).join(', ')} lack nx`
    : `all ${nx.processors.length} processor(s) list the nx flag`);
  if (without.length) this.fail(`no-execute protection is not available: /proc/cpuinfo lists no nx flag for processor(s) ${without.map((p) => p.processor).join(', ')}`);
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
  if (!forAll.length) this.fail('no "* hard core 0" line: users may let programs write core dumps of any size');
  const loose = forAll.filter((e) => e.value !== '0');
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
  if (problems.length) this.fail(`${pkg} is installed and may keep core dumps: ${problems.join('; ')}`);
});
