/**
 * Steps about local accounts and groups (/etc/passwd, /etc/shadow, /etc/group): password fields, primary
 * groups, uid 0, duplicate ids and names, the shadow group and NIS compat lines. Password fields are
 * described by their state (empty, hashed, locked), never quoted. Home directories are in
 * home-directories.ts, root's PATH in root-path.ts.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { capped } from './support/evidence.js';
import { groups, nisCompatLines, passwd, shadow, type PasswdPasswordField, type GroupEntry, type PasswdEntry } from '../src/facts/accounts.js';
import { membersOfGroup } from '../src/facts/group-membership.js';

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
