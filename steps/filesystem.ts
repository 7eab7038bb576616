/**
 * Steps about files anywhere on the local filesystems, read from the one walk of the run
 * (src/facts/filesystem.ts), and about package-owned files as the package manager sees them.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { filesystemScan, packageFileChanges, type FilesystemScan, type FoundEntries } from '../src/facts/filesystem.js';
import { identities } from '../src/facts/accounts.js';
import { packageManager } from '../src/facts/packages.js';
import type { WalkEntry } from '../src/targets/target.js';
import { safeName } from '../src/model/text.js';
import { capped } from './support/evidence.js';
import { permissionsFix } from '../src/remediation/templates.js';

const TYPE_NAMES: Record<string, string> = {
  f: 'file', d: 'directory', l: 'symlink', c: 'char device', b: 'block device', p: 'fifo', s: 'socket',
};

function walkSource(scan: FilesystemScan): string {
  const prune = scan.pruned.length ? ` (not descending into ${scan.pruned.join(', ')})` : '';
  return `walk of ${scan.roots.join(' ')} without crossing filesystems${prune}`;
}

async function describeEntries(world: CisWorld, found: FoundEntries): Promise<string> {
  const ids = await world.fact(identities);
  const lines = found.entries.map((e: WalkEntry) => {
    const user = ids.userName(e.uid) ?? `uid ${e.uid}`;
    const group = ids.groupName(e.gid) ?? `gid ${e.gid}`;
    return `${safeName(e.path)} (${TYPE_NAMES[e.type] ?? e.type}, mode ${formatMode(e.mode)}, owner ${user}:${group})`;
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

/** Pass when the list is empty; else record the fix (before failing) and fail naming the entries. */
async function noneFound(world: CisWorld, found: FoundEntries, what: string, fix: (found: FoundEntries) => void) {
  const scan = scanOf(world);
  if (found.total === 0) {
    world.record(walkSource(scan), `${what}: none among ${scan.entriesWalked} entries`);
    return;
  }
  world.record(walkSource(scan), `${what}: ${found.total}\n${await describeEntries(world, found)}`);
  fix(found);
  world.fail(`${what}: ${found.total}, e.g. ${found.entries.slice(0, 3).map((e) => safeName(e.path)).join(', ')}`);
}

/** The entries a fix names: all of them, or the first ones kept by the walk and a word on the rest. */
function notListed(found: FoundEntries): string {
  const more = found.total - found.entries.length;
  return more > 0 ? ` (the first ${found.entries.length}; ${more} more are found again by the next audit)` : '';
}

/** A person decides who should own a file left by a deleted account, or whether it should go. */
function ownerlessFix(world: CisWorld, found: FoundEntries, missing: 'owner' | 'group') {
  const lines = found.entries.map((e) => `${e.path} (${missing === 'owner' ? `uid ${e.uid}` : `gid ${e.gid}`})`);
  world.needsPerson([
    `find out which account or package each file below belonged to: ${missing === 'owner' ? 'an owner' : 'a group'} id without an entry usually `
      + 'means a deleted account, an unpacked archive or a container layer',
    missing === 'owner'
      ? 'give each file an owner that exists (chown USER FILE) or remove it if nothing needs it; or restore the account'
      : 'give each file a group that exists (chgrp GROUP FILE) or remove it if nothing needs it; or restore the group',
    `the files${notListed(found)}:\n${capped(lines)}`,
  ]);
}

Then('no regular file on them can be written by every user', async function (this: CisWorld) {
  await noneFound(this, scanOf(this).worldWritableFiles, 'world-writable regular files', (found) => {
    this.remedy(permissionsFix(`remove write permission for others from ${found.entries.length} file(s)${notListed(found)}`,
      found.entries.map((e) => ({ path: e.path, mode: e.mode & ~0o002 & 0o7777 }))));
  });
});

Then('every file and directory on them belongs to a user the system knows', async function (this: CisWorld) {
  await noneFound(this, scanOf(this).unowned, 'files and directories whose owner uid has no entry in /etc/passwd', (found) => ownerlessFix(this, found, 'owner'));
});

Then('every file and directory on them belongs to a group the system knows', async function (this: CisWorld) {
  await noneFound(this, scanOf(this).ungrouped, 'files and directories whose gid has no entry in /etc/group', (found) => ownerlessFix(this, found, 'group'));
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
  const verification = await this.liveFact(packageFileChanges);
  if (verification === undefined) {
    if ((await this.fact(packageManager)) === 'rpm') {
      this.record('rpm --root (on the auditing machine)', 'not run: verifying a tree from outside would resolve its owners through the '
        + "tree's own libraries (rpm changes root to it) and could run the packages' verify scripts; nothing of the audited tree is run");
    }
    return undefined;
  }
  const { command, changes } = verification;
  this.record(command, changes.length
    ? `${changes.length} package file(s) differ from what their package installed:\n${capped(changes.map((c) => c.line), changes.length)}`
    : 'every package file matches what its package installed');
  return undefined;
});

Then('an auditor reviews the permissions, owners and contents of package files that differ', async function (this: CisWorld) {
  if ((await this.fact(packageManager)) === 'rpm') {
    return this.manual('judge whether system files differ from what their packages installed for a good reason: on a running system '
      + 'the evidence lists what `rpm -Va` reports for modes (M), owners (U), groups (G) and device numbers (D); `rpm -qf FILE` '
      + 'names the package of a file and `rpm -V PACKAGE` verifies one package in full, contents included');
  }
  return this.manual('judge whether system files differ from what their packages installed for a good reason: '
    + 'on a running system the evidence lists what `dpkg --verify` reports; `dpkg --verify PACKAGE` and `dpkg -S FILE` '
    + 'help to look further (dpkg on Ubuntu 18.04 compares contents only, so check modes and owners with stat)');
});
