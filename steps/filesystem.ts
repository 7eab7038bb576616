/**
 * Steps about files anywhere on the local filesystems, read from the one walk of the run
 * (src/facts/filesystem.ts), and about package-owned files as the package manager sees them.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { filesystemScan, packageFileChanges, type FilesystemScan, type FoundEntries } from '../src/facts/filesystem.js';
import { identities } from '../src/facts/accounts.js';
import type { WalkEntry } from '../src/targets/target.js';

/** At most this many paths are quoted in a verdict; the rest are counted. */
const QUOTED = 50;

const TYPE_NAMES: Record<string, string> = {
  f: 'file', d: 'directory', l: 'symlink', c: 'char device', b: 'block device', p: 'fifo', s: 'socket',
};

/** A list for evidence: the first lines, then how many more there are. */
export function capped(lines: string[], total = lines.length, max = QUOTED): string {
  const shown = lines.slice(0, max);
  const more = total - shown.length;
  return [...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n');
}

function walkSource(scan: FilesystemScan): string {
  const prune = scan.pruned.length ? ` (not descending into ${scan.pruned.join(', ')})` : '';
  return `walk of ${scan.roots.join(' ')} without crossing filesystems${prune}`;
}

async function describeEntries(world: CisWorld, found: FoundEntries): Promise<string> {
  const ids = await world.fact(identities);
  const lines = found.entries.map((e: WalkEntry) => {
    const user = ids.userName(e.uid) ?? `uid ${e.uid}`;
    const group = ids.groupName(e.gid) ?? `gid ${e.gid}`;
    return `${e.path} (${TYPE_NAMES[e.type] ?? e.type}, mode ${formatMode(e.mode)}, owner ${user}:${group})`;
  });
  return capped(lines, found.total);
}

function scanOf(world: CisWorld): FilesystemScan {
  const scan = world.subject.filesystemScan as FilesystemScan | undefined;
  if (!scan) throw new Error('the filesystem walk was not read: a "Given every local filesystem" step must come first');
  return scan;
}

Given('every local filesystem, walked once for the whole audit', async function (this: CisWorld) {
  const scan = await this.fact(filesystemScan);
  this.subject.filesystemScan = scan;
  const notLocal = scan.skippedMounts.filter((m) => m.why !== 'under a pruned tree');
  const underPruned = scan.skippedMounts.length - notLocal.length;
  const skipped = [
    notLocal.length ? `not walked: ${notLocal.map((m) => `${m.mountPoint} (${m.fsType})`).join(', ')}` : '',
    underPruned ? `${underPruned} mount(s) under ${scan.pruned.join(' or ')} not walked` : '',
  ].filter(Boolean).map((l) => `\n${l}`).join('');
  this.record(walkSource(scan), `walked ${scan.scope}: ${scan.entriesWalked} entries${skipped}`);
});

/** Pass when the list is empty, else fail naming the entries. */
async function noneFound(world: CisWorld, found: FoundEntries, what: string) {
  const scan = scanOf(world);
  if (found.total === 0) {
    world.record(walkSource(scan), `${what}: none among ${scan.entriesWalked} entries`);
    return;
  }
  world.record(walkSource(scan), `${what}: ${found.total}\n${await describeEntries(world, found)}`);
  world.fail(`${what}: ${found.total}, e.g. ${found.entries.slice(0, 3).map((e) => e.path).join(', ')}`);
}

Then('no regular file on them can be written by every user', async function (this: CisWorld) {
  await noneFound(this, scanOf(this).worldWritableFiles, 'world-writable regular files');
});

Then('every file and directory on them belongs to a user the system knows', async function (this: CisWorld) {
  await noneFound(this, scanOf(this).unowned, 'files and directories whose owner uid has no entry in /etc/passwd');
});

Then('every file and directory on them belongs to a group the system knows', async function (this: CisWorld) {
  await noneFound(this, scanOf(this).ungrouped, 'files and directories whose gid has no entry in /etc/group');
});

Then('an auditor compares the set-user-ID programs found with those the system is meant to have', async function (this: CisWorld) {
  const found = scanOf(this).setuidFiles;
  this.record(walkSource(scanOf(this)), `${found.total} set-user-ID regular file(s):\n${await describeEntries(this, found)}`);
  return this.manual(`review the ${found.total} set-user-ID program(s) listed in the evidence: each must be one the system is meant to have, from its package, unchanged`);
});

Then('an auditor compares the set-group-ID programs found with those the system is meant to have', async function (this: CisWorld) {
  const found = scanOf(this).setgidFiles;
  this.record(walkSource(scanOf(this)), `${found.total} set-group-ID regular file(s):\n${await describeEntries(this, found)}`);
  return this.manual(`review the ${found.total} set-group-ID program(s) listed in the evidence: each must be one the system is meant to have, from its package, unchanged`);
});

Given("the package manager's verification of the files it installed, on a running system", async function (this: CisWorld) {
  const changes = await this.liveFact(packageFileChanges);
  if (changes === undefined) return undefined;
  this.record('dpkg --verify', changes.length
    ? `${changes.length} package file(s) differ from what their package installed:\n${capped(changes.map((c) => c.line), changes.length)}`
    : 'every package file matches what its package installed');
  return undefined;
});

Then('an auditor reviews the permissions, owners and contents of package files that differ', function (this: CisWorld) {
  return this.manual('judge whether system files differ from what their packages installed for a good reason: '
    + 'on a running system the evidence lists what `dpkg --verify` reports; `dpkg --verify PACKAGE` and `dpkg -S FILE` '
    + 'help to look further (dpkg on Ubuntu 18.04 compares contents only, so check modes and owners with stat)');
});
