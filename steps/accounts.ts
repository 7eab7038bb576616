/**
 * Steps about local accounts and groups (/etc/passwd, /etc/shadow, /etc/group), the home directories of
 * accounts that can log in, and root's login PATH. Password fields are described by their state
 * (empty, hashed, locked), never quoted.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './filesystem.js';
import { groups, identities, passwd, shadow, type PasswdPasswordField, type GroupEntry, type PasswdEntry } from '../src/facts/accounts.js';
import { analysePath, homeListings, rootLoginPath, userHomes, type HomeListing, type UserHome } from '../src/facts/homes.js';
import type { FileStat } from '../src/targets/target.js';

const accountLine = (u: PasswdEntry) => `/etc/passwd:${u.line} ${u.name} (uid ${u.uid}, gid ${u.gid}, home ${u.home}, shell ${u.shell})`;
const groupLine = (g: GroupEntry) => `/etc/group:${g.line} ${g.name} (gid ${g.gid}${g.members.length ? `, members ${g.members.join(',')}` : ''})`;

/** Describe a password field without ever quoting a hash. */
function passwordFieldText(field: PasswdPasswordField): string {
  if (field === 'x') return '"x" (the password is in /etc/shadow)';
  if (field === 'empty') return 'empty (no password is needed)';
  if (field === 'no-login') return 'a marker such as "*" or "!" (no password can match)';
  if (field === 'locked') return 'a locked password hash';
  return 'a password hash';
}

// ---------------------------------------------------------------- reading the account databases

Given('the local accounts in \\/etc\\/passwd', async function (this: CisWorld) {
  const users = await this.fact(passwd);
  this.record('/etc/passwd', `${users.length} accounts`);
});

Given('the password entries in \\/etc\\/shadow', async function (this: CisWorld) {
  const entries = await this.fact(shadow);
  this.record('/etc/shadow', `${entries.length} entries (password fields are described by state only)`);
});

Given('the groups in \\/etc\\/group', async function (this: CisWorld) {
  const grps = await this.fact(groups);
  this.record('/etc/group', `${grps.length} groups`);
});

// ---------------------------------------------------------------- 6.2.1–6.2.3, 6.2.11

Then('every account\'s password field is "x", which points to \\/etc\\/shadow', async function (this: CisWorld) {
  const users = await this.fact(passwd);
  const bad = users.filter((u) => u.password !== 'x');
  if (!bad.length) {
    this.record('/etc/passwd', `all ${users.length} accounts have "x" in the password field`);
    return;
  }
  const lines = bad.map((u) => `/etc/passwd:${u.line} ${u.name}: password field is ${passwordFieldText(u.password)}`);
  this.record('/etc/passwd', capped(lines));
  this.fail(`${bad.length} account(s) do not keep their password in /etc/shadow: ${bad.map((u) => u.name).join(', ')}`);
});

Then('no account has an empty password field', async function (this: CisWorld) {
  const entries = await this.fact(shadow);
  const empty = entries.filter((e) => e.state === 'empty');
  if (!empty.length) {
    const counts = new Map<string, number>();
    for (const e of entries) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
    this.record('/etc/shadow', `no empty password field; by state: ${[...counts].map(([s, n]) => `${s} ${n}`).join(', ')}`);
    return;
  }
  this.record('/etc/shadow', capped(empty.map((e) => `/etc/shadow:${e.line} ${e.name}: password field is empty`)));
  this.fail(`${empty.length} account(s) can log in without a password: ${empty.map((e) => e.name).join(', ')}`);
});

Then('every account\'s primary group exists in \\/etc\\/group', async function (this: CisWorld) {
  const [users, grps] = await Promise.all([this.fact(passwd), this.fact(groups)]);
  const gids = new Set(grps.map((g) => g.gid));
  const missing = users.filter((u) => !gids.has(u.gid));
  if (!missing.length) {
    this.record('/etc/passwd, /etc/group', `the primary gids of all ${users.length} accounts (${[...new Set(users.map((u) => u.gid))].sort((a, b) => a - b).join(', ')}) are in /etc/group`);
    return;
  }
  this.record('/etc/passwd', capped(missing.map((u) => `${accountLine(u)}: gid ${u.gid} is not in /etc/group`)));
  this.fail(`${missing.length} account(s) have a primary group that does not exist: ${missing.map((u) => `${u.name} (gid ${u.gid})`).join(', ')}`);
});

Then('{string} is the only account with UID 0', async function (this: CisWorld, name: string) {
  const users = await this.fact(passwd);
  const zero = users.filter((u) => u.uid === 0);
  this.record('/etc/passwd', zero.length ? zero.map(accountLine).join('\n') : 'no account has uid 0');
  const others = zero.filter((u) => u.name !== name);
  if (others.length) this.fail(`besides ${name}, ${others.map((u) => u.name).join(', ')} ha${others.length > 1 ? 've' : 's'} uid 0`);
  if (!zero.length) this.fail(`no account has uid 0, not even ${name}`);
});

// ---------------------------------------------------------------- 6.2.13–6.2.16

function duplicates<T>(items: T[], key: (t: T) => string | number): Array<[string | number, T[]]> {
  const by = new Map<string | number, T[]>();
  for (const i of items) by.set(key(i), [...(by.get(key(i)) ?? []), i]);
  return [...by].filter(([, list]) => list.length > 1);
}

async function noDuplicates<T>(world: CisWorld, source: string, items: T[], key: (t: T) => string | number, what: string, line: (t: T) => string) {
  const dups = duplicates(items, key);
  if (!dups.length) {
    world.record(source, `${items.length} entries, each ${what} appears once`);
    return;
  }
  world.record(source, capped(dups.map(([k, list]) => `${what} ${k}: ${list.map(line).join('; ')}`)));
  world.fail(`${dups.length} ${what}(s) used more than once: ${dups.map(([k]) => k).join(', ')}`);
}

Then('no two accounts share a UID', async function (this: CisWorld) {
  await noDuplicates(this, '/etc/passwd', await this.fact(passwd), (u) => u.uid, 'uid', accountLine);
});

Then('no two accounts share a name', async function (this: CisWorld) {
  await noDuplicates(this, '/etc/passwd', await this.fact(passwd), (u) => u.name, 'user name', accountLine);
});

Then('no two groups share a GID', async function (this: CisWorld) {
  await noDuplicates(this, '/etc/group', await this.fact(groups), (g) => g.gid, 'gid', groupLine);
});

Then('no two groups share a name', async function (this: CisWorld) {
  await noDuplicates(this, '/etc/group', await this.fact(groups), (g) => g.name, 'group name', groupLine);
});

// ---------------------------------------------------------------- 6.2.17

Given('the group {string} exists, or the item does not apply', async function (this: CisWorld, name: string) {
  const found = (await this.fact(groups)).filter((g) => g.name === name);
  if (!found.length) {
    this.record('/etc/group', `no group named ${name}`);
    return this.notApplicable(`there is no group named ${name}`);
  }
  return undefined;
});

Then('the group {string} lists no members', async function (this: CisWorld, name: string) {
  const found = (await this.fact(groups)).filter((g) => g.name === name);
  this.record('/etc/group', found.map(groupLine).join('\n'));
  const members = [...new Set(found.flatMap((g) => g.members))];
  if (members.length) this.fail(`the group ${name} has member(s): ${members.join(', ')}`);
});

Then('no account has {string} as its primary group', async function (this: CisWorld, name: string) {
  const [users, grps] = await Promise.all([this.fact(passwd), this.fact(groups)]);
  const gids = new Set(grps.filter((g) => g.name === name).map((g) => g.gid));
  const primary = users.filter((u) => gids.has(u.gid));
  if (!primary.length) {
    this.record('/etc/passwd', `no account has gid ${[...gids].join(' or ')} (${name}) as its primary group`);
    return;
  }
  this.record('/etc/passwd', capped(primary.map(accountLine)));
  this.fail(`account(s) with ${name} as primary group: ${primary.map((u) => u.name).join(', ')}`);
});

// ---------------------------------------------------------------- 6.2.4–6.2.10 home directories

function homesOf(world: CisWorld): UserHome[] {
  const homes = world.subject.homes as UserHome[] | undefined;
  if (!homes) throw new Error('the home directories were not read: a "Given the home directories" step must come first');
  return homes;
}

Given('the home directories of the accounts that can log in', async function (this: CisWorld) {
  const { homes, skipped } = await this.fact(userHomes);
  this.subject.homes = homes;
  this.record('/etc/passwd', `accounts that can log in: ${homes.map((h) => `${h.account.name} (${h.account.home})`).join(', ') || 'none'}; `
    + `not checked (cannot log in): ${skipped.map((s) => s.name).join(', ') || 'none'}`);
});

async function describeStat(world: CisWorld, st: FileStat): Promise<string> {
  const ids = await world.fact(identities);
  return `${st.type === 'd' ? 'directory' : st.type === 'f' ? 'file' : st.type}, mode ${formatMode(st.mode)}, owner ${ids.userName(st.uid) ?? `uid ${st.uid}`}:${ids.groupName(st.gid) ?? `gid ${st.gid}`}`;
}

type PresentHome = UserHome & { stat: FileStat; path: string };

/** Why a home is not an existing directory, or null when it is one. */
function homeMissing(h: UserHome): string | null {
  if (h.path === null) return `home "${h.account.home}" is not an absolute path`;
  if (!h.stat) return `home ${h.path} does not exist`;
  if (h.stat.type !== 'd') return `home ${h.path} is not a directory`;
  return null;
}

/**
 * Judge every home of an account that can log in. A home that is not an existing directory is a
 * problem too: its owner and mode cannot be shown to comply.
 */
async function checkHomes(world: CisWorld, judge: (h: PresentHome) => string | null, failure: string) {
  const problems: string[] = [];
  const lines: string[] = [];
  for (const h of homesOf(world)) {
    const missing = homeMissing(h);
    if (missing) {
      problems.push(`${h.account.name}: ${missing}`);
      lines.push(`${h.account.home} (home of ${h.account.name}): ${missing}`);
      continue;
    }
    const present = h as PresentHome;
    const problem = judge(present);
    if (problem) problems.push(`${h.account.name}: ${present.path} ${problem}`);
    lines.push(`${present.path} (home of ${h.account.name}, uid ${h.account.uid}): ${await describeStat(world, present.stat)}${problem ? `; ${problem}` : ''}`);
  }
  world.record('home directories (stat)', capped(lines.length ? lines : ['no account that can log in']));
  if (problems.length) world.fail(`${failure}: ${problems.join('; ')}`);
}

Then('each of these home directories exists', async function (this: CisWorld) {
  await checkHomes(this, () => null, 'home directories missing');
});

Then('each of these home directories is owned by its account', async function (this: CisWorld) {
  await checkHomes(this, (h) => (h.stat.uid === h.account.uid ? null : `owned by uid ${h.stat.uid}, not by ${h.account.name} (uid ${h.account.uid})`),
    'home directories not owned by their user');
});

Then('none of these home directories is writable by its group, nor readable, writable or searchable by others', async function (this: CisWorld) {
  await checkHomes(this, (h) => {
    const extra = h.stat.mode & 0o027;
    if (!extra) return null;
    const what = [extra & 0o020 && 'group write', extra & 0o004 && 'others read', extra & 0o002 && 'others write', extra & 0o001 && 'others search']
      .filter(Boolean).join(', ');
    return `mode ${formatMode(h.stat.mode)} allows ${what} (at most 0750)`;
  }, 'home directories more open than 0750');
});

async function listingsOf(world: CisWorld): Promise<HomeListing[]> {
  const listings = await world.fact(homeListings);
  const unlisted = listings.filter((l) => l.entries === null);
  if (unlisted.length) {
    world.record('home directories (first level)', unlisted.map((l) => `${l.home}: ${l.unlisted}`).join('\n'));
    throw new Error(`the contents of ${unlisted.map((l) => l.home).join(', ')} could not be listed: ${unlisted[0].unlisted}`);
  }
  return listings;
}

const ownersOf = (world: CisWorld, home: string) => homesOf(world).filter((h) => h.path === home).map((h) => h.account.name).join(', ');

Then('no dot file directly in these home directories is writable by its group or by others', async function (this: CisWorld) {
  const listings = await listingsOf(this);
  const problems: string[] = [];
  let checked = 0;
  for (const l of listings) {
    for (const e of l.entries!) {
      const name = e.path.slice(e.path.lastIndexOf('/') + 1);
      if (!name.startsWith('.') || e.type !== 'f') continue;
      checked++;
      const bits = e.mode & 0o022;
      if (bits) problems.push(`${e.path} (${ownersOf(this, l.home)}): mode ${formatMode(e.mode)} is ${[bits & 0o020 && 'group', bits & 0o002 && 'world'].filter(Boolean).join(' and ')} writable`);
    }
  }
  if (!problems.length) {
    this.record('home directories (first level)', `${checked} dot file(s) in ${listings.length} home(s) (${listings.map((l) => l.home).join(', ') || 'none'}), none group- or world-writable`);
    return;
  }
  this.record('home directories (first level)', capped(problems));
  this.fail(`${problems.length} dot file(s) writable by group or others: ${problems.slice(0, 3).map((p) => p.split(' ')[0]).join(', ')}`);
});

Then('none of these home directories contains a {string} file', async function (this: CisWorld, name: string) {
  const listings = await listingsOf(this);
  const found: string[] = [];
  for (const l of listings) {
    for (const e of l.entries!) {
      if (e.path.slice(e.path.lastIndexOf('/') + 1) !== name) continue;
      // a symbolic link named like the file is used like the file
      if (e.type === 'f' || e.type === 'l') found.push(`${e.path} (${e.type === 'l' ? 'symbolic link' : `file, mode ${formatMode(e.mode)}`}, home of ${ownersOf(this, l.home)})`);
    }
  }
  if (!found.length) {
    this.record('home directories (first level)', `no ${name} in ${listings.map((l) => l.home).join(', ') || 'any home'}`);
    return;
  }
  this.record('home directories (first level)', capped(found));
  this.fail(`${found.length} ${name} file(s): ${found.map((f) => f.split(' ')[0]).join(', ')}`);
});

// ---------------------------------------------------------------- 6.2.12 root's PATH

Given("root's PATH as its login shell sets it, on a running system", async function (this: CisWorld) {
  const value = await this.liveFact(rootLoginPath);
  if (value === undefined) return this.notApplicable("offline root filesystem: root's login PATH exists only on a running system");
  this.subject.rootPath = value.path;
  this.record(value.command, `PATH=${value.path}`);
  return undefined;
});

Then("root's PATH has no empty entry, no trailing colon and no \".\"", function (this: CisWorld) {
  const path = this.subject.rootPath as string;
  const { problems } = analysePath(path);
  if (problems.length) this.fail(`root's PATH ${JSON.stringify(path)}: ${problems.join('; ')}`);
});

Then("every directory in root's PATH exists, is owned by root and is not writable by its group or by others", async function (this: CisWorld) {
  const path = this.subject.rootPath as string;
  const { directories } = analysePath(path);
  const stats = await this.facts.stat(directories);
  const problems: string[] = [];
  const lines: string[] = [];
  for (const d of directories) {
    const st = stats.get(d);
    if (!st) { problems.push(`${d} does not exist`); lines.push(`${d}: does not exist`); continue; }
    lines.push(`${d}: ${await describeStat(this, st)}`);
    if (st.type !== 'd') problems.push(`${d} is not a directory`);
    if (st.uid !== 0) problems.push(`${d} is owned by uid ${st.uid}, not root`);
    if (st.mode & 0o020) problems.push(`${d} is group-writable (mode ${formatMode(st.mode)})`);
    if (st.mode & 0o002) problems.push(`${d} is world-writable (mode ${formatMode(st.mode)})`);
  }
  this.record("directories in root's PATH (stat, following symbolic links)", lines.join('\n') || 'none');
  if (problems.length) this.fail(problems.join('; '));
});
