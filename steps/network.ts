/**
 * Steps about network protocols and network kernel parameters: whether IPv6 is disabled, wireless
 * interfaces, and kernel parameters checked only while IPv6 is enabled or whose persistent configuration
 * includes the file ufw applies when it starts (IPT_SYSCTL in /etc/default/ufw, or ufw.conf when it sets one), as the Ubuntu
 * benchmark's audit reads it. The plain kernel parameter steps are in kernel.ts.
 */
import { Given, Then, type DataTable } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { normaliseKey, persistentSysctl, runningSysctl, type SysctlSetting } from '../src/facts/sysctl.js';
import { ufwSysctl } from '../src/facts/firewall.js';
import { bootSysctlSettings, DISABLE_IPV6_KEYS } from '../src/facts/ipv6.js';
import { ipv6 } from './support/ipv6.js';
import { networkInterfaces, type NetworkInterfaces } from '../src/facts/network-interfaces.js';
import { modprobeConfig } from '../src/facts/kernel-modules.js';
import { grubKernelLines, grubRegenerateCommand, GRUB_CFG } from '../src/facts/kernel-cmdline.js';
import { sysctlFileLinks } from '../src/facts/sysctl-links.js';
import { CIS_BDD_SYSCTL, kernelParameterFix, runningKernelFix } from '../src/remediation/templates.js';
import { CheckError } from '../src/model/verdict.js';

// ---------------------------------------------------------------------------------------------------
// IPv6

Given('the IPv6 settings: the kernel command lines of the boot loader and the disable_ipv6 kernel parameters', async function (this: CisWorld) {
  await ipv6(this);
});

/** Switching IPv6 off is the site's decision (and a reboot): a person does it. */
async function disableIpv6Steps(world: CisWorld, sysctlToo: boolean): Promise<string[]> {
  const grub = await world.fact(grubKernelLines);
  const defaults = grub.file === GRUB_CFG ? '/etc/default/grub' : '/etc/default/grub (on ACL2 and CentOS 7 /etc/sysconfig/grub links to it)';
  return [
    'confirm that nothing on the host or its networks uses IPv6 (addresses, routes, services listening on IPv6 only)',
    `add ipv6.disable=1 to GRUB_CMDLINE_LINUX in ${defaults}, regenerate the boot loader configuration (${grubRegenerateCommand(grub.file)}) and reboot`,
    ...(sysctlToo ? [`or, keeping the IPv6 module loaded, set ${DISABLE_IPV6_KEYS.map((k) => `${k} = 1`).join(' and ')} in ${CIS_BDD_SYSCTL} and apply them with sysctl --system`] : []),
  ];
}

Then('IPv6 is disabled on every kernel command line, or by both disable_ipv6 kernel parameters in the persistent configuration and in the running kernel', async function (this: CisWorld) {
  const s = await ipv6(this);
  if (s.byCommandLine) return;
  if (!DISABLE_IPV6_KEYS.every((k) => s.persistent[k]?.value === '1')) {
    this.needsPerson(await disableIpv6Steps(this, true));
    this.fail(`IPv6 is enabled: ${s.byCommandLine === null ? 'no boot loader kernel line' : 'not every kernel line'} has ipv6.disable=1, and ${DISABLE_IPV6_KEYS.filter((k) => s.persistent[k]?.value !== '1').join(' and ')} ${DISABLE_IPV6_KEYS.filter((k) => s.persistent[k]?.value !== '1').length > 1 ? 'are' : 'is'} not set to 1 in the persistent configuration`);
  }
  const running = await this.liveFact(runningSysctl);
  if (!running) return;
  const wrong = DISABLE_IPV6_KEYS.filter((k) => running.get(k) !== '1');
  if (wrong.length) {
    this.remedy(runningKernelFix(wrong.map((key) => [key, '1'] as const), 'apply the persistent disable_ipv6 settings to the running kernel'));
    this.fail(`the persistent configuration disables IPv6, but the running kernel has ${wrong.map((k) => `${k} = ${running.get(k) ?? '(absent)'}`).join(', ')}`);
  }
});

Then('every kernel command line of the boot loader disables IPv6 \\(ipv6.disable=1)', async function (this: CisWorld) {
  const s = await ipv6(this);
  if (s.byCommandLine) return;
  this.needsPerson(await disableIpv6Steps(this, false));
  if (s.byCommandLine === null) this.fail(`no boot loader kernel line found (${(await this.fact(grubKernelLines)).file} does not exist or has no "linux" line): ipv6.disable=1 is not set`);
  const without = s.kernelLines.filter((l) => l.value !== '1');
  this.fail(`${without.length} of ${s.kernelLines.length} kernel line(s) lack ipv6.disable=1: ${without.map((l) => `${l.entry.file}:${l.entry.line}${l.value === undefined ? '' : ` (ipv6.disable=${l.value})`}`).join(', ')}`);
});

Given('IPv6 is enabled, or the item does not apply', async function (this: CisWorld) {
  const s = await ipv6(this);
  if (s.disabled) return this.notApplicable(`IPv6 is disabled (${s.byCommandLine ? 'ipv6.disable=1 on every kernel command line' : 'disable_ipv6 = 1 in the kernel parameters'})`);
  return undefined;
});

// ---------------------------------------------------------------------------------------------------
// Kernel parameters

/** Compare a running value with the expected one: the problem, if any (recording evidence and the fix). */
function runningProblem(world: CisWorld, running: Map<string, string>, key: string, expected: string): string | undefined {
  const value = running.get(normaliseKey(key));
  world.record('sysctl -a', `${key} = ${value ?? '(not present)'}`);
  if (value === undefined) return `${key} is not present in the running kernel`;
  if (value === expected) return undefined;
  world.remedy(runningKernelFix([[key, expected]]));
  return `the running kernel has ${key} = ${value}, expected ${expected}`;
}

async function checkRunning(world: CisWorld, key: string, expected: string): Promise<void> {
  const running = await world.liveFact(runningSysctl);
  if (!running) return;
  const problem = runningProblem(world, running, key, expected);
  if (problem) world.fail(problem);
}

/**
 * Set the expected value in cis-bdd's own sysctl drop-in and comment out every setting of another value
 * (in the sysctl files and in ufw's file alike), so that no file disagrees. A setting read through a
 * link (ACL2's /etc/sysctl.d/99-sysctl.conf → /etc/sysctl.conf) is commented out in the file itself.
 */
async function remedyPersistent(world: CisWorld, key: string, expected: string, conflicting: SysctlSetting[]): Promise<void> {
  const links = conflicting.length ? await world.fact(sysctlFileLinks) : new Map<string, string>();
  world.remedy(kernelParameterFix(key, expected, [...new Set(conflicting.map((s) => links.get(s.file) ?? s.file))]));
}

/**
 * The benchmark's reading of the persistent configuration: the sysctl files and, for the Ubuntu benchmark,
 * the file ufw applies when it starts. Some file must set the expected value, the setting that applies
 * last must be it, and no file may set another value. Returns the problem, if any (recording evidence and
 * the fix).
 */
async function persistentProblem(world: CisWorld, key: string, expected: string, withUfw: boolean): Promise<string | undefined> {
  const sysctl = await world.fact(persistentSysctl);
  const ufw = withUfw ? await world.fact(ufwSysctl) : { file: null, settings: [] };
  const k = normaliseKey(key);
  const all = bootSysctlSettings(sysctl.settings, ufw.settings).filter((s) => s.key === k);
  for (const s of all) world.record(`${s.file}:${s.line}`, `${s.key} = ${s.value}${s.file === ufw.file ? ' (applied by ufw each time it starts, after the sysctl files)' : ''}`);
  const eff = all[all.length - 1];
  const conflicting = all.filter((s) => s.value !== expected);
  if (!eff || conflicting.length) await remedyPersistent(world, k, expected, conflicting);
  if (!eff) {
    const read = [...sysctl.files, ...(ufw.file ? [ufw.file] : [])];
    world.record('sysctl configuration', `${key} is not set in ${read.length ? read.join(', ') : 'any sysctl file'}`);
    return `${key} is not set in the persistent sysctl configuration`;
  }
  if (eff.value !== expected) return `${eff.file}:${eff.line} sets ${key} = ${eff.value} (the setting that applies last), expected ${expected}`;
  if (conflicting.length) return `conflicting settings of ${key}: ${conflicting.map((s) => `${s.file}:${s.line} = ${s.value}`).join(', ')}`;
  return undefined;
}

async function checkPersistent(world: CisWorld, key: string, expected: string): Promise<void> {
  const problem = await persistentProblem(world, key, expected, true);
  if (problem) world.fail(problem);
}

Then("the kernel parameter {string} is set to {string} in the persistent configuration, ufw's sysctl file included", async function (this: CisWorld, key: string, expected: string) {
  await checkPersistent(this, key, expected);
});

Then('if IPv6 is enabled, the kernel parameter {string} is {string} in the running kernel', async function (this: CisWorld, key: string, expected: string) {
  if ((await ipv6(this)).disabled) return;
  await checkRunning(this, key, expected);
});

Then("if IPv6 is enabled, the kernel parameter {string} is set to {string} in the persistent configuration, ufw's sysctl file included", async function (this: CisWorld, key: string, expected: string) {
  if ((await ipv6(this)).disabled) return;
  await checkPersistent(this, key, expected);
});

/**
 * Several kernel parameters of one item, checked together so that every problem is reported, and fixed,
 * at once: first the persistent configuration (the sysctl files, as kernel.ts reads them), then, on a
 * running system, the running kernel. Parameters under net.ipv6 are checked only while IPv6 is enabled.
 */
Then('these kernel parameters are set in the persistent configuration and in the running kernel, the net.ipv6 ones while IPv6 is enabled:', async function (this: CisWorld, table: DataTable) {
  const rows = table.hashes() as Array<{ parameter?: string; value?: string }>;
  if (!rows.length || rows.some((r) => !r.parameter || r.value === undefined)) throw new CheckError('the table needs "parameter" and "value" columns');
  let wanted = rows.map((r) => ({ key: normaliseKey(r.parameter!), value: r.value! }));
  if (wanted.some((w) => w.key.startsWith('net.ipv6.')) && (await ipv6(this)).disabled) {
    this.record('IPv6 parameters', `not checked, IPv6 is disabled: ${wanted.filter((w) => w.key.startsWith('net.ipv6.')).map((w) => w.key).join(', ')}`);
    wanted = wanted.filter((w) => !w.key.startsWith('net.ipv6.'));
  }
  const problems: string[] = [];
  for (const { key, value } of wanted) {
    const problem = await persistentProblem(this, key, value, false);
    if (problem) problems.push(problem);
  }
  const running = await this.liveFact(runningSysctl);
  if (running) {
    for (const { key, value } of wanted) {
      const problem = runningProblem(this, running, key, value);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length) this.fail(problems.join('; '));
});

// ---------------------------------------------------------------------------------------------------
// Wireless interfaces

Given('the network interfaces of the running system', async function (this: CisWorld) {
  const ifs = await this.liveFact(networkInterfaces);
  if (!ifs) return;
  this.record('/sys/class/net', ifs.interfaces.map((i) => `${i.name}${i.wireless ? ` (wireless, driver ${i.driverModule ?? 'unknown'})` : ''}`).join(', '));
  if (ifs.nmcliRadio) this.record('nmcli -t -f WIFI,WWAN radio', ifs.nmcliRadio.raw);
  this.subject.interfaces = ifs;
});

Then('no wireless interface can be used: there is none, or the driver module of each is set not to load', async function (this: CisWorld) {
  const ifs = this.subject.interfaces as NetworkInterfaces | undefined;
  if (!ifs) return; // offline: recorded by the Given step
  if (ifs.nmcliRadio) {
    if (ifs.nmcliRadio.wifi === 'disabled' && ifs.nmcliRadio.wwan === 'disabled') return;
    this.fail(`NetworkManager has the radios on: WIFI ${ifs.nmcliRadio.wifi}, WWAN ${ifs.nmcliRadio.wwan}`);
  }
  const wireless = ifs.interfaces.filter((i) => i.wireless);
  if (!wireless.length) return;
  const cfg = await this.fact(modprobeConfig);
  const open: string[] = [];
  for (const i of wireless) {
    const install = i.driverModule ? cfg.install(i.driverModule) : undefined;
    if (install) this.record(`${install.file}:${install.line}`, `install ${install.module} ${install.command}`);
    if (!install || !/^\/(usr\/)?bin\/(true|false)$/.test(install.command ?? '')) open.push(`${i.name} (driver ${i.driverModule ?? 'unknown'})`);
  }
  if (open.length) this.fail(`wireless interface(s) whose driver is not set not to load: ${open.join(', ')}`);
});
