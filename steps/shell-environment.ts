/**
 * Steps about the environment every login shell starts with: the default umask (set in the system-wide
 * start-up files, or by pam_umask from /etc/login.defs) and the idle timeout TMOUT.
 *
 * Remediations keep every start-up file a valid shell script: a loose `umask` or `TMOUT=` command that
 * starts its line is rewritten in place (never commented out, which could leave an if-branch empty), and
 * what is missing goes into a drop-in of cis-bdd's own, /etc/profile.d/cis-bdd.sh.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { Change } from '../src/model/remediation.js';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './support/evidence.js';
import { shellProfiles, umaskEffect, type ShellProfiles, type UmaskCommand, type UmaskEffect } from '../src/facts/shell-profiles.js';
import { LOGIN_SHELL_FILES, loginShellSettings, type LoginShellOutcome, type LoginShellSettings } from '../src/facts/shell-login.js';
import { UNKNOWN, type Possible, type UmaskValue } from '../src/facts/shell-effective.js';
import { LOGIN_DEFS, loginDefs } from '../src/facts/login-defs.js';
import { describePamEntry, pamArgument, pamConfig } from '../src/facts/pam.js';
import { moduleName } from '../src/facts/pam-parse.js';
import { editFile, linesFix, remediation, rootFile, setKey } from '../src/remediation/templates.js';

Given('the start-up files of a login shell, run as bash runs them', async function (this: CisWorld) {
  const settings = await readLoginShells(this);
  this.record(LOGIN_SHELL_FILES.join(', '), `a login shell reads ${settings.files[0]}${settings.files.length > 1 ? `, then what it sources: ${settings.files.slice(1).join(', ')}` : ''}`);
});

/** cis-bdd's own drop-in for what no start-up file sets. */
export const PROFILE_DROP_IN = '/etc/profile.d/cis-bdd.sh';

const dropIn = (lines: string[]): Change[] => linesFix({ path: PROFILE_DROP_IN, lines, create: rootFile(0o644) }).changes;

// ---------------------------------------------------------------- umask

/** The umask bits of `required` a umask surely masks (new files never get them). */
const restrictsAll = (e: UmaskEffect, required: number) => (e.masked & required) === required;
/** Bits of `required` a umask surely leaves open. */
const leavesOpen = (e: UmaskEffect, required: number) => e.granted & required;

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
      changes.push(editFile(file, [setKey('umask', value, ' ')]));
    }
  }
  const stuck = loose.filter((u) => !rewritable(u));
  const compliantAfter = umasks.some((u) => (u.effect && restrictsAll(u.effect, required)) || (rewritable(u) && loose.includes(u)));
  if (!compliantAfter) changes.push(...dropIn([`umask ${value}`]));
  if (withLoginDefs) {
    const setting = (await world.fact(loginDefs)).settings.get('UMASK');
    const e = setting ? umaskEffect(setting.value) : null;
    if (e && leavesOpen(e, required)) changes.push(editFile(LOGIN_DEFS, [setKey('UMASK', value, ' ')]));
  }
  if (changes.length) world.remedy(remediation(`make the default umask ${value}`, changes));
  if (stuck.length) world.needsPerson(stuck.map((u) => `${u.file} line ${u.line} ("${u.text}"): change the umask to ${value}`));
}

/** What the umask steps say about one possible final umask of a shell; null when it complies. */
function umaskProblem(p: Possible<UmaskValue>, o: LoginShellOutcome, required: number, pam: PamUmask | null): string | null {
  if (p.value === UNKNOWN) return `not determined by the files (${where(p)})`;
  if (p.value === 'inherited') {
    if (!o.shell.login) return null;
    if (pam?.complies) return null;
    return `no start-up file sets a umask on this path, and ${pam ? 'pam_umask does not set a compliant one' : 'pam_umask is not used'}`;
  }
  return (p.value & required) === required ? null : `umask ${octal(p.value)} (${where(p)}) leaves ${formatMode(required & ~p.value)} open`;
}

const where = (p: Possible<unknown>) => (p.origin ? `${p.origin.file}:${p.origin.line} ${p.origin.text}` : 'before the start-up files');

function describeUmaskValue(p: Possible<UmaskValue>): string {
  if (p.value === 'inherited') return 'the umask login gave (no start-up file sets one on this path)';
  if (p.value === UNKNOWN) return `not determined (${where(p)})`;
  return `${octal(p.value)} (${where(p)})`;
}

const readLoginShells = (world: CisWorld): Promise<LoginShellSettings> => world.fact(loginShellSettings);

async function checkUmask(world: CisWorld, required: number, withPam: boolean) {
  const settings = await readLoginShells(world);
  const pam = withPam ? await pamUmask(world, required) : null;
  const lines: string[] = [];
  const problems: string[] = [];
  for (const o of settings.outcomes) {
    lines.push(`${o.label}: ${o.umask.map(describeUmaskValue).join(' or ')}`);
    for (const p of o.umask) {
      const problem = umaskProblem(p, o, required, pam);
      if (problem) problems.push(`${o.label}: ${problem}`);
    }
  }
  if (settings.notes.length) lines.push(...settings.notes);
  world.record(`${settings.files.join(', ')} (run as bash runs them)`, capped(lines));
  if (!problems.length) return;
  await remedyUmask(world, await world.fact(shellProfiles), required, withPam);
  world.fail(`not every shell ends up with a umask of ${formatMode(required)} or more restrictive: ${[...new Set(problems)].join('; ')}`);
}

Then('every login shell ends up with a umask of {mode} or more restrictive, from the start-up files or from pam_umask', async function (this: CisWorld, required: number) {
  await checkUmask(this, required, true);
});

Then('every login shell ends up with a umask of {mode} or more restrictive from the start-up files', async function (this: CisWorld, required: number) {
  await checkUmask(this, required, false);
});

Then('UMASK in \\/etc\\/login.defs is not less restrictive than {mode}', async function (this: CisWorld, required: number) {
  const defs = await this.fact(loginDefs);
  const setting = defs.settings.get('UMASK');
  const effect = setting ? umaskEffect(setting.value) : null;
  if (!setting) { this.record(defs.file, 'UMASK is not set'); return; }
  const loose = !!effect && !!leavesOpen(effect, required);
  this.record(`${setting.file}:${setting.line}`, `UMASK ${setting.value}${loose ? `: less restrictive than ${formatMode(required)}` : ''}`);
  if (loose) {
    await remedyUmask(this, await this.fact(shellProfiles), required, true);
    this.fail(`umask less restrictive than ${formatMode(required)}: ${setting.file}:${setting.line} UMASK ${setting.value}`);
  }
});

// ---------------------------------------------------------------- TMOUT

Then('every interactive login shell ends up with "TMOUT" set to at most {int} seconds, read-only and exported', async function (this: CisWorld, max: number) {
  const settings = await readLoginShells(this);
  const o = settings.outcomes.find((x) => x.shell.login && x.shell.interactive)!;
  const value = (p: Possible<string | null>) => (p.value === null ? `unset (${where(p)})` : p.value === UNKNOWN ? `not determined (${where(p)})` : `${p.value} (${where(p)})`);
  const both = (b: boolean[], yes: string, no: string) => (b.length > 1 ? `${yes} or ${no}, depending on the path` : b[0] ? yes : no);
  this.record(`${settings.files.join(', ')} (run as bash runs them)`, capped([
    `${o.label}: TMOUT ${o.tmout.map(value).join(' or ')}; ${both(o.readonly, 'read-only', 'not read-only')}; ${both(o.exported, 'exported', 'not exported')}`,
    ...settings.notes,
  ]));
  const problems: string[] = [];
  for (const p of o.tmout) {
    if (p.value === null || p.value === UNKNOWN || !/^\d+$/.test(p.value) || Number(p.value) < 1 || Number(p.value) > max) problems.push(`TMOUT ${value(p)}`);
  }
  if (o.readonly.includes(false)) problems.push('TMOUT is not read-only on every path');
  if (o.exported.includes(false)) problems.push('TMOUT is not exported on every path');
  if (!problems.length) return;
  const p = await this.fact(shellProfiles);
  remedyTmout(this, p, max, true);
  this.fail(`${o.label} does not surely get TMOUT of 1 to ${max} seconds, read-only and exported: ${problems.join('; ')}`);
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
    changes.push(editFile(file, [setKey('TMOUT', String(max), '=')]));
  }
  if (needsGood) changes.push(...dropIn([`TMOUT=${max}`, 'readonly TMOUT', 'export TMOUT']));
  if (changes.length) world.remedy(remediation(`an idle shell timeout of ${max} seconds, read-only and exported`, changes));
  const stuck = bad.filter((t) => !plain(t));
  if (stuck.length) world.needsPerson(stuck.map((t) => `${t.file} line ${t.line} ("${t.text}"): set TMOUT to at most ${max} seconds`));
}
