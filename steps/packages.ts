/**
 * Steps about installed packages, read from the package database (dpkg status or the RPM database).
 * Package names may use shell wildcards (xserver-xorg*), matched against package names.
 *
 * A package is on the system when its files are (dpkg: any state but not-installed and config-files;
 * rpm: a header in the database): "X is not installed" fails for a half-installed or unpacked X, and
 * "X is installed" needs X configured (dpkg: installed, or only triggers pending).
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { installedPackages, type InstalledPackage, type InstalledPackages } from '../src/facts/packages.js';
import { globToRegExp } from '../src/targets/rootfs.js';

/** Packages on the system whose name matches the pattern (one entry per name). */
export function matchingPackages(db: InstalledPackages, pattern: string): InstalledPackage[] {
  const re = globToRegExp(pattern);
  return [...db.packages.values()].filter((p) => re.test(p.name));
}

/** Every instance in the database whose name matches, present or not (config-files leftovers too). */
function matchingRecords(db: InstalledPackages, pattern: string): InstalledPackage[] {
  const re = globToRegExp(pattern);
  return db.records.filter((p) => re.test(p.name) && p.name !== 'gpg-pubkey');
}

/** One database entry as evidence: name, version, what that state means, and where it was read. */
function describe(db: InstalledPackages, p: InstalledPackage): string {
  const where = `${p.where}${p.architecture ? `, ${p.architecture}` : ''}${db.manager === 'dpkg' ? `, Status: ${p.status}` : ''}`;
  if (p.configured) return `${p.name} ${p.version} installed (${where})`;
  if (p.present) return `${p.name} ${p.version} present but not completely installed: its files are on the system (${where})`;
  return `${p.name} ${p.version} not installed, configuration files left (${where})`;
}

function recordFound(world: CisWorld, db: InstalledPackages, pattern: string): InstalledPackage[] {
  const present = matchingPackages(db, pattern);
  // every instance that says something: present ones, and removed ones whose configuration files are left
  const shown = matchingRecords(db, pattern).filter((p) => p.present || p.status.endsWith(' config-files'));
  const text = shown.slice(0, 10).map((p) => describe(db, p)).join('; ') + (shown.length > 10 ? `; and ${shown.length - 10} more` : '');
  world.record(db.source, present.length ? text : `no installed package matches ${pattern}${shown.length ? `; ${text}` : ''}`);
  return present;
}

/** Whether a package matching the pattern has its files on the system; records what was read. */
export async function packageInstalled(world: CisWorld, pattern: string): Promise<boolean> {
  const db = await world.fact(installedPackages);
  return recordFound(world, db, pattern).length > 0;
}

Given('the package {string} is installed, or the item does not apply', async function (this: CisWorld, name: string) {
  if (!(await packageInstalled(this, name))) return this.notApplicable(`the package ${name} is not installed`);
  return undefined;
});

Then('the package {string} is installed', async function (this: CisWorld, name: string) {
  const db = await this.fact(installedPackages);
  const present = recordFound(this, db, name);
  if (present.some((p) => p.configured)) return;
  if (!/[*?[]/.test(name)) this.remedy({ summary: `install ${name}`, changes: [{ kind: 'install-packages', names: [name] }], needsInstall: [name] });
  if (present.length) this.fail(`the package ${name} is not completely installed: ${present.map((p) => `${p.where} Status: ${p.status}`).join('; ')}`);
  this.fail(`the package ${name} is not installed`);
});

/** Remove the installed packages matching the patterns (removal only; nothing is ever installed). */
async function remedyRemoval(world: CisWorld, patterns: string[]): Promise<void> {
  const db = await world.fact(installedPackages);
  const names = [...new Set(patterns.flatMap((p) => matchingPackages(db, p).map((x) => x.name)))];
  if (names.length) world.remedy({ summary: `remove ${names.join(', ')}`, changes: [{ kind: 'remove-packages', names }] });
}

const whyPresent = (p: InstalledPackage) => (p.configured ? p.where : `${p.where} Status: ${p.status}, its files are on the system`);

Then('the package {string} is not installed', async function (this: CisWorld, name: string) {
  const db = await this.fact(installedPackages);
  const present = recordFound(this, db, name);
  if (present.length) {
    await remedyRemoval(this, [name]);
    this.fail(`the package ${name} is installed (${present.map(whyPresent).join('; ')})`);
  }
});

Then('none of the packages {words} is installed', async function (this: CisWorld, names: string[]) {
  const db = await this.fact(installedPackages);
  const found: string[] = [];
  for (const n of names) {
    const present = recordFound(this, db, n);
    // the evidence has where each was read; the reason names the state only where it is not plain "installed"
    if (present.length) found.push(present.every((p) => p.configured) ? n : `${n} (${present.filter((p) => !p.configured).map(whyPresent).join('; ')})`);
  }
  if (found.length) {
    await remedyRemoval(this, names);
    this.fail(`installed: ${found.join(', ')}`);
  }
});
