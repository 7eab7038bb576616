/**
 * Steps about the kernel: modules set not to load and not loaded, and kernel parameters in the running
 * kernel and in the persistent configuration applied at boot.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { loadedModules, modprobeConfig, moduleName } from '../src/facts/kernel-modules.js';
import { persistentSysctl, runningSysctl, normaliseKey } from '../src/facts/sysctl.js';

Then('the kernel module {string} is set not to load', async function (this: CisWorld, module: string) {
  const cfg = await this.fact(modprobeConfig);
  const install = cfg.install(module);
  if (!install) {
    this.record('modprobe.d', `no "install ${module}" line in /etc/modprobe.d, /lib/modprobe.d or /usr/lib/modprobe.d`);
    this.fail(`no modprobe.d "install ${module} /bin/true" line: the module can be loaded`);
  }
  this.record(`${install.file}:${install.line}`, `install ${module} ${install.command}`);
  if (!/^\/(usr\/)?bin\/(true|false)$/.test(install.command ?? '')) {
    this.fail(`${install.file}:${install.line} installs ${module} with "${install.command}", not /bin/true or /bin/false`);
  }
});

Then('the kernel module {string} is not loaded', async function (this: CisWorld, module: string) {
  const loaded = await this.liveFact(loadedModules);
  if (!loaded) return;
  const isLoaded = loaded.has(moduleName(module));
  this.record('/proc/modules', isLoaded ? `${module} is loaded` : `${module} is not loaded`);
  if (isLoaded) this.fail(`the ${module} module is loaded in the running kernel`);
});

Then('the kernel parameter {string} is {string} in the running kernel', async function (this: CisWorld, key: string, expected: string) {
  const running = await this.liveFact(runningSysctl);
  if (!running) return;
  const value = running.get(normaliseKey(key));
  this.record('sysctl -a', `${key} = ${value ?? '(not present)'}`);
  if (value === undefined) this.fail(`${key} is not present in the running kernel`);
  if (value !== expected) this.fail(`the running kernel has ${key} = ${value}, expected ${expected}`);
});

Then('the kernel parameter {string} is set to {string} in the persistent configuration', async function (this: CisWorld, key: string, expected: string) {
  const cfg = await this.fact(persistentSysctl);
  const k = normaliseKey(key);
  const all = cfg.settings.filter((s) => s.key === k);
  for (const s of all) this.record(`${s.file}:${s.line}`, `${s.key} = ${s.value}`);
  const eff = cfg.effective.get(k);
  if (!eff) {
    this.record('sysctl configuration', `${key} is not set in ${cfg.files.length ? cfg.files.join(', ') : 'any sysctl file'}`);
    this.fail(`${key} is not set in the persistent sysctl configuration`);
  }
  if (eff.value !== expected) this.fail(`${eff.file}:${eff.line} sets ${key} = ${eff.value} (the setting that applies last), expected ${expected}`);
  const conflicting = all.filter((s) => s.value !== expected);
  if (conflicting.length) this.fail(`conflicting settings of ${key}: ${conflicting.map((s) => `${s.file}:${s.line} = ${s.value}`).join(', ')}`);
});
