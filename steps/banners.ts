/**
 * Steps about login banners and the message of the day: what they show, compared with what an attacker
 * should not learn from them (getty's escapes for system details, the operating system's name). A
 * banner that fails is replaced by a neutral warning (the site may put its own wording there after).
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { disclosures, loginBanners, type Banner } from '../src/facts/banners.js';
import { osRelease } from '../src/facts/os-release.js';
import { CheckError } from '../src/model/verdict.js';
import { contentFix, rootFile } from '../src/remediation/templates.js';

/** What hardening writes into a banner that shows system details or says nothing: a warning naming no system. */
export const NEUTRAL_WARNING = 'Authorised use only. Activity on this system may be monitored and recorded.\n';

function remedyBanner(world: CisWorld, path: string, why: string): void {
  world.remedy(contentFix({ path, content: NEUTRAL_WARNING, create: rootFile(0o644), summary: `replace ${path} (${why}) with a neutral warning` }));
}

const ESCAPES: Record<string, string> = { m: 'the machine architecture', r: 'the kernel release', s: 'the system name', v: 'the kernel version' };

async function bannerOf(world: CisWorld, path: string): Promise<Banner> {
  const b = (await world.fact(loginBanners)).banners.get(path);
  if (!b) throw new CheckError(`${path} is not one of the banner files this check reads`);
  if (b.unreadable) {
    world.record(path, b.unreadable);
    throw new CheckError(b.unreadable);
  }
  return b;
}

async function osId(world: CisWorld): Promise<string> {
  const os = await world.fact(osRelease);
  if (!os || !os.id) throw new CheckError('os-release names no operating system ID: the banner cannot be checked for it');
  return os.id;
}

/** Fail when the text shows system details; record what it shows otherwise. */
async function noDisclosures(world: CisWorld, b: Banner): Promise<void> {
  const id = await osId(world);
  const found = disclosures(b.text, id);
  const shown = b.text.split('\n').filter((l) => l.trim()).slice(0, 5).join('\n');
  world.record(b.path, shown ? `${shown}${b.text.split('\n').filter((l) => l.trim()).length > 5 ? '\n…' : ''}` : '(empty)');
  if (!found.length) return;
  const what = found.map((d) => {
    const esc = /^\\([vrms])$/i.exec(d.found);
    return `line ${d.line}: ${esc ? `"${d.found}" (${ESCAPES[esc[1].toLowerCase()]})` : `"${d.found}" (the operating system's name, ID=${id})`}`;
  });
  remedyBanner(world, b.path, 'it shows system details');
  world.fail(`${b.path} shows system details: ${what.join('; ')}`);
}

Given('the login banner files and the operating system\'s ID from os-release', async function (this: CisWorld) {
  const os = await this.fact(osRelease);
  this.record(os?.source ?? 'os-release', os ? `ID=${os.id}` : 'not found');
  await this.fact(loginBanners);
});

Then('{string}, if it exists, shows no getty escape for system details and not the operating system\'s name', async function (this: CisWorld, path: string) {
  const b = await bannerOf(this, path);
  const scripts = (await this.fact(loginBanners)).updateMotdScripts;
  if (path === '/etc/motd' && scripts.length) {
    this.record('/etc/update-motd.d', `note: pam_motd also runs ${scripts.length} script(s) at login (${scripts.map((s) => s.slice(s.lastIndexOf('/') + 1)).join(', ')}); their output is not part of this check, which reads ${path}`);
  }
  if (!b.exists) {
    this.record(path, 'does not exist: nothing to show');
    return;
  }
  await noDisclosures(this, b);
});

Then('{string} holds a warning text with no getty escape for system details and not the operating system\'s name', async function (this: CisWorld, path: string) {
  const b = await bannerOf(this, path);
  if (!b.exists) {
    this.record(path, 'does not exist');
    remedyBanner(this, path, 'missing');
    this.fail(`${path} does not exist: no warning is shown`);
  }
  if (!b.text.trim()) {
    this.record(path, '(empty)');
    remedyBanner(this, path, 'empty');
    this.fail(`${path} is empty: no warning is shown`);
  }
  await noDisclosures(this, b);
});
