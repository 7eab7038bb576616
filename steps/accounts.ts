/**
 * Steps about local accounts and groups (/etc/passwd, /etc/shadow, /etc/group), the home directories of
 * accounts that can log in, and root's login PATH. Password fields are described by their state
 * (empty, hashed, locked), never quoted.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './support/evidence.js';
import { groups, identities, nisCompatLines, passwd, shadow, type PasswdPasswordField, type GroupEntry, type PasswdEntry } from '../src/facts/accounts.js';
import { membersOfGroup } from '../src/facts/group-membership.js';
import { analysePath, homeListings, normaliseHome, rootLoginPath, userHomes, type HomeListing, type UserHome } from '../src/facts/homes.js';
import type { FileStat, WalkEntry } from '../src/targets/target.js';
import type { Change } from '../src/model/remediation.js';
import { CheckError } from '../src/model/verdict.js';
import { UNKNOWN, type Possible } from '../src/facts/shell-effective.js';

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

/** "; N NIS compat line(s) ... not counted" when the file has any, for the evidence of a reading step. */
async function compatNote(world: CisWorld, path: string): Promise<string> {
  const compat = await world.fact(nisCompatLines(path));
  return compat.length ? `; ${compat.length} NIS compat line(s) (lines ${compat.map((c) => c.line).join(', ')}) are not local entries and are not counted` : '';
}

Given('the local accounts in \\/etc\\/passwd', async function (this: CisWorld) {
  const users = await this.fact(passwd);
  this.record('/etc/passwd', `${users.length} accounts${await compatNote(this, '/etc/passwd')}`);
});

Given('the password entries in \\/etc\\/shadow', async function (this: CisWorld) {
  const entries = await this.fact(shadow);
  this.record('/etc/shadow', `${entries.length} entries (password fields are described by state only)${await compatNote(this, '/etc/shadow')}`);
});

Given('the groups in \\/etc\\/group', async function (this: CisWorld) {
  const grps = await this.fact(groups);
  this.record('/etc/group', `${grps.length} groups${await compatNote(this, '/etc/group')}`);
});

// ---------------------------------------------------------------- passwords, primary groups, uid 0

Then('every account\'s password field is "x", which points to \\/etc\\/shadow', async function (this: CisWorld) {
  const users = await this.fact(passwd);
  const bad = users.filter((u) => u.password !== 'x');
  if (!bad.length) {
    this.record('/etc/passwd', `all ${users.length} accounts have "x" in the password field`);
    return;
  }
  const lines = bad.map((u) => `/etc/passwd:${u.line} ${u.name}: password field is ${passwordFieldText(u.password)}`);
  this.record('/etc/passwd', capped(lines));
  this.needsPerson([
    `find out why ${bad.map((u) => u.name).join(', ')} keep${bad.length === 1 ? 's' : ''} a password field in /etc/passwd (a tool that edits the file directly?)`,
    'run pwconv, which moves every password into /etc/shadow and leaves "x" in /etc/passwd; an account with an empty field then needs a password or a lock (passwd -l NAME)',
  ]);
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
  this.needsPerson([
    `lock each account until its owner sets a password: ${empty.map((e) => `passwd -l ${e.name}`).join('; ')}`,
    'find out who used these accounts and how (last, the logs), and whether they are still needed',
  ]);
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
  this.needsPerson([
    `for each account, create its group (groupadd -g GID NAME) or give it an existing primary group (usermod -g GROUP NAME): ${missing.map((u) => `${u.name} (gid ${u.gid})`).join(', ')}`,
    'files already created with the missing gid keep it: look for them (find / -xdev -gid GID) once the group is decided',
  ]);
  this.fail(`${missing.length} account(s) have a primary group that does not exist: ${missing.map((u) => `${u.name} (gid ${u.gid})`).join(', ')}`);
});

Then('{string} is the only account with UID 0', async function (this: CisWorld, name: string) {
  const users = await this.fact(passwd);
  const zero = users.filter((u) => u.uid === 0);
  this.record('/etc/passwd', zero.length ? zero.map(accountLine).join('\n') : 'no account has uid 0');
  const others = zero.filter((u) => u.name !== name);
  if (others.length) {
    this.needsPerson([
      `find out who uses ${others.map((u) => u.name).join(', ')} and why ${others.length > 1 ? 'they have' : 'it has'} uid 0`,
      'give each one a uid of its own (usermod -u UID NAME, then move its files) or remove it (userdel NAME); administrators use sudo as themselves',
    ]);
    this.fail(`besides ${name}, ${others.map((u) => u.name).join(', ')} ha${others.length > 1 ? 've' : 's'} uid 0`);
  }
  if (!zero.length) this.fail(`no account has uid 0, not even ${name}`);
});

// ---------------------------------------------------------------- duplicate ids and names

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
  // lookups by name or id (getent, id, ls, login) find the first entry: the others are shadowed by it
  world.record(source, capped(dups.map(([k, list]) => `${what} ${k}: ${list.map(line).join('; ')} (lookups by ${what} find the first; the others are hidden behind it)`)));
  world.needsPerson([
    `decide, for each ${what} used more than once (${dups.map(([k]) => k).join(', ')}), which entry keeps it`,
    `give the other entries a ${what} of their own (usermod / groupmod) or remove them (userdel / groupdel), with vipw or vigr for hand edits; `
      + 'files that carry a changed id must then be given to the right account or group',
  ]);
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

// ---------------------------------------------------------------- the shadow group

Given('the group {string} exists, or the item does not apply', async function (this: CisWorld, name: string) {
  const found = (await this.fact(groups)).filter((g) => g.name === name);
  if (!found.length) {
    this.record('/etc/group', `no group named ${name}`);
    return this.notApplicable(`there is no group named ${name}`);
  }
  return undefined;
});

Then('the group {string} lists no members', async function (this: CisWorld, name: string) {
  const [users, grps] = await Promise.all([this.fact(passwd), this.fact(groups)]);
  const gids = new Set(grps.filter((g) => g.name === name).map((g) => g.gid));
  // a line with the same gid under another name gives its members the same gid at login
  const lines = grps.filter((g) => gids.has(g.gid));
  this.record('/etc/group', lines.map((g) => `${groupLine(g)}${g.name === name ? '' : ` (gid of ${name})`}`).join('\n'));
  const listed = membersOfGroup(users, grps, name).filter((m) => m.how === 'listed');
  if (listed.length) {
    const members = [...new Set(listed.map((m) => m.name))];
    const others = lines.filter((g) => g.name !== name && g.members.length).map((g) => g.name);
    this.needsPerson([`remove each member from the group ${name}${others.length ? ` and from ${others.join(', ')}, which ha${others.length > 1 ? 've' : 's'} its gid` : ''} (gpasswd -d USER GROUP): ${members.join(', ')}; a program that needs the hashes is set-group-ID ${name} instead`]);
    this.fail(`the group ${name} (gid ${[...gids].join(', ')}) has member(s): ${listed.map((m) => `${m.name} (/etc/group:${m.line})`).join(', ')}`);
  }
});

Then('no account has {string} as its primary group', async function (this: CisWorld, name: string) {
  const [users, grps] = await Promise.all([this.fact(passwd), this.fact(groups)]);
  const gids = new Set(grps.filter((g) => g.name === name).map((g) => g.gid));
  const primary = membersOfGroup(users, grps, name).filter((m) => m.how === 'primary').map((m) => users.find((u) => u.line === m.line)!);
  if (!primary.length) {
    this.record('/etc/passwd', `no account has gid ${[...gids].join(' or ')} (${name}) as its primary group`);
    return;
  }
  this.record('/etc/passwd', capped(primary.map(accountLine)));
  this.needsPerson([`give each account another primary group (usermod -g GROUP NAME): ${primary.map((u) => u.name).join(', ')}`]);
  this.fail(`account(s) with ${name} as primary group: ${primary.map((u) => u.name).join(', ')}`);
});

// ---------------------------------------------------------------- NIS compat ("+") lines

Then('no line of {string} starts with {string}', async function (this: CisWorld, path: string, marker: string) {
  const compat = (await this.fact(nisCompatLines(path))).filter((c) => c.marker === marker);
  if (!compat.length) {
    this.record(path, `no line starts with "${marker}"`);
    return;
  }
  // the name part only: the other fields of a shadow line may hold a hash
  const lines = compat.map((c) => `${path}:${c.line} ${c.marker}${c.name}${c.name === '' ? ' (every NIS entry)' : ''}`);
  this.record(path, capped(lines));
  this.needsPerson([
    `check that nothing still takes accounts or groups from NIS through these lines ("compat" in /etc/nsswitch.conf, a running ypbind): ${lines.join(', ')}`,
    `remove the line(s) with ${path === '/etc/shadow' ? 'vipw -s' : path === '/etc/group' ? 'vigr' : path === '/etc/gshadow' ? 'vigr -s' : 'vipw'}; `
      + 'if NIS is still wanted, name it in /etc/nsswitch.conf ("files nis") instead',
  ]);
  this.fail(`${compat.length} line(s) of ${path} start with "${marker}": ${compat.map((c) => `line ${c.line}`).join(', ')}`);
});

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
  change(h: PresentHome): Change;
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
  const changes: Change[] = [];
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
  if (changes.length) world.remedy({ summary: fixSummary, changes });
  if (byHand.length) world.needsPerson(byHand);
  world.fail(`${failure}: ${problems.join('; ')}`);
}

Then('each of these home directories exists', async function (this: CisWorld) {
  await checkHomes(this, null, 'home directories missing', '');
});

Then('each of these home directories is owned by its account', async function (this: CisWorld) {
  await checkHomes(this, {
    problem: (h) => (h.stat.uid === h.account.uid ? null : `owned by uid ${h.stat.uid}, not by ${h.account.name} (uid ${h.account.uid})`),
    change: (h) => ({ kind: 'set-owner', path: h.path, uid: h.account.uid, gid: h.stat.gid }),
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
    change: (h) => ({ kind: 'set-mode', path: h.path, mode: h.stat.mode & ~0o027 & 0o7777 }),
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
  const changes: Change[] = [];
  let checked = 0;
  for (const l of listings) {
    for (const e of l.entries!) {
      if (!select(baseName(e)) || e.type !== 'f') continue;
      checked++;
      const bits = e.mode & forbidden;
      if (!bits) continue;
      problems.push(`${e.path} (${ownersOf(world, l.home)}): mode ${formatMode(e.mode)} ${words.describe(bits)}`);
      changes.push({ kind: 'set-mode', path: e.path, mode: e.mode & ~forbidden & 0o7777 });
    }
  }
  if (!problems.length) {
    world.record('home directories (first level)', `${checked} ${words.what} in ${listings.length} home(s) (${listings.map((l) => l.home).join(', ') || 'none'}), none ${words.failing}`);
    return;
  }
  world.record('home directories (first level)', capped(problems));
  world.remedy({ summary: words.fix, changes });
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

// ---------------------------------------------------------------- root's PATH

Given("root's PATH as a login shell of root sets it, worked out from login's settings and root's start-up files", async function (this: CisWorld) {
  const settings = await this.facts.get(rootLoginPath);
  const where = (o: Possible<string | null>) => (o.origin ? `${o.origin.file}:${o.origin.line} ${o.origin.text}` : 'unchanged by the start-up files');
  const unknown = settings.outcomes.flatMap((o) => o.values.filter((v) => v.value === UNKNOWN).map((v) => `${o.login.source}, ${o.shell}: ${where(v)}`));
  const lines = settings.outcomes.flatMap((o, i) => [
    ...(i > 0 && settings.outcomes[i - 1].login === o.login ? [] : [`PATH given at login: ${o.login.value ?? '(not determined)'}, ${o.login.source}`]),
    `  ${o.shell}, after ${settings.files.join(', ')}: ${o.values.map((v) => (v.value === UNKNOWN ? `not determined (${where(v)})` : `PATH=${v.value ?? '(unset)'} (${where(v)})`)).join('\n    or ')}`,
  ]);
  this.record(`root's login PATH, from ${['/etc/login.defs', '/etc/environment', ...settings.files].join(', ')} (root's shell ${settings.shell}, home ${settings.home})`,
    [...lines, ...settings.notes.map((n) => `note: ${n}`)].join('\n'));
  if (unknown.length) throw new CheckError(`root's PATH is not determined by the files: ${[...new Set(unknown)].slice(0, 3).join('; ')}`);
  const paths = [...new Set(settings.outcomes.flatMap((o) => o.values.map((v) => v.value ?? '')))];
  if (!paths.length) throw new CheckError("no login shell of root reaches its prompt (a start-up file exits): there is no PATH to judge");
  this.subject.rootPaths = paths;
});

/** Each PATH root may log in with; a problem found in any of them is a problem of root's PATH. */
const rootPaths = (world: CisWorld) => world.subject.rootPaths as string[];

Then("root's PATH has no empty entry, no trailing colon and no \".\"", function (this: CisWorld) {
  const found = rootPaths(this).map((path) => ({ path, problems: analysePath(path).problems })).filter((p) => p.problems.length);
  if (!found.length) return;
  const all = [...new Set(found.flatMap((f) => f.problems))];
  this.needsPerson([
    `find where root's PATH gets these entries (/etc/login.defs ENV_SUPATH, /etc/environment, /etc/profile, /etc/profile.d/*.sh, /etc/bashrc, /root/.bash_profile, /root/.profile, /root/.bashrc) and remove them: ${all.join('; ')}`,
  ]);
  this.fail(found.map((f) => `root's PATH ${JSON.stringify(f.path)}: ${f.problems.join('; ')}`).join(' | '));
});

Then("every directory in root's PATH exists, is owned by root and is not writable by its group or by others", async function (this: CisWorld) {
  const directories = [...new Set(rootPaths(this).flatMap((p) => analysePath(p).directories))];
  const stats = await this.facts.stat(directories);
  const problems: string[] = [];
  const lines: string[] = [];
  const changes: Change[] = [];
  const byHand: string[] = [];
  for (const d of directories) {
    const st = stats.get(d);
    if (!st) {
      problems.push(`${d} does not exist`);
      lines.push(`${d}: does not exist`);
      byHand.push(`${d} does not exist: remove it from root's PATH where it is added (/etc/profile, /root/.bash_profile, ...), or create it owned by root with mode 0755 or stricter`);
      continue;
    }
    lines.push(`${d}: ${await describeStat(this, st)}`);
    if (st.type !== 'd') { problems.push(`${d} is not a directory`); byHand.push(`${d} is not a directory: remove it from root's PATH`); }
    if (st.uid !== 0) { problems.push(`${d} is owned by uid ${st.uid}, not root`); byHand.push(`${d} belongs to uid ${st.uid}: give it to root (chown root ${d}) or remove it from root's PATH`); }
    if (st.mode & 0o020) problems.push(`${d} is group-writable (mode ${formatMode(st.mode)})`);
    if (st.mode & 0o002) problems.push(`${d} is world-writable (mode ${formatMode(st.mode)})`);
    if (st.type === 'd' && st.mode & 0o022) changes.push({ kind: 'set-mode', path: d, mode: st.mode & ~0o022 & 0o7777 });
  }
  this.record("directories in root's PATH (stat, following symbolic links)", lines.join('\n') || 'none');
  if (!problems.length) return;
  if (changes.length) this.remedy({ summary: "remove write permission for group and others from the directories in root's PATH", changes });
  if (byHand.length) this.needsPerson(byHand);
  this.fail(problems.join('; '));
});
