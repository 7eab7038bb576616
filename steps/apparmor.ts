/**
 * Steps about AppArmor profiles: the modes the profiles in /etc/apparmor.d are loaded in at boot (see
 * src/facts/apparmor.ts for the rule), and on a running system the profiles loaded in the kernel and the
 * processes that run unconfined although a profile for them is loaded.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { appArmorProfilesOnDisk, appArmorRunning, APPARMOR_DIR, type ProfileFile } from '../src/facts/apparmor.js';
import { capped } from './support/evidence.js';
import { CheckError } from '../src/model/verdict.js';
import { deletePath, reloadService, remediation } from '../src/remediation/templates.js';

Given('the AppArmor profiles in \\/etc\\/apparmor.d', async function (this: CisWorld) {
  const disk = await this.fact(appArmorProfilesOnDisk);
  if (!disk.dirExists) { this.record(APPARMOR_DIR, 'does not exist or is empty'); return; }
  const byMode = new Map<string, number>();
  for (const p of disk.profiles) byMode.set(p.mode, (byMode.get(p.mode) ?? 0) + 1);
  this.record(APPARMOR_DIR, `${disk.profiles.length} profile file(s)${byMode.size ? `: ${[...byMode].map(([m, n]) => `${n} ${m}`).join(', ')}` : ''}`);
  for (const s of disk.skipped) this.record(s.path, `not a profile the loader reads: ${s.reason}`);
});

Then('every one of them is loaded at boot in one of the modes {words}, and there is at least one', async function (this: CisWorld, modes: string[]) {
  const disk = await this.fact(appArmorProfilesOnDisk);
  if (!disk.dirExists) this.fail(`${APPARMOR_DIR} does not exist or is empty: no AppArmor profile is loaded at boot`);
  if (!disk.profiles.length) this.fail(`${APPARMOR_DIR} holds no profile: AppArmor confines nothing`);
  const wrong = disk.profiles.filter((p) => !modes.includes(p.mode));
  const lines = disk.profiles.map((p) => `${p.path}: ${p.mode} (${p.why})`);
  this.record(APPARMOR_DIR, capped(lines, lines.length));
  if (wrong.length) {
    remedyProfileModes(this, wrong);
    this.fail(`profile(s) not in ${modes.join(' or ')} mode: ${wrong.map((p) => `${p.path} is ${p.mode}`).join(', ')}`);
  }
});

/**
 * The benchmark's remediation is `aa-enforce` (or `aa-complain`) on every profile. What that does on disk
 * is recorded as changes where it is a link: a profile disabled through /etc/apparmor.d/disable/NAME, or
 * forced into complain mode through /etc/apparmor.d/force-complain/NAME where complain is not allowed, gets
 * that link deleted, and the profiles are reloaded on a running system. A mode flag in a profile's own
 * header is left to a person (aa-enforce rewrites the header). One cause at a time: harden re-audits.
 */
function remedyProfileModes(world: CisWorld, wrong: ProfileFile[]): void {
  const links: string[] = [];
  const byHand: string[] = [];
  for (const p of wrong) {
    const name = p.path.slice(p.path.lastIndexOf('/') + 1);
    // the fact says which cause decided the mode (the disable link first, then the force-complain link)
    if (p.mode === 'disabled') links.push(`${APPARMOR_DIR}/disable/${name}`);
    else if (p.mode === 'complain' && p.why.startsWith(`${APPARMOR_DIR}/force-complain/`)) links.push(`${APPARMOR_DIR}/force-complain/${name}`);
    else {
      const lines = p.headers.filter((h) => h.flags.includes(p.mode)).map((h) => h.line);
      byHand.push(`${p.path}: remove the ${p.mode} flag from the profile header${lines.length ? ` (line ${lines.join(', ')})` : ''}, or run "aa-enforce ${p.path}", then reload AppArmor (systemctl reload apparmor)`);
    }
  }
  if (links.length) {
    world.remedy(remediation(`load ${links.length > 1 ? 'the profiles' : 'the profile'} at boot in the mode ${links.length > 1 ? 'they declare' : 'it declares'}: delete ${links.join(', ')}, and reload AppArmor`,
      [...links.map(deletePath), reloadService('apparmor.service')]));
  }
  if (byHand.length) world.needsPerson(byHand);
}

Then('on a running system AppArmor is enabled with at least one profile loaded, each in one of the modes {words}, and no process runs unconfined while a profile for it is loaded', async function (this: CisWorld, modes: string[]) {
  const live = await this.liveFact(appArmorRunning);
  if (!live) return;
  if (!live.enabled) {
    this.record('/sys/module/apparmor/parameters/enabled', 'AppArmor is not enabled in the running kernel');
    this.fail('AppArmor is not enabled in the running kernel');
  }
  if (!live.profilesReadable) {
    this.record('/sys/kernel/security/apparmor/profiles', 'cannot be read (securityfs not mounted, or not root)');
    throw new CheckError('AppArmor is enabled but its loaded profiles cannot be read: /sys/kernel/security/apparmor/profiles is not available');
  }
  const byMode = new Map<string, number>();
  for (const p of live.profiles) byMode.set(p.mode, (byMode.get(p.mode) ?? 0) + 1);
  this.record('/sys/kernel/security/apparmor/profiles', `${live.profiles.length} profile(s) loaded${byMode.size ? `: ${[...byMode].map(([m, n]) => `${n} ${m}`).join(', ')}` : ''}`);
  if (!live.profiles.length) this.fail('no AppArmor profile is loaded in the running kernel');
  const wrong = live.profiles.filter((p) => !modes.includes(p.mode));
  if (wrong.length) {
    const lines = wrong.map((p) => `${p.name} (${p.mode})`);
    this.record('/sys/kernel/security/apparmor/profiles', `not in ${modes.join(' or ')} mode:\n${capped(lines, lines.length)}`);
    this.fail(`${wrong.length} loaded profile(s) not in ${modes.join(' or ')} mode: ${lines.slice(0, 5).join(', ')}${wrong.length > 5 ? ', ...' : ''}`);
  }
  if (live.unconfinedWithProfile.length) {
    const lines = live.unconfinedWithProfile.map((p) => `pid ${p.pid} ${p.exe}`);
    this.record('/proc/*/attr/current', `unconfined although a profile is loaded:\n${capped(lines, lines.length)}`);
    this.fail(`${lines.length} process(es) run unconfined although a profile for them is loaded: ${lines.slice(0, 5).join(', ')}`);
  }
  this.record('/proc/*/attr/current', 'no process runs unconfined while a profile for its program is loaded');
});
