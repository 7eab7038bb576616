/**
 * Steps about the shadow password suite: the defaults in /etc/login.defs and /etc/default/useradd, the
 * password ageing fields of each account in /etc/shadow, and the system accounts below UID_MIN.
 * Password fields are described by their state only; a hash is never recorded.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { capped } from './support/evidence.js';
import { passwd, shadow, type ShadowEntry } from '../src/facts/accounts.js';
import {
  LOGIN_DEFS, LOGIN_DEFS_DEFAULTS, USERADD_BUILTIN_DEFAULTS, USERADD_DEFAULTS, loginDefs, shadowNumber, useraddDefaults, type DefsFile,
} from '../src/facts/login-defs.js';
import { rootFile, settingFix } from '../src/remediation/templates.js';

interface DefsValue { value: number; says: string }

/** Several steps of one item may read the same setting: record it once. */
function recordOnce(world: CisWorld, source: string, excerpt: string) {
  if (!world.evidence.some((e) => e.source === source && e.excerpt === excerpt)) world.record(source, excerpt);
}

/** A numeric setting of a defaults file as the tools see it: set, or their built-in default. */
function defsValue(world: CisWorld, defs: DefsFile, name: string, builtins: Record<string, string>, strict = false): DefsValue {
  const s = defs.settings.get(name);
  const fallback = builtins[name];
  if (!s) {
    const says = `${name} is not set in ${defs.file}${defs.exists ? '' : ' (the file does not exist)'}; the built-in value ${fallback} applies`;
    recordOnce(world, defs.file, says);
    return { value: Number(fallback), says };
  }
  const n = shadowNumber(s.value, strict ? 'long' : 'int');
  if (n === null) {
    const says = `${defs.file}:${s.line} ${name} "${s.value}" is not a number, so the tools use ${fallback}`;
    recordOnce(world, `${defs.file}:${s.line}`, says);
    return { value: Number(fallback), says };
  }
  const says = `${defs.file}:${s.line} ${name} ${s.value}`;
  recordOnce(world, `${defs.file}:${s.line}`, `${name} ${s.value}`);
  return { value: n, says };
}

/**
 * Set a name in login.defs ("NAME value", every active line for it rewritten) or /etc/default/useradd
 * ("NAME=value"). Only new accounts get these defaults; existing accounts are fixed one by one.
 */
function remedyDefs(world: CisWorld, file: string, name: string, value: number) {
  const useradd = file === USERADD_DEFAULTS;
  world.remedy(settingFix({
    path: file, settings: [[name, String(value)]], separator: useradd ? '=' : ' ', create: rootFile(useradd ? 0o600 : 0o644),
    summary: `set ${name} ${value} in ${file}`,
  }));
}

Then('{string} in \\/etc\\/login.defs is at least {int}', async function (this: CisWorld, name: string, min: number) {
  const v = defsValue(this, await this.fact(loginDefs), name, LOGIN_DEFS_DEFAULTS);
  if (v.value < min) {
    remedyDefs(this, LOGIN_DEFS, name, min);
    this.fail(`${v.says}: must be at least ${min}`);
  }
});

Then('{string} in \\/etc\\/login.defs is at most {int}', async function (this: CisWorld, name: string, max: number) {
  const v = defsValue(this, await this.fact(loginDefs), name, LOGIN_DEFS_DEFAULTS);
  if (v.value < 0 || v.value > max) remedyDefs(this, LOGIN_DEFS, name, max);
  // a negative value turns the limit off
  if (v.value < 0) this.fail(`${v.says}: a negative value means no limit; must be at most ${max}`);
  if (v.value > max) this.fail(`${v.says}: must be at most ${max}`);
});

Then('{string} in \\/etc\\/default\\/useradd is between {int} and {int}', async function (this: CisWorld, name: string, min: number, max: number) {
  // useradd reads the value untrimmed: "30 " is not a number to it, and "030" is octal
  const v = defsValue(this, await this.fact(useraddDefaults), name, USERADD_BUILTIN_DEFAULTS, true);
  if (v.value < min || v.value > max) {
    remedyDefs(this, USERADD_DEFAULTS, name, max);
    this.fail(`${v.says}: must be between ${min} and ${max}${v.value === -1 ? ' (-1 means never)' : ''}`);
  }
});

// ---------------------------------------------------------------- /etc/shadow, account by account

/** Accounts with a usable password: the field is a hash or empty, not locked with "!" nor disabled with "*". */
async function accountsWithPassword(world: CisWorld): Promise<ShadowEntry[]> {
  const entries = await world.fact(shadow);
  const withPassword = entries.filter((e) => e.state === 'hashed' || e.state === 'empty');
  world.record('/etc/shadow', withPassword.length
    ? `accounts with a password: ${withPassword.map((e) => e.name).join(', ')}`
    : `no account has a password (all ${entries.length} are locked or cannot log in with a password)`);
  return withPassword;
}

const field = (v: number | null) => (v === null ? 'empty' : String(v));

/**
 * /etc/shadow holds password hashes, so cis-bdd never rewrites it: the ageing fields of existing
 * accounts are changed with chage, by a person, one command per account.
 */
async function everyAccountWithPassword(world: CisWorld, what: string, value: (e: ShadowEntry) => number | null, ok: (v: number | null) => boolean, wanted: string, chage: string) {
  const accounts = await accountsWithPassword(world);
  const lines = accounts.map((e) => `/etc/shadow:${e.line} ${e.name}: ${what} ${field(value(e))}${ok(value(e)) ? '' : ` (must be ${wanted})`}`);
  if (lines.length) world.record('/etc/shadow', capped(lines));
  const bad = accounts.filter((e) => !ok(value(e)));
  if (bad.length) {
    world.needsPerson(bad.map((e) => `chage ${chage} ${e.name}`));
    world.fail(`${what} must be ${wanted}: ${bad.map((e) => `${e.name} (${field(value(e))})`).join(', ')}`);
  }
}

Then('every account with a password in \\/etc\\/shadow has a minimum password age of at least {int} day(s)', async function (this: CisWorld, min: number) {
  await everyAccountWithPassword(this, 'minimum days between changes', (e) => e.minDays, (v) => v !== null && v >= min, `at least ${min}`, `--mindays ${min}`);
});

Then('every account with a password in \\/etc\\/shadow has a maximum password age of at most {int} days', async function (this: CisWorld, max: number) {
  // empty or negative: the password never expires
  await everyAccountWithPassword(this, 'maximum password age', (e) => e.maxDays, (v) => v !== null && v >= 0 && v <= max, `at most ${max} (empty or negative: never expires)`, `--maxdays ${max}`);
});

Then('every account with a password in \\/etc\\/shadow is warned at least {int} days before its password expires', async function (this: CisWorld, min: number) {
  await everyAccountWithPassword(this, 'warning days', (e) => e.warnDays, (v) => v !== null && v >= min, `at least ${min}`, `--warndays ${min}`);
});

Then('every account with a password in \\/etc\\/shadow is disabled at most {int} days after its password expires', async function (this: CisWorld, max: number) {
  await everyAccountWithPassword(this, 'inactive days', (e) => e.inactiveDays, (v) => v !== null && v >= 0 && v <= max, `between 0 and ${max} (empty or -1: never disabled)`, `--inactive ${max}`);
});

const DAY_MS = 86_400_000;
const isoDay = (days: number) => new Date(days * DAY_MS).toISOString().slice(0, 10);

Then('no account with a password in \\/etc\\/shadow has its last password change after the audit date', async function (this: CisWorld) {
  const accounts = await accountsWithPassword(this);
  const started = this.session.startedAt;
  const today = Math.floor(started.getTime() / DAY_MS);
  this.record('audit date', `${started.toISOString()} (the start of this audit, on the auditing machine's clock): day ${today} since 1970-01-01 (${isoDay(today)})`);
  const dated = accounts.filter((e) => e.lastChange !== null);
  const future = dated.filter((e) => e.lastChange! > today);
  if (!future.length) {
    if (accounts.length) {
      this.record('/etc/shadow', capped(accounts.map((e) => `/etc/shadow:${e.line} ${e.name}: last change ${e.lastChange === null ? 'not recorded' : `day ${e.lastChange} (${isoDay(e.lastChange)})`}`)));
    }
    return;
  }
  this.record('/etc/shadow', capped(future.map((e) => `/etc/shadow:${e.line} ${e.name}: last change day ${e.lastChange} (${isoDay(e.lastChange!)}), after day ${today}`)));
  this.needsPerson([
    ...future.map((e) => `find out why ${e.name}'s last password change is dated ${isoDay(e.lastChange!)} (a wrong clock, or a tampered entry), then have the password changed or set the date with "chage --lastday <YYYY-MM-DD> ${e.name}"`),
  ]);
  this.fail(`${future.length} account(s) changed their password after the audit date ${isoDay(today)}: ${future.map((e) => `${e.name} (${isoDay(e.lastChange!)})`).join(', ')}`);
});

// ---------------------------------------------------------------- system accounts (UID below UID_MIN)

async function systemAccounts(world: CisWorld, except: string[]) {
  const uidMin = defsValue(world, await world.fact(loginDefs), 'UID_MIN', LOGIN_DEFS_DEFAULTS);
  const users = await world.fact(passwd);
  // "+name" lines pull accounts from NIS; they are not local accounts
  return users.filter((u) => u.uid < uidMin.value && !except.includes(u.name) && !u.name.startsWith('+'));
}

Then('every account with a UID below UID_MIN, except {words}, has the shell {words}', async function (this: CisWorld, except: string[], shells: string[]) {
  const accounts = await systemAccounts(this, except);
  const bad = accounts.filter((u) => !shells.includes(u.shell));
  this.record('/etc/passwd', bad.length
    ? capped(bad.map((u) => `/etc/passwd:${u.line} ${u.name} (uid ${u.uid}) has the shell ${u.shell || '(empty: /bin/sh)'}`))
    : `${accounts.length} accounts checked (${except.join(', ')} left out), each has the shell ${shells.join(' or ')}`);
  if (bad.length) {
    this.needsPerson(bad.map((u) => `usermod -s ${shells[0]} ${u.name}`));
    this.fail(`system accounts that may get a shell: ${bad.map((u) => `${u.name} (${u.shell || 'empty'})`).join(', ')}`);
  }
});

Then('every account with a UID below UID_MIN, except {words}, has a locked password in \\/etc\\/shadow', async function (this: CisWorld, except: string[]) {
  const accounts = await systemAccounts(this, except);
  const entries = await this.fact(shadow);
  const bad: string[] = [];
  for (const u of accounts) {
    const e = entries.find((s) => s.name === u.name);
    // locked: "!..." or "*" (what `passwd -S` reports as L); a hash or an empty field is usable
    if (!e) bad.push(`${u.name} (uid ${u.uid}) has no entry in /etc/shadow`);
    else if (e.state === 'hashed') bad.push(`/etc/shadow:${e.line} ${u.name} has a usable password hash`);
    else if (e.state === 'empty') bad.push(`/etc/shadow:${e.line} ${u.name} has an empty password field`);
  }
  this.record('/etc/shadow', bad.length ? capped(bad) : `the passwords of all ${accounts.length} accounts checked (${except.join(', ')} left out) are locked or disabled`);
  if (bad.length) {
    const names = bad.map((b) => b.replace(/^\/etc\/shadow:\d+ /, '').split(' ')[0]);
    this.needsPerson(names.map((n) => `usermod -L ${n}`));
    this.fail(`system accounts whose password is not locked: ${names.join(', ')}`);
  }
});

Then('the primary group of {string} in \\/etc\\/passwd is GID {int}', async function (this: CisWorld, name: string, gid: number) {
  const found = (await this.fact(passwd)).filter((u) => u.name === name);
  if (!found.length) {
    this.record('/etc/passwd', `no account named ${name}`);
    this.fail(`there is no account named ${name}`);
  }
  this.record('/etc/passwd', found.map((u) => `/etc/passwd:${u.line} ${u.name} uid ${u.uid} gid ${u.gid}`).join('\n'));
  const wrong = found.filter((u) => u.gid !== gid);
  if (wrong.length) {
    this.needsPerson([`usermod -g ${gid} ${name}`, `then check the group of the files ${name} created while its primary group was another one`]);
    this.fail(`the primary group of ${name} is GID ${wrong.map((u) => u.gid).join(', ')}, not ${gid}`);
  }
});
