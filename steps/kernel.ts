/**
 * Steps about the kernel: modules set not to load and not loaded, and kernel parameters in the running
 * kernel and in the persistent configuration applied at boot.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { loadedModules, modprobeConfig, moduleName } from '../src/facts/kernel-modules.js';
import { globMatch } from '../src/model/glob.js';
import { persistentSysctl, runningSysctl, normaliseKey } from '../src/facts/sysctl.js';
import { kernelParameterFix, moduleRuleFix, runningKernelFix } from '../src/remediation/templates.js';

const DOES_NOTHING = /^\/(usr\/)?bin\/(true|false)$/;

Then('the kernel module {string} is set not to load', async function (this: CisWorld, module: string) {
  const cfg = await this.fact(modprobeConfig);
  const { aliases, targets } = cfg.resolve(module);
  const install = aliases.length ? undefined : targets[0].install;
  const fix = () => this.remedy(moduleRuleFix(module, install?.file, aliases));
  const files = cfg.files.length ? `${cfg.files.length} file(s) of /etc/modprobe.d, /run/modprobe.d and /lib/modprobe.d` : 'no file in /etc/modprobe.d, /run/modprobe.d or /lib/modprobe.d';
  if (aliases.length) {
    for (const a of aliases) this.record(`${a.file}:${a.line}`, `alias ${a.module} ${a.command} (modprobe ${module} loads ${a.command} instead)`);
    const loose = targets.filter((t) => !t.install || !DOES_NOTHING.test(t.install.command ?? ''));
    for (const t of targets) if (t.install) this.record(`${t.install.file}:${t.install.line}`, `install ${t.install.module} ${t.install.command}`);
    fix();
    this.fail(`modprobe.d aliases ${module} to ${targets.map((t) => t.module).join(', ')}: "modprobe -n -v ${module}" does not report "install /bin/true"${loose.length ? `, and ${loose.map((t) => t.module).join(', ')} can be loaded` : ''}`);
  }
  if (!install) {
    fix();
    this.record('modprobe.d', `no "install ${module}" line in ${files}`);
    this.fail(`no modprobe.d "install ${module} /bin/true" line: the module can be loaded`);
  }
  const byName = targets[0].installByName;
  const later = cfg.directives.filter((d) => d.kind === 'install' && d !== install && d !== byName && globMatch(d.module, moduleName(module)));
  const shown = (d: { module: string }) => (d.module === moduleName(module) ? module : d.module);
  this.record(`${install.file}:${install.line}`, `install ${shown(install)} ${install.command}${later.length ? ` (the first matching install line wins; ${later.map((d) => `${d.file}:${d.line} says ${d.command}`).join(', ')})` : ''}`);
  // without the module's file, modprobe knows the name only from the first line of exactly that name
  const applying = byName && byName !== install ? [install, byName] : [install];
  if (byName && byName !== install) this.record(`${byName.file}:${byName.line}`, `install ${shown(byName)} ${byName.command} (applies instead when the module's file is not installed)`);
  const black = cfg.blacklisted(module);
  const wrong = applying.filter((d) => !DOES_NOTHING.test(d.command ?? ''));
  if (black && wrong.length) this.record(`${black.file}:${black.line}`, `blacklist ${black.module} (does not keep "modprobe ${module}" from loading it)`);
  if (wrong.length) {
    fix();
    this.fail(wrong.map((d) => `${d.file}:${d.line} installs ${module} with "${d.command}", not /bin/true or /bin/false`).join('; '));
  }
});

Then('the kernel module {string} is not loaded', async function (this: CisWorld, module: string) {
  const loaded = await this.liveFact(loadedModules);
  if (!loaded) return;
  const isLoaded = loaded.modules.has(moduleName(module));
  this.record(loaded.source, isLoaded ? `${module} is loaded` : `${module} is not loaded`);
  if (isLoaded) this.fail(`the ${module} module is loaded in the running kernel`);
});

Then('the kernel parameter {string} is {string} in the running kernel', async function (this: CisWorld, key: string, expected: string) {
  const running = await this.liveFact(runningSysctl);
  if (!running) return;
  const value = running.get(normaliseKey(key));
  this.record('sysctl -a', `${key} = ${value ?? '(not present)'}`);
  if (value === undefined) this.fail(`${key} is not present in the running kernel`);
  if (value !== expected) {
    this.remedy(runningKernelFix([[key, expected]]));
    this.fail(`the running kernel has ${key} = ${value}, expected ${expected}`);
  }
});

Then('the kernel parameter {string} is set to {string} in the persistent configuration', async function (this: CisWorld, key: string, expected: string) {
  const cfg = await this.fact(persistentSysctl);
  const k = normaliseKey(key);
  const all = cfg.settings.filter((s) => s.key === k);
  for (const s of all) this.record(`${s.file}:${s.line}`, `${s.key} = ${s.value}`);
  const eff = cfg.effective.get(k);
  const conflicting = all.filter((s) => s.value !== expected);
  const fix = () => this.remedy(kernelParameterFix(k, expected, [...new Set(conflicting.map((s) => s.file))]));
  if (!eff || eff.value !== expected || conflicting.length) fix();
  if (!eff) {
    this.record('sysctl configuration', `${key} is not set in ${cfg.files.length ? cfg.files.join(', ') : 'any sysctl file'}`);
    this.fail(`${key} is not set in the persistent sysctl configuration`);
  }
  if (eff.value !== expected) this.fail(`${eff.file}:${eff.line} sets ${key} = ${eff.value} (the setting that applies last), expected ${expected}`);
  if (conflicting.length) this.fail(`conflicting settings of ${key}: ${conflicting.map((s) => `${s.file}:${s.line} = ${s.value}`).join(', ')}`);
});
