/**
 * Whether a package is on the system, with what was read recorded as evidence: shared by the step files
 * whose items depend on a package. A package is on the system when its files are (dpkg: any state but
 * not-installed and config-files; rpm: a header in the database).
 */
import type { CisWorld } from './world.js';
import { installedPackages, type InstalledPackage, type InstalledPackages } from '../../src/facts/packages.js';
import { globToRegExp } from '../../src/model/glob.js';

/** Packages on the system whose name matches the pattern (one entry per name; wildcards as dpkg-query -W and rpm -qa read them). */
export function matchingPackages(db: InstalledPackages, pattern: string): InstalledPackage[] {
  const re = globToRegExp(pattern);
  return [...db.packages.values()].filter((p) => re.test(p.name));
}

/** Every instance in the database whose name matches, present or not (config-files leftovers too). */
export function matchingRecords(db: InstalledPackages, pattern: string): InstalledPackage[] {
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

export function recordFound(world: CisWorld, db: InstalledPackages, pattern: string): InstalledPackage[] {
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
