/**
 * Steps about the home directories of the accounts that can log in: that each exists, is owned by its
 * account and is not open to others, and the dot files, .netrc, .forward and .rhosts files directly in it.
 * A home shared with another account, or "/", is fixed by a person.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { describeStat } from './support/permissions.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './support/evidence.js';
import { passwd, type PasswdEntry } from '../src/facts/accounts.js';
import { homeListings, normaliseHome, userHomes, type HomeListing, type UserHome } from '../src/facts/homes.js';
import type { FileStat, WalkEntry } from '../src/targets/target.js';
import { permissionsFix, type PermissionChange } from '../src/remediation/templates.js';

// ---------------------------------------------------------------- home directories

function homesOf(world: CisWorld): UserHome[] {
  const homes = world.subject.homes as UserHome[] | undefined;
  if (!homes) throw new Error('the home directories were not read: a "Given the home directories" step must come first');
  return homes;
}

async function readHomes(world: CisWorld, leaveOut: string[]) {
  const { homes, skipped } = await world.fact(userHomes);
  const kept = homes.filter((h) => !leaveOut.includes(h.account.name));
  const left = homes.filter((h) => leaveOut.includes(h.account.name)).map((h) => `${h.account.name} (left out by this benchmark)`);
  world.subject.homes = kept;
  world.record('/etc/passwd', `accounts that can log in: ${kept.map((h) => `${h.account.name} (${h.account.home})`).join(', ') || 'none'}; `
    + `not checked: ${[...left, ...skipped.map((s) => `${s.name} (${s.why})`)].join(', ') || 'none'}`);
}

Given('the home directories of the accounts that can log in', async function (this: CisWorld) {
  await readHomes(this, []);
});

Given('the home directories of the accounts that can log in, other than root', async function (this: CisWorld) {
  await readHomes(this, ['root']);
});


type PresentHome = UserHome & { stat: FileStat; path: string };

/** Why a home is not an existing directory, or null when it is one. */
function homeMissing(h: UserHome): string | null {
  if (h.path === null) return `home "${h.account.home}" is not an absolute path`;
  if (!h.stat) return `home ${h.path} does not exist`;
  if (h.stat.type !== 'd') return `home ${h.path} is not a directory`;
  return null;
}

/** What to do about a home that is not an existing directory: a person decides where it should be. */
function missingHomeStep(h: UserHome): string {
  return `${h.account.name}: create ${h.path ?? 'a home'} as a directory owned by ${h.account.name} with mode 0750 or stricter `
    + `(mkhomedir_helper ${h.account.name} 0027), or give the account another home (usermod -d DIR ${h.account.name}); `
    + `an account nobody uses can be removed (userdel ${h.account.name})`;
}

/**
 * Whether changing a home's mode or owner is mechanical: not when the home is "/" or is shared with
 * another account (a person decides whose it is), then the reason.
 */
function sharedHome(h: PresentHome, users: PasswdEntry[]): string | null {
  if (h.path === '/') return 'the home is "/"';
  const others = users.filter((u) => u.name !== h.account.name && normaliseHome(u.home) === h.path).map((u) => u.name);
  return others.length ? `the home is also that of ${others.join(', ')}` : null;
}

interface HomeJudgement {
  /** what is wrong with an existing home, or null */
  problem(h: PresentHome): string | null;
  /** the change that fixes it, when the fix is mechanical */
  change(h: PresentHome): PermissionChange;
  /** how to fix it by hand, when it is not */
  byHand(h: PresentHome, why: string): string;
}

/**
 * Judge every home of an account that can log in. A home that is not an existing directory is a
 * problem too: its owner and mode cannot be shown to comply. Fixes are recorded before failing.
 */
async function checkHomes(world: CisWorld, judge: HomeJudgement | null, failure: string, fixSummary: string) {
  const users = await world.fact(passwd);
  const problems: string[] = [];
  const lines: string[] = [];
  const changes: PermissionChange[] = [];
  const byHand: string[] = [];
  for (const h of homesOf(world)) {
    const missing = homeMissing(h);
    if (missing) {
      problems.push(`${h.account.name}: ${missing}`);
      lines.push(`${h.account.home} (home of ${h.account.name}): ${missing}`);
      byHand.push(missingHomeStep(h));
      continue;
    }
    const present = h as PresentHome;
    const problem = judge?.problem(present) ?? null;
    if (problem) {
      problems.push(`${h.account.name}: ${present.path} ${problem}`);
      const shared = sharedHome(present, users);
      if (shared) byHand.push(judge!.byHand(present, shared));
      else changes.push(judge!.change(present));
    }
    lines.push(`${present.path} (home of ${h.account.name}, uid ${h.account.uid}): ${await describeStat(world, present.stat)}${problem ? `; ${problem}` : ''}`);
  }
  world.record('home directories (stat)', capped(lines.length ? lines : ['no account that can log in']));
  if (!problems.length) return;
  if (changes.length) world.remedy(permissionsFix(fixSummary, changes));
  if (byHand.length) world.needsPerson(byHand);
  world.fail(`${failure}: ${problems.join('; ')}`);
}

Then('each of these home directories exists', async function (this: CisWorld) {
  await checkHomes(this, null, 'home directories missing', '');
});

Then('each of these home directories is owned by its account', async function (this: CisWorld) {
  await checkHomes(this, {
    problem: (h) => (h.stat.uid === h.account.uid ? null : `owned by uid ${h.stat.uid}, not by ${h.account.name} (uid ${h.account.uid})`),
    change: (h) => ({ path: h.path, owner: { uid: h.account.uid, gid: h.stat.gid } }),
    byHand: (h, why) => `${h.account.name}: ${h.path} is owned by uid ${h.stat.uid}, but ${why}: decide whose it is, or give ${h.account.name} a home of its own`,
  }, 'home directories not owned by their user', 'give each home directory to its account (the group stays)');
});

Then('none of these home directories is writable by its group, nor readable, writable or searchable by others', async function (this: CisWorld) {
  await checkHomes(this, {
    problem: (h) => {
      const extra = h.stat.mode & 0o027;
      if (!extra) return null;
      const what = [extra & 0o020 && 'group write', extra & 0o004 && 'others read', extra & 0o002 && 'others write', extra & 0o001 && 'others search']
        .filter(Boolean).join(', ');
      return `mode ${formatMode(h.stat.mode)} allows ${what} (at most 0750)`;
    },
    change: (h) => ({ path: h.path, mode: h.stat.mode & ~0o027 & 0o7777 }),
    byHand: (h, why) => `${h.account.name}: ${h.path} has mode ${formatMode(h.stat.mode)}, but ${why}: closing it may lock others out; give ${h.account.name} a home of its own`,
  }, 'home directories more open than 0750', 'remove group write and every permission of others from each home directory (at most 0750)');
});

/** The first-level listings of the homes this scenario checks; a home that could not be listed is an error. */
async function listingsOf(world: CisWorld): Promise<HomeListing[]> {
  const checked = new Set(homesOf(world).map((h) => h.path));
  const listings = (await world.fact(homeListings)).filter((l) => checked.has(l.home));
  const unlisted = listings.filter((l) => l.entries === null);
  if (unlisted.length) {
    world.record('home directories (first level)', unlisted.map((l) => `${l.home}: ${l.unlisted}`).join('\n'));
    throw new Error(`the contents of ${unlisted.map((l) => l.home).join(', ')} could not be listed: ${unlisted[0].unlisted}`);
  }
  return listings;
}

const ownersOf = (world: CisWorld, home: string) => homesOf(world).filter((h) => h.path === home).map((h) => h.account.name).join(', ');
const baseName = (e: WalkEntry) => e.path.slice(e.path.lastIndexOf('/') + 1);

/**
 * Check the regular files directly in the homes that `select` picks, for permission bits in `forbidden`.
 * Each problem file's fix drops those bits.
 */
async function checkHomeFileModes(world: CisWorld, select: (name: string) => boolean, forbidden: number,
  words: { what: string; failing: string; fix: string; describe: (bits: number) => string }) {
  const listings = await listingsOf(world);
  const problems: string[] = [];
  const changes: PermissionChange[] = [];
  let checked = 0;
  for (const l of listings) {
    for (const e of l.entries!) {
      if (!select(baseName(e)) || e.type !== 'f') continue;
      checked++;
      const bits = e.mode & forbidden;
      if (!bits) continue;
      problems.push(`${e.path} (${ownersOf(world, l.home)}): mode ${formatMode(e.mode)} ${words.describe(bits)}`);
      changes.push({ path: e.path, mode: e.mode & ~forbidden & 0o7777 });
    }
  }
  if (!problems.length) {
    world.record('home directories (first level)', `${checked} ${words.what} in ${listings.length} home(s) (${listings.map((l) => l.home).join(', ') || 'none'}), none ${words.failing}`);
    return;
  }
  world.record('home directories (first level)', capped(problems));
  world.remedy(permissionsFix(words.fix, changes));
  world.fail(`${problems.length} ${words.what} ${words.failing}: ${problems.slice(0, 3).map((p) => p.split(' ')[0]).join(', ')}`);
}

Then('no dot file directly in these home directories is writable by its group or by others', async function (this: CisWorld) {
  await checkHomeFileModes(this, (name) => name.startsWith('.'), 0o022, {
    what: 'dot file(s)',
    failing: 'writable by group or others',
    fix: 'remove write permission for group and others from each dot file',
    describe: (bits) => `is ${[bits & 0o020 && 'group', bits & 0o002 && 'world'].filter(Boolean).join(' and ')} writable`,
  });
});

Then('no {string} file directly in these home directories can be read, written or run by its group or by others', async function (this: CisWorld, name: string) {
  const rights = (r: number, w: number, x: number) => [r && 'read', w && 'write', x && 'execute'].filter(Boolean).join(', ');
  await checkHomeFileModes(this, (n) => n === name, 0o077, {
    what: `${name} file(s)`,
    failing: 'open to group or others',
    fix: `remove every permission of group and others from each ${name} file (0600 at most)`,
    describe: (bits) => `gives ${[bits & 0o070 && `its group ${rights(bits & 0o040, bits & 0o020, bits & 0o010)}`,
      bits & 0o007 && `others ${rights(bits & 0o004, bits & 0o002, bits & 0o001)}`].filter(Boolean).join(' and ')}`,
  });
});

Then('none of these home directories contains a {string} file', async function (this: CisWorld, name: string) {
  const listings = await listingsOf(this);
  const found: string[] = [];
  for (const l of listings) {
    for (const e of l.entries!) {
      if (baseName(e) !== name) continue;
      // a symbolic link named like the file is used like the file
      if (e.type === 'f' || e.type === 'l') found.push(`${e.path} (${e.type === 'l' ? 'symbolic link' : `file, mode ${formatMode(e.mode)}`}, home of ${ownersOf(this, l.home)})`);
    }
  }
  if (!found.length) {
    this.record('home directories (first level)', `no ${name} in ${listings.map((l) => l.home).join(', ') || 'any home'}`);
    return;
  }
  this.record('home directories (first level)', capped(found));
  this.needsPerson([
    `ask each user what their ${name} file is for, then remove it or move it out of the home: ${found.map((f) => f.split(' ')[0]).join(', ')}`,
    'what it holds (addresses, hosts, passwords) may have to be replaced another way, for example passwords for remote hosts changed',
  ]);
  this.fail(`${found.length} ${name} file(s): ${found.map((f) => f.split(' ')[0]).join(', ')}`);
});
