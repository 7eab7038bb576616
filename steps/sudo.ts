/**
 * Steps about sudo: whether it is installed, and the Defaults options that apply to every user, read
 * from /etc/sudoers and the files it includes in the order sudo reads them (the last entry wins).
 *
 * A missing option is added in a file of cis-bdd's own, /etc/sudoers.d/cis-bdd (mode 0440; its name has
 * no dot, so sudo reads it), or at the end of /etc/sudoers when that directory is not included. An entry
 * that turns the option off again is for a person to remove: it may hold other options.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { packageInstalled } from './support/packages.js';
import { globalDefaults, setsValue, sudoers, type SudoDefault } from '../src/facts/sudoers.js';
import { linesFix, packageInstallFix, rootFile } from '../src/remediation/templates.js';

Then('the package {string} or the package {string} is installed', async function (this: CisWorld, a: string, b: string) {
  const found = [await packageInstalled(this, a), await packageInstalled(this, b)];
  if (!found.some(Boolean)) {
    this.remedy(packageInstallFix(a));
    this.fail(`neither ${a} nor ${b} is installed`);
  }
});

export const SUDOERS_DROP_IN = '/etc/sudoers.d/cis-bdd';

/**
 * Add a Defaults entry for all users where sudo reads it after the entry that decides now: the drop-in
 * (read with /etc/sudoers.d, which both distributions include at the end of /etc/sudoers) wins over
 * /etc/sudoers and over the files of /etc/sudoers.d named before it. An entry read later still is for a
 * person to change.
 */
async function remedyDefault(world: CisWorld, entry: string, last: SudoDefault | undefined) {
  const s = await world.fact(sudoers);
  const dropInRead = s.includedDirs.includes('/etc/sudoers.d');
  const overridden = (d: SudoDefault) => d.file === '/etc/sudoers' || (d.file.startsWith('/etc/sudoers.d/') && d.file < SUDOERS_DROP_IN);
  if (dropInRead && (!last || overridden(last))) {
    world.remedy(linesFix({ path: SUDOERS_DROP_IN, lines: [entry], create: rootFile(0o440), summary: `add "${entry}" in ${SUDOERS_DROP_IN}` }));
  } else if (!dropInRead && (!last || last.file === '/etc/sudoers')) {
    world.remedy(linesFix({ path: '/etc/sudoers', lines: [entry], summary: `add "${entry}" at the end of /etc/sudoers` }));
  } else {
    world.needsPerson([`change "${last!.text}" at ${last!.file}:${last!.line} with visudo -f ${last!.file}, so that it reads "${entry}"`]);
  }
}

Given('the sudo configuration: \\/etc\\/sudoers and the files it includes', async function (this: CisWorld) {
  const s = await this.fact(sudoers);
  if (!s.exists) {
    this.record('/etc/sudoers', 'does not exist');
    return;
  }
  this.record('/etc/sudoers', `read in this order: ${s.files.join(', ')}${s.skipped.length ? `; not read by sudo: ${s.skipped.join(', ')}` : ''}`);
});

const entryText = (d: SudoDefault) => `${d.file}:${d.line} ${d.text}`;

/**
 * The global entries for an option, recorded; the last one sudo accepts is what it applies. An entry sudo
 * refuses (visudo -c rejects the file, sudo warns and ignores it) fails the item with sudo's reason.
 */
async function lastGlobal(world: CisWorld, name: string): Promise<SudoDefault | undefined> {
  const s = await world.fact(sudoers);
  if (!s.exists) world.fail('/etc/sudoers does not exist');
  const refused = s.defaults.filter((d) => d.name === name && d.invalid);
  if (refused.length) {
    for (const d of refused) world.record(`${d.file}:${d.line}`, `${d.text}: ${d.invalid} (sudo ignores it, visudo -c refuses the file)`);
    world.needsPerson(refused.map((d) => `correct "${d.text}" at ${d.file}:${d.line} with visudo -f ${d.file}: ${d.invalid}`));
    world.fail(`${refused.map((d) => `${d.file}:${d.line} ${d.invalid}`).join('; ')}: visudo -c refuses the configuration`);
  }
  const entries = globalDefaults(s, name);
  const scoped = s.defaults.filter((d) => d.binding !== null && d.name === name);
  const notes = scoped.length ? `; for some users, hosts or commands only (not counted): ${scoped.map(entryText).join('; ')}` : '';
  if (!entries.length) {
    world.record(s.files.join(', '), `no Defaults entry for all users sets ${name}${notes}`);
    return undefined;
  }
  const last = entries[entries.length - 1];
  const earlier = entries.length > 1 ? `; it overrides ${entries.slice(0, -1).map(entryText).join('; ')}` : '';
  world.record(`${last.file}:${last.line}`, `${last.text} (the last entry for ${name} that applies to all users${earlier})${notes}`);
  return last;
}

Then('the sudo option {string} is on for all users', async function (this: CisWorld, name: string) {
  const last = await lastGlobal(this, name);
  if (!last || last.op !== 'on') await remedyDefault(this, `Defaults ${name}`, last);
  if (!last) this.fail(`${name} is not set for all users`);
  if (last.op !== 'on') this.fail(`${last.file}:${last.line} ${last.op === 'off' ? 'turns off' : 'gives a value to'} ${name}`);
});

/** Where sudo logs when a remediation names the file. */
const SUDO_LOG = '/var/log/sudo.log';

Then('the sudo option {string} names a file for all users', async function (this: CisWorld, name: string) {
  const last = await lastGlobal(this, name);
  const good = !!last && setsValue(last) && !!last.value && last.value.startsWith('/');
  if (!good) await remedyDefault(this, `Defaults ${name}="${SUDO_LOG}"`, last);
  if (!last) this.fail(`${name} is not set for all users`);
  if (last.op === 'off') this.fail(`${last.file}:${last.line} turns ${name} off`);
  if (!good) this.fail(`${last.file}:${last.line} does not give ${name} a file path (${last.text})`);
});
