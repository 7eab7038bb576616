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
import { installedPackages, type InstalledPackage } from '../src/facts/packages.js';
import { matchingPackages, packageInstalled, recordFound } from './support/packages.js';
import { packageInstallFix, packageRemovalFix } from '../src/remediation/templates.js';

Given('the package {string} is installed, or the item does not apply', async function (this: CisWorld, name: string) {
  if (!(await packageInstalled(this, name))) return this.notApplicable(`the package ${name} is not installed`);
  return undefined;
});

Then('the package {string} is installed', async function (this: CisWorld, name: string) {
  const db = await this.fact(installedPackages);
  const present = recordFound(this, db, name);
  if (present.some((p) => p.configured)) return;
  if (!/[*?[]/.test(name)) this.remedy(packageInstallFix(name));
  if (present.length) this.fail(`the package ${name} is not completely installed: ${present.map((p) => `${p.where} Status: ${p.status}`).join('; ')}`);
  this.fail(`the package ${name} is not installed`);
});

/** Remove the installed packages matching the patterns (removal only; nothing is ever installed). */
async function remedyRemoval(world: CisWorld, patterns: string[]): Promise<void> {
  const db = await world.fact(installedPackages);
  const names = [...new Set(patterns.flatMap((p) => matchingPackages(db, p).map((x) => x.name)))];
  if (names.length) world.remedy(packageRemovalFix(names));
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
