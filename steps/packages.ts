/**
 * Steps about installed packages, read from the package database (dpkg status or the RPM database).
 * Package names may use shell wildcards (xserver-xorg*), matched against installed package names.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { installedPackages, type InstalledPackages } from '../src/facts/packages.js';
import { globToRegExp } from '../src/targets/rootfs.js';

export function matchingPackages(db: InstalledPackages, pattern: string) {
  const re = globToRegExp(pattern);
  return [...db.packages.values()].filter((p) => re.test(p.name));
}

export async function packageInstalled(world: CisWorld, pattern: string): Promise<boolean> {
  const db = await world.fact(installedPackages);
  const found = matchingPackages(db, pattern);
  world.record(db.source, found.length
    ? found.slice(0, 10).map((p) => `${p.name} ${p.version} installed${p.line ? ` (line ${p.line})` : ''}`).join('; ') + (found.length > 10 ? `; and ${found.length - 10} more` : '')
    : `no installed package matches ${pattern}`);
  return found.length > 0;
}

Given('the package {string} is installed, or the item does not apply', async function (this: CisWorld, name: string) {
  if (!(await packageInstalled(this, name))) return this.notApplicable(`the package ${name} is not installed`);
  return undefined;
});

Then('the package {string} is installed', async function (this: CisWorld, name: string) {
  if (!(await packageInstalled(this, name))) {
    if (!/[*?[]/.test(name)) this.remedy({ summary: `install ${name}`, changes: [{ kind: 'install-packages', names: [name] }], needsInstall: [name] });
    this.fail(`the package ${name} is not installed`);
  }
});

/** Remove the installed packages matching the patterns (removal only; nothing is ever installed). */
async function remedyRemoval(world: CisWorld, patterns: string[]): Promise<void> {
  const db = await world.fact(installedPackages);
  const names = [...new Set(patterns.flatMap((p) => matchingPackages(db, p).map((x) => x.name)))];
  if (names.length) world.remedy({ summary: `remove ${names.join(', ')}`, changes: [{ kind: 'remove-packages', names }] });
}

Then('the package {string} is not installed', async function (this: CisWorld, name: string) {
  if (await packageInstalled(this, name)) {
    await remedyRemoval(this, [name]);
    this.fail(`the package ${name} is installed`);
  }
});

Then('none of the packages {words} is installed', async function (this: CisWorld, names: string[]) {
  const found: string[] = [];
  for (const n of names) if (await packageInstalled(this, n)) found.push(n);
  if (found.length) {
    await remedyRemoval(this, found);
    this.fail(`installed: ${found.join(', ')}`);
  }
});
