/**
 * Steps about the kernel: modules set not to load and not loaded, and kernel parameters in the running
 * kernel and in the persistent configuration applied at boot.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { loadedModules, modprobeConfig, moduleName } from '../src/facts/kernel-modules.js';
import { persistentSysctl, runningSysctl, normaliseKey } from '../src/facts/sysctl.js';

/** cis-bdd's own drop-ins: hardening writes kernel settings here and nowhere else. */
export const CIS_BDD_SYSCTL = '/etc/sysctl.d/60-cis-bdd.conf';
export const CIS_BDD_MODPROBE = '/etc/modprobe.d/60-cis-bdd.conf';
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

Then('the kernel module {string} is set not to load', async function (this: CisWorld, module: string) {
  const cfg = await this.fact(modprobeConfig);
  const install = cfg.install(module);
  const fix = () => this.remedy({
    summary: `set ${module} not to load (${CIS_BDD_MODPROBE})`,
    changes: [
      ...(install && install.file !== CIS_BDD_MODPROBE ? [{ kind: 'edit-file' as const, path: install.file, edits: [{ op: 'comment-out' as const, pattern: `^\\s*install\\s+${reEscape(module)}\\s` }] }] : []),
      { kind: 'edit-file', path: CIS_BDD_MODPROBE, edits: [{ op: 'ensure-line', line: `install ${module} /bin/true` }], create: { mode: 0o644, uid: 0, gid: 0 } },
    ],
  });
  if (!install) {
    fix();
    this.record('modprobe.d', `no "install ${module}" line in /etc/modprobe.d, /lib/modprobe.d or /usr/lib/modprobe.d`);
    this.fail(`no modprobe.d "install ${module} /bin/true" line: the module can be loaded`);
  }
  this.record(`${install.file}:${install.line}`, `install ${module} ${install.command}`);
  if (!/^\/(usr\/)?bin\/(true|false)$/.test(install.command ?? '')) {
    fix();
    this.fail(`${install.file}:${install.line} installs ${module} with "${install.command}", not /bin/true or /bin/false`);
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
    this.remedy({ summary: `set ${key} = ${expected} in the running kernel`, changes: [{ kind: 'sysctl-running', key, value: expected }] });
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
  const conflictFiles = [...new Set(conflicting.map((s) => s.file))].filter((f) => f !== CIS_BDD_SYSCTL);
  const fix = () => this.remedy({
    summary: `set ${k} = ${expected} in ${CIS_BDD_SYSCTL}${conflictFiles.length ? ` and comment out the conflicting settings in ${conflictFiles.join(', ')}` : ''}`,
    changes: [
      ...conflictFiles.map((f) => ({ kind: 'edit-file' as const, path: f, edits: [{ op: 'comment-out' as const, pattern: `^\\s*-?${reEscape(k).replace(/\\\./g, '[./]')}\\s*=` }] })),
      { kind: 'edit-file', path: CIS_BDD_SYSCTL, edits: [{ op: 'key-value-set', key: k, value: expected, separator: ' = ' }], create: { mode: 0o644, uid: 0, gid: 0 } },
    ],
  });
  if (!eff || eff.value !== expected || conflicting.length) fix();
  if (!eff) {
    this.record('sysctl configuration', `${key} is not set in ${cfg.files.length ? cfg.files.join(', ') : 'any sysctl file'}`);
    this.fail(`${key} is not set in the persistent sysctl configuration`);
  }
  if (eff.value !== expected) this.fail(`${eff.file}:${eff.line} sets ${key} = ${eff.value} (the setting that applies last), expected ${expected}`);
  if (conflicting.length) this.fail(`conflicting settings of ${key}: ${conflicting.map((s) => `${s.file}:${s.line} = ${s.value}`).join(', ')}`);
});
