/**
 * Steps about the environment every login shell starts with: the default umask (set in the system-wide
 * start-up files, or by pam_umask from /etc/login.defs) and the idle timeout TMOUT.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './filesystem.js';
import { shellProfiles, umaskEffect, type UmaskCommand, type UmaskEffect } from '../src/facts/shell-profiles.js';
import { loginDefs } from '../src/facts/login-defs.js';
import { describePamEntry, moduleName, pamArgument, pamConfig } from '../src/facts/pam.js';

Given('the shell start-up files \\/etc\\/profile, \\/etc\\/profile.d\\/*.sh and \\/etc\\/bash.bashrc', async function (this: CisWorld) {
  const p = await this.fact(shellProfiles);
  this.record(p.read.join(', '), p.files.length ? `read: ${p.files.map((f) => f.file).join(', ')}` : 'none of them exists');
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
  const stack = (await world.fact(pamConfig)).stack('common-session', 'session');
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

Then('a umask of {mode} or more restrictive is set in them, or by pam_umask from UMASK in \\/etc\\/login.defs', async function (this: CisWorld, required: number) {
  const p = await this.fact(shellProfiles);
  const umasks = p.files.flatMap((f) => f.umasks);
  this.record(p.files.map((f) => f.file).join(', ') || p.read.join(', '), umasks.length ? capped(umasks.map((u) => describeUmask(u, required))) : 'no umask command');
  if (umasks.some((u) => u.effect && restrictsAll(u.effect, required))) return;
  const viaPam = await pamUmask(this, required);
  if (viaPam?.complies) return;
  this.fail(`no umask of ${formatMode(required)} or more restrictive is set in the shell start-up files${viaPam ? ', and pam_umask does not set one' : ', and pam_umask is not used'}`);
});

Then('no umask less restrictive than {mode} is set in them or as UMASK in \\/etc\\/login.defs', async function (this: CisWorld, required: number) {
  const p = await this.fact(shellProfiles);
  const loose = p.files.flatMap((f) => f.umasks).filter((u) => u.effect && leavesOpen(u.effect, required));
  const defs = await this.fact(loginDefs);
  const setting = defs.settings.get('UMASK');
  const defsEffect = setting ? umaskEffect(setting.value) : null;
  const defsLoose = !!defsEffect && !!leavesOpen(defsEffect, required);
  if (setting) this.record(`${setting.file}:${setting.line}`, `UMASK ${setting.value}${defsLoose ? `: less restrictive than ${formatMode(required)}` : ''}`);
  else this.record(defs.file, 'UMASK is not set');
  if (loose.length) this.record('shell start-up files', capped(loose.map((u) => describeUmask(u, required))));
  const all = [...loose.map((u) => `${u.file}:${u.line} umask ${u.written}`), ...(defsLoose ? [`${setting!.file}:${setting!.line} UMASK ${setting!.value}`] : [])];
  if (all.length) this.fail(`umask less restrictive than ${formatMode(required)}: ${all.join('; ')}`);
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
  if (!good) this.fail(`no start-up file sets TMOUT to 1-${max} seconds, makes it read-only and exports it`);
});

Then('none of them sets "TMOUT" to 0 or to more than {int} seconds', async function (this: CisWorld, max: number) {
  const p = await this.fact(shellProfiles);
  const bad = p.files.flatMap((f) => f.tmout).filter((t) => t.kind === 'assign' && t.seconds != null && (t.seconds === 0 || t.seconds > max));
  if (!bad.length) {
    this.record('shell start-up files', 'no TMOUT of 0 or above the limit');
    return;
  }
  this.record('shell start-up files', capped(bad.map((t) => `${t.file}:${t.line} ${t.text}`)));
  this.fail(`TMOUT set to 0 (no timeout) or above ${max} seconds: ${bad.map((t) => `${t.file}:${t.line} TMOUT=${t.written}`).join('; ')}`);
});
