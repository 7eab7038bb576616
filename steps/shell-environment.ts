/**
 * Steps about the environment every login shell starts with: the default umask (set in the system-wide
 * start-up files, or by pam_umask from /etc/login.defs) and the idle timeout TMOUT.
 *
 * Remediations keep every start-up file a valid shell script: a loose `umask` or `TMOUT=` command that
 * starts its line is rewritten in place (never commented out, which could leave an if-branch empty), and
 * what is missing goes into a drop-in of cis-bdd's own, /etc/profile.d/cis-bdd.sh.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { Change } from '../src/remediation/model.js';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './filesystem.js';
import { shellProfiles, umaskEffect, type ShellProfiles, type UmaskCommand, type UmaskEffect } from '../src/facts/shell-profiles.js';
import { LOGIN_DEFS, loginDefs } from '../src/facts/login-defs.js';
import { describePamEntry, moduleName, pamArgument, pamConfig } from '../src/facts/pam.js';

async function readProfiles(world: CisWorld) {
  const p = await world.fact(shellProfiles);
  world.record(p.read.join(', '), p.files.length ? `read: ${p.files.map((f) => f.file).join(', ')}` : 'none of them exists');
}

Given('the shell start-up files \\/etc\\/profile, \\/etc\\/profile.d\\/*.sh and \\/etc\\/bash.bashrc', async function (this: CisWorld) {
  await readProfiles(this);
});

Given('the shell start-up files \\/etc\\/profile, \\/etc\\/profile.d\\/*.sh and \\/etc\\/bashrc', async function (this: CisWorld) {
  await readProfiles(this);
});

/** cis-bdd's own drop-in for what no start-up file sets. */
export const PROFILE_DROP_IN = '/etc/profile.d/cis-bdd.sh';

const dropIn = (lines: string[]): Change => ({
  kind: 'edit-file', path: PROFILE_DROP_IN, edits: lines.map((line) => ({ op: 'ensure-line' as const, line })), create: { mode: 0o644, uid: 0, gid: 0 },
});

// ---------------------------------------------------------------- umask

/** The umask bits of `required` a umask surely masks (new files never get them). */
const restrictsAll = (e: UmaskEffect, required: number) => (e.masked & required) === required;
/** Bits of `required` a umask surely leaves open. */
const leavesOpen = (e: UmaskEffect, required: number) => e.granted & required;

function describeUmask(u: UmaskCommand, required: number): string {
  if (!u.effect) return `${u.file}:${u.line} umask ${u.written}: not a umask value`;
  const open = leavesOpen(u.effect, required);
  const verdict = restrictsAll(u.effect, required) ? `${formatMode(required)} or more restrictive`
    : open ? `less restrictive than ${formatMode(required)} (leaves ${formatMode(open)} open)` : 'only partly determined (a relative symbolic umask)';
  return `${u.file}:${u.line} ${u.text}: ${verdict}`;
}

interface PamUmask { effect: UmaskEffect | null; says: string; complies: boolean }

/**
 * What pam_umask sets at login: its umask= argument or UMASK from /etc/login.defs; with USERGROUPS_ENAB
 * yes (or the usergroups argument) a user whose group is their own gets the group bits equal to the
 * owner bits, i.e. a group-writable default. Null when common-session does not call pam_umask.
 */
async function pamUmask(world: CisWorld, required: number): Promise<PamUmask | null> {
  const pam = await world.fact(pamConfig);
  // the session rules every login shares: Debian's common-session, the Red Hat family's system-auth
  const stack = ['common-session', 'system-auth'].map((s) => pam.stack(s, 'session')).find((s) => s.exists) ?? pam.stack('common-session', 'session');
  const calls = stack.entries.filter((e) => moduleName(e.module) === 'pam_umask.so' && ['optional', 'requisite', 'required'].includes(e.control));
  if (!stack.exists || stack.problems.length || !calls.length) {
    world.record(`${stack.file} (session rules)`, !stack.exists ? 'does not exist' : stack.problems.length ? stack.problems.join('\n') : 'pam_umask.so is not called');
    return null;
  }
  const call = calls[calls.length - 1];
  const defs = await world.fact(loginDefs);
  const arg = pamArgument(call, 'umask');
  const setting = defs.settings.get('UMASK');
  const written = arg ?? setting?.value ?? '022';
  const origin = arg ? `umask=${arg} at ${call.file}:${call.line}` : setting ? `${setting.file}:${setting.line} UMASK ${setting.value}` : 'UMASK not set in /etc/login.defs (022 applies)';
  const groups = defs.settings.get('USERGROUPS_ENAB');
  const usergroups = call.args.includes('usergroups') || groups?.value.toLowerCase() === 'yes';
  const effect = /^[0-7]+$/.test(written) ? umaskEffect(written) : null;
  const complies = !!effect && restrictsAll(effect, required) && !usergroups;
  const says = `${describePamEntry(call)}: ${origin}; ${groups ? `${groups.file}:${groups.line} USERGROUPS_ENAB ${groups.value}` : 'USERGROUPS_ENAB not set (no)'}`
    + `${call.args.includes('usergroups') ? '; the usergroups argument is given' : ''}`
    + (usergroups ? ' (users in their own group get group write)' : '');
  world.record('pam_umask', says);
  return { effect, says, complies };
}

/** Octal digits of a umask as written in a remediation: 027. */
const octal = (mode: number) => mode.toString(8).padStart(3, '0');

/**
 * How to make the default umask `required`: rewrite the loose umask commands that start their line in
 * place, set UMASK in login.defs when it is loose (where pam_umask may apply it), and put a umask in
 * cis-bdd's drop-in when no file would set a compliant one otherwise. Both umask steps record the same
 * fix, so one pass of hardening satisfies both.
 */
async function remedyUmask(world: CisWorld, p: ShellProfiles, required: number, withLoginDefs: boolean): Promise<void> {
  const value = octal(required);
  const changes: Change[] = [];
  const umasks = p.files.flatMap((f) => f.umasks);
  const loose = umasks.filter((u) => u.effect && leavesOpen(u.effect, required));
  const rewritable = (u: UmaskCommand) => /^umask\s/.test(u.text);
  for (const file of [...new Set(loose.map((u) => u.file))]) {
    if (loose.some((u) => u.file === file && rewritable(u))) {
      changes.push({ kind: 'edit-file', path: file, edits: [{ op: 'key-value-set', key: 'umask', value, separator: ' ' }] });
    }
  }
  const stuck = loose.filter((u) => !rewritable(u));
  const compliantAfter = umasks.some((u) => (u.effect && restrictsAll(u.effect, required)) || (rewritable(u) && loose.includes(u)));
  if (!compliantAfter) changes.push(dropIn([`umask ${value}`]));
  if (withLoginDefs) {
    const setting = (await world.fact(loginDefs)).settings.get('UMASK');
    const e = setting ? umaskEffect(setting.value) : null;
    if (e && leavesOpen(e, required)) changes.push({ kind: 'edit-file', path: LOGIN_DEFS, edits: [{ op: 'key-value-set', key: 'UMASK', value, separator: ' ' }] });
  }
  if (changes.length) world.remedy({ summary: `make the default umask ${value}`, changes });
  if (stuck.length) world.needsPerson(stuck.map((u) => `${u.file} line ${u.line} ("${u.text}"): change the umask to ${value}`));
}

async function umaskSetInProfiles(world: CisWorld, required: number): Promise<boolean> {
  const p = await world.fact(shellProfiles);
  const umasks = p.files.flatMap((f) => f.umasks);
  world.record(p.files.map((f) => f.file).join(', ') || p.read.join(', '), umasks.length ? capped(umasks.map((u) => describeUmask(u, required))) : 'no umask command');
  return umasks.some((u) => u.effect && restrictsAll(u.effect, required));
}

Then('a umask of {mode} or more restrictive is set in them, or by pam_umask from UMASK in \\/etc\\/login.defs', async function (this: CisWorld, required: number) {
  if (await umaskSetInProfiles(this, required)) return;
  const viaPam = await pamUmask(this, required);
  if (viaPam?.complies) return;
  await remedyUmask(this, await this.fact(shellProfiles), required, true);
  this.fail(`no umask of ${formatMode(required)} or more restrictive is set in the shell start-up files${viaPam ? ', and pam_umask does not set one' : ', and pam_umask is not used'}`);
});

Then('a umask of {mode} or more restrictive is set in them', async function (this: CisWorld, required: number) {
  if (await umaskSetInProfiles(this, required)) return;
  await remedyUmask(this, await this.fact(shellProfiles), required, false);
  this.fail(`no umask of ${formatMode(required)} or more restrictive is set in the shell start-up files`);
});

/** The umask commands of the start-up files that leave a bit of `required` open, recorded. */
function looseUmasks(world: CisWorld, p: ShellProfiles, required: number): UmaskCommand[] {
  const loose = p.files.flatMap((f) => f.umasks).filter((u) => u.effect && leavesOpen(u.effect, required));
  if (loose.length) world.record('shell start-up files', capped(loose.map((u) => describeUmask(u, required))));
  return loose;
}

Then('no umask less restrictive than {mode} is set in them or as UMASK in \\/etc\\/login.defs', async function (this: CisWorld, required: number) {
  const p = await this.fact(shellProfiles);
  const defs = await this.fact(loginDefs);
  const setting = defs.settings.get('UMASK');
  const defsEffect = setting ? umaskEffect(setting.value) : null;
  const defsLoose = !!defsEffect && !!leavesOpen(defsEffect, required);
  if (setting) this.record(`${setting.file}:${setting.line}`, `UMASK ${setting.value}${defsLoose ? `: less restrictive than ${formatMode(required)}` : ''}`);
  else this.record(defs.file, 'UMASK is not set');
  const loose = looseUmasks(this, p, required);
  const all = [...loose.map((u) => `${u.file}:${u.line} umask ${u.written}`), ...(defsLoose ? [`${setting!.file}:${setting!.line} UMASK ${setting!.value}`] : [])];
  if (all.length) {
    await remedyUmask(this, p, required, true);
    this.fail(`umask less restrictive than ${formatMode(required)}: ${all.join('; ')}`);
  }
});

Then('no umask less restrictive than {mode} is set in them', async function (this: CisWorld, required: number) {
  const p = await this.fact(shellProfiles);
  const loose = looseUmasks(this, p, required);
  if (!loose.length) {
    this.record('shell start-up files', `no umask less restrictive than ${formatMode(required)}`);
    return;
  }
  await remedyUmask(this, p, required, false);
  this.fail(`umask less restrictive than ${formatMode(required)}: ${loose.map((u) => `${u.file}:${u.line} umask ${u.written}`).join('; ')}`);
});

// ---------------------------------------------------------------- TMOUT

Then('one of them sets "TMOUT" to at most {int} seconds, makes it read-only and exports it', async function (this: CisWorld, max: number) {
  const p = await this.fact(shellProfiles);
  const lines: string[] = [];
  let good: string | undefined;
  for (const f of p.files) {
    if (!f.tmout.length) continue;
    const assigns = f.tmout.filter((t) => t.kind === 'assign');
    const ok = assigns.some((a) => a.seconds != null && a.seconds >= 1 && a.seconds <= max);
    const ro = f.tmout.some((t) => t.kind === 'readonly');
    const ex = f.tmout.some((t) => t.kind === 'export');
    lines.push(`${f.file}: ${f.tmout.map((t) => `line ${t.line} ${t.text}`).join('; ')} -> `
      + `${ok ? `a value of 1 to ${max}` : 'no value of 1 to ' + max}, ${ro ? 'read-only' : 'not read-only'}, ${ex ? 'exported' : 'not exported'}`);
    if (ok && ro && ex && !good) good = f.file;
  }
  this.record(p.files.map((f) => f.file).join(', ') || p.read.join(', '), lines.length ? capped(lines) : 'TMOUT is not mentioned');
  if (!good) {
    remedyTmout(this, p, max, true);
    this.fail(`no start-up file sets TMOUT to 1-${max} seconds, makes it read-only and exports it`);
  }
});

/**
 * How to get an idle timeout of `max` seconds: plain `TMOUT=` assignments that start their line and set
 * 0 or too long a time are rewritten in place; cis-bdd's drop-in sets, locks and exports the value when
 * no file does all three. Both TMOUT steps record the same fix.
 */
function remedyTmout(world: CisWorld, p: ShellProfiles, max: number, needsGood: boolean) {
  const changes: Change[] = [];
  const bad = p.files.flatMap((f) => f.tmout).filter((t) => t.kind === 'assign' && t.seconds != null && (t.seconds === 0 || t.seconds > max));
  const plain = (t: (typeof bad)[number]) => /^TMOUT=\S+$/.test(t.text);
  for (const file of [...new Set(bad.filter(plain).map((t) => t.file))]) {
    changes.push({ kind: 'edit-file', path: file, edits: [{ op: 'key-value-set', key: 'TMOUT', value: String(max), separator: '=' }] });
  }
  if (needsGood) changes.push(dropIn([`TMOUT=${max}`, 'readonly TMOUT', 'export TMOUT']));
  if (changes.length) world.remedy({ summary: `an idle shell timeout of ${max} seconds, read-only and exported`, changes });
  const stuck = bad.filter((t) => !plain(t));
  if (stuck.length) world.needsPerson(stuck.map((t) => `${t.file} line ${t.line} ("${t.text}"): set TMOUT to at most ${max} seconds`));
}

/** Whether some start-up file sets TMOUT to 1..max, makes it read-only and exports it. */
function hasGoodTmout(p: ShellProfiles, max: number): boolean {
  return p.files.some((f) => f.tmout.some((t) => t.kind === 'assign' && t.seconds != null && t.seconds >= 1 && t.seconds <= max)
    && f.tmout.some((t) => t.kind === 'readonly') && f.tmout.some((t) => t.kind === 'export'));
}

Then('none of them sets "TMOUT" to 0 or to more than {int} seconds', async function (this: CisWorld, max: number) {
  const p = await this.fact(shellProfiles);
  const bad = p.files.flatMap((f) => f.tmout).filter((t) => t.kind === 'assign' && t.seconds != null && (t.seconds === 0 || t.seconds > max));
  if (!bad.length) {
    this.record('shell start-up files', 'no TMOUT of 0 or above the limit');
    return;
  }
  this.record('shell start-up files', capped(bad.map((t) => `${t.file}:${t.line} ${t.text}`)));
  remedyTmout(this, p, max, !hasGoodTmout(p, max));
  this.fail(`TMOUT set to 0 (no timeout) or above ${max} seconds: ${bad.map((t) => `${t.file}:${t.line} TMOUT=${t.written}`).join('; ')}`);
});
