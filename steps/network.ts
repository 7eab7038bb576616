/**
 * Steps about network protocols and network kernel parameters: whether IPv6 is disabled, wireless
 * interfaces, and kernel parameters whose persistent configuration includes the file ufw applies when it
 * starts (IPT_SYSCTL in /etc/default/ufw), as the benchmark's audit reads it.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { normaliseKey, persistentSysctl, runningSysctl } from '../src/facts/sysctl.js';
import { ufwSysctl } from '../src/facts/firewall.js';
import { bootSysctlSettings, DISABLE_IPV6_KEYS, ipv6Status, type Ipv6Status } from '../src/facts/ipv6.js';
import { networkInterfaces, type NetworkInterfaces } from '../src/facts/network-interfaces.js';
import { modprobeConfig } from '../src/facts/kernel-modules.js';

// ---------------------------------------------------------------------------------------------------
// IPv6

/** The IPv6 status, recorded as evidence once per scenario. */
export async function ipv6(world: CisWorld): Promise<Ipv6Status> {
  const status = await world.fact(ipv6Status);
  if (!world.subject.ipv6Recorded) {
    world.subject.ipv6Recorded = true;
    for (const l of status.kernelLines.slice(0, 5)) world.record(`${l.entry.file}:${l.entry.line}`, `${l.entry.text.slice(0, 200)} (ipv6.disable ${l.value === undefined ? 'not set' : `= ${l.value}`})`);
    world.record('IPv6 status', `${status.disabled ? 'IPv6 is disabled' : 'IPv6 is enabled'}: ${status.explanation.join('; ')}`
      + (status.running === null && status.bySysctl && !status.byCommandLine ? ' (running values not read: offline root filesystem)' : ''));
  }
  return status;
}

Given('the IPv6 settings: the kernel command lines of the boot loader and the disable_ipv6 kernel parameters', async function (this: CisWorld) {
  await ipv6(this);
});

Then('IPv6 is disabled on every kernel command line, or by both disable_ipv6 kernel parameters in the persistent configuration and in the running kernel', async function (this: CisWorld) {
  const s = await ipv6(this);
  if (s.byCommandLine) return;
  if (!DISABLE_IPV6_KEYS.every((k) => s.persistent[k]?.value === '1')) {
    this.fail(`IPv6 is enabled: ${s.byCommandLine === null ? 'no boot loader kernel line' : 'not every kernel line'} has ipv6.disable=1, and ${DISABLE_IPV6_KEYS.filter((k) => s.persistent[k]?.value !== '1').join(' and ')} ${DISABLE_IPV6_KEYS.filter((k) => s.persistent[k]?.value !== '1').length > 1 ? 'are' : 'is'} not set to 1 in the persistent configuration`);
  }
  const running = await this.liveFact(runningSysctl);
  if (!running) return;
  const wrong = DISABLE_IPV6_KEYS.filter((k) => running.get(k) !== '1');
  if (wrong.length) this.fail(`the persistent configuration disables IPv6, but the running kernel has ${wrong.map((k) => `${k} = ${running.get(k) ?? '(absent)'}`).join(', ')}`);
});

Given('IPv6 is enabled, or the item does not apply', async function (this: CisWorld) {
  const s = await ipv6(this);
  if (s.disabled) return this.notApplicable(`IPv6 is disabled (${s.byCommandLine ? 'ipv6.disable=1 on every kernel command line' : 'disable_ipv6 = 1 in the kernel parameters'})`);
  return undefined;
});

// ---------------------------------------------------------------------------------------------------
// Kernel parameters

async function checkRunning(world: CisWorld, key: string, expected: string): Promise<void> {
  const running = await world.liveFact(runningSysctl);
  if (!running) return;
  const value = running.get(normaliseKey(key));
  world.record('sysctl -a', `${key} = ${value ?? '(not present)'}`);
  if (value === undefined) world.fail(`${key} is not present in the running kernel`);
  if (value !== expected) world.fail(`the running kernel has ${key} = ${value}, expected ${expected}`);
}

/**
 * The benchmark's reading of the persistent configuration: the sysctl files and the file ufw applies when
 * it starts. Some file must set the expected value, the setting that applies last must be it, and no file
 * may set another value.
 */
async function checkPersistent(world: CisWorld, key: string, expected: string): Promise<void> {
  const sysctl = await world.fact(persistentSysctl);
  const ufw = await world.fact(ufwSysctl);
  const k = normaliseKey(key);
  const all = bootSysctlSettings(sysctl.settings, ufw.settings).filter((s) => s.key === k);
  for (const s of all) world.record(`${s.file}:${s.line}`, `${s.key} = ${s.value}${s.file === ufw.file ? ' (applied by ufw each time it starts, after the sysctl files)' : ''}`);
  const eff = all[all.length - 1];
  if (!eff) {
    const read = [...sysctl.files, ...(ufw.file ? [ufw.file] : [])];
    world.record('sysctl configuration', `${key} is not set in ${read.length ? read.join(', ') : 'any sysctl file'}`);
    world.fail(`${key} is not set in the persistent sysctl configuration`);
  }
  if (eff.value !== expected) world.fail(`${eff.file}:${eff.line} sets ${key} = ${eff.value} (the setting that applies last), expected ${expected}`);
  const conflicting = all.filter((s) => s.value !== expected);
  if (conflicting.length) world.fail(`conflicting settings of ${key}: ${conflicting.map((s) => `${s.file}:${s.line} = ${s.value}`).join(', ')}`);
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
