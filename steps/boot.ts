/**
 * Steps about the boot loader: whether GRUB is there, how grub-mkconfig sets the mode of the file it
 * writes, the password that protects boot entries, the kernel parameters every boot entry passes, and
 * whether single user mode asks for root's password.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { defaultGrubCmdline, grubAccessControl, grubMkconfig, GRUB_CFG, GRUB_MKCONFIG } from '../src/facts/grub.js';
import { grubKernelLines, kernelParam } from '../src/facts/kernel-cmdline.js';
import { shadow } from '../src/facts/accounts.js';
import { CheckError } from '../src/engine/verdict.js';

Given('the GRUB configuration generator {string} exists, or the item does not apply', async function (this: CisWorld, path: string) {
  if (path !== GRUB_MKCONFIG) throw new CheckError(`grub-mkconfig is read from ${GRUB_MKCONFIG}, not ${path}`);
  const mk = await this.fact(grubMkconfig);
  if (!mk.exists) {
    this.record(path, 'does not exist');
    return this.notApplicable(`${path} does not exist: GRUB is not installed`);
  }
  return undefined;
});

Then('every mode it gives the new grub.cfg is at most {mode}, whether or not a boot password is set', async function (this: CisWorld, max: number) {
  const mk = await this.fact(grubMkconfig);
  if (!mk.chmods.length) {
    this.record(mk.file, 'no "chmod MODE ${grub_cfg}.new" line');
    this.fail(`${mk.file} sets no mode on the grub.cfg it writes, so the file keeps whatever mode it is created with`);
  }
  const problems: string[] = [];
  for (const c of mk.chmods) {
    this.record(`${mk.file}:${c.line}`, [c.before, c.text, c.after].join('\n'));
    const extra = c.mode & ~max;
    if (extra) problems.push(`${mk.file}:${c.line} "${c.text}" gives mode ${formatMode(c.mode)}, more than ${formatMode(max)}`);
    if (c.skippedWithPassword) problems.push(`${mk.file}:${c.line - 1} runs the chmod only when grub.cfg has no password line, so a password-protected grub.cfg keeps the mode it was created with`);
  }
  if (problems.length) this.fail(problems.join('; '));
});

Given('the GRUB configuration {string} exists, or the item does not apply', async function (this: CisWorld, path: string) {
  if (path !== GRUB_CFG) throw new CheckError(`the GRUB configuration is read from ${GRUB_CFG}, not ${path}`);
  const st = (await this.facts.stat([path])).get(path);
  if (!st) {
    this.record(path, 'does not exist');
    return this.notApplicable(`${path} does not exist: GRUB does not boot this system (or its configuration was never generated)`);
  }
  return undefined;
});

Then('it names the GRUB superusers and sets a PBKDF2 password for one of them', async function (this: CisWorld) {
  const acl = await this.fact(grubAccessControl);
  for (const s of acl.superusers) this.record(`${acl.file}:${s.line}`, s.text);
  for (const p of acl.passwords) this.record(`${acl.file}:${p.line}`, p.shown);
  const users = acl.superusers.flatMap((s) => s.users);
  if (!acl.superusers.length) {
    this.record(acl.file, 'no "set superusers=" line at the start of a line');
    this.fail(`${acl.file} has no "set superusers=" line: anyone at the console may edit boot entries`);
  }
  if (!users.length) this.fail(`${acl.file}:${acl.superusers[0].line} sets an empty list of superusers`);
  const plain = acl.passwords.filter((p) => p.kind === 'plain');
  if (plain.length) this.fail(`${acl.file}:${plain[0].line} sets a plain-text password (for ${plain[0].user || 'no user'}); passwords must be password_pbkdf2 hashes`);
  const pbkdf2 = acl.passwords.filter((p) => p.kind === 'pbkdf2' && users.includes(p.user));
  if (!pbkdf2.length) {
    if (!acl.passwords.length) this.record(acl.file, 'no "password" line at the start of a line');
    this.fail(`${acl.file} has no password_pbkdf2 line for the superuser(s) ${users.join(', ')}`);
  }
});

Then('every kernel command line in the GRUB configuration has the parameters {words}', async function (this: CisWorld, wanted: string[]) {
  const grub = await this.fact(grubKernelLines);
  if (!grub.entries.length) {
    this.record(grub.file, 'no "linux" line');
    this.fail(`${grub.file} has no "linux" line: no kernel command line passes ${wanted.join(' and ')}`);
  }
  const wrong: string[] = [];
  for (const e of grub.entries) {
    const missing = wanted.filter((w) => {
      const [name, value = ''] = w.split('=');
      return kernelParam(e, name) !== value;
    });
    this.record(`${e.file}:${e.line}`, `${e.text}${missing.length ? `\n→ lacks ${missing.join(', ')}` : ''}`);
    if (missing.length) wrong.push(`${e.file}:${e.line} lacks ${missing.join(', ')}`);
  }
  if (wrong.length) {
    for (const d of await this.fact(defaultGrubCmdline)) this.record(`${d.file}:${d.line}`, `${d.key}="${d.value}" (update-grub adds these to every entry)`);
    this.fail(wrong.join('; '));
  }
});

Then('the account {string} has a password set in \\/etc\\/shadow', async function (this: CisWorld, name: string) {
  const entries = await this.fact(shadow);
  const e = entries.find((x) => x.name === name);
  if (!e) {
    this.record('/etc/shadow', `no entry for ${name}`);
    this.fail(`/etc/shadow has no entry for ${name}`);
  }
  const described: Record<string, string> = {
    hashed: 'a password hash (not shown)',
    locked: 'a locked password hash ("!" before the hash, not shown)',
    empty: 'an empty password field',
    'no-login': 'no password ("*" or "!")',
  };
  this.record(`/etc/shadow:${e.line}`, `${name}: ${described[e.state]}`);
  if (e.state === 'empty') this.fail(`${name} has an empty password field: single user mode lets anyone in without a password`);
  if (e.state === 'no-login') this.fail(`${name} has no password set ("*" or "!" in /etc/shadow:${e.line})`);
});
