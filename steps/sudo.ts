/**
 * Steps about sudo: whether it is installed, and the Defaults options that apply to every user, read
 * from /etc/sudoers and the files it includes in the order sudo reads them (the last entry wins).
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { packageInstalled } from './packages.js';
import { globalDefaults, sudoers, type SudoDefault } from '../src/facts/sudoers.js';

Then('the package {string} or the package {string} is installed', async function (this: CisWorld, a: string, b: string) {
  const found = [await packageInstalled(this, a), await packageInstalled(this, b)];
  if (!found.some(Boolean)) this.fail(`neither ${a} nor ${b} is installed`);
});

Given('the sudo configuration: \\/etc\\/sudoers and the files it includes', async function (this: CisWorld) {
  const s = await this.fact(sudoers);
  if (!s.exists) {
    this.record('/etc/sudoers', 'does not exist');
    return;
  }
  this.record('/etc/sudoers', `read in this order: ${s.files.join(', ')}${s.skipped.length ? `; not read by sudo: ${s.skipped.join(', ')}` : ''}`);
});

const entryText = (d: SudoDefault) => `${d.file}:${d.line} ${d.text}`;

/** The global entries for an option, recorded; the last one is what sudo applies. */
async function lastGlobal(world: CisWorld, name: string): Promise<SudoDefault | undefined> {
  const s = await world.fact(sudoers);
  if (!s.exists) world.fail('/etc/sudoers does not exist');
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
  if (!last) this.fail(`${name} is not set for all users`);
  if (last.op !== 'on') this.fail(`${last.file}:${last.line} ${last.op === 'off' ? 'turns off' : 'gives a value to'} ${name}`);
});

Then('the sudo option {string} names a file for all users', async function (this: CisWorld, name: string) {
  const last = await lastGlobal(this, name);
  if (!last) this.fail(`${name} is not set for all users`);
  if (last.op === 'off') this.fail(`${last.file}:${last.line} turns ${name} off`);
  if (last.op !== '=' || !last.value || !last.value.startsWith('/')) {
    this.fail(`${last.file}:${last.line} does not give ${name} a file path (${last.text})`);
  }
});
