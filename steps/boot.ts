/**
 * Steps about the boot loader: whether GRUB is there, how grub-mkconfig sets the mode of the file it
 * writes, the password that protects boot entries, the modes of GRUB 2's configuration files, the kernel
 * parameters every boot entry passes, and whether single user mode asks for root's password (root's
 * password on Debian and Ubuntu; sulogin in the rescue and emergency units of systemd on the RPM
 * family). What a failing check needs is recorded: modes, grub-mkconfig's chmod and systemd drop-ins
 * are changed by `cis-bdd harden`; passwords and kernel parameters are left to a person.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode, type Owner } from './support/parameter-types.js';
import {
  defaultGrubCmdline, grubAccessControl, grubMkconfig, grubMkconfigWithMode, grub2ConfigFiles, onEfiPartition, GRUB_CFG, GRUB_MKCONFIG,
  type GrubConfigFile,
} from '../src/facts/grub.js';
import { EFI_GRUB_CFG, GRUB2_CFG, grubKernelLines, grubRegenerateCommand, kernelParam } from '../src/facts/kernel-cmdline.js';
import { shadow } from '../src/facts/accounts.js';
import { singleUserModeUnits, type UnitExecStart } from '../src/facts/single-user-mode.js';
import { CheckError } from '../src/model/verdict.js';
import { permissionProblems, remedyPermissions } from './support/permissions.js';
import type { Change } from '../src/model/remediation.js';
import { contentFix, remediation, rootFile } from '../src/remediation/templates.js';

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
  if (problems.length) {
    const text = await this.facts.text(mk.file);
    if (text !== null) {
      this.remedy(contentFix({
        path: mk.file, content: grubMkconfigWithMode(text, max),
        summary: `make ${mk.file} give grub.cfg mode ${formatMode(max)} whether or not a boot password is set (a package upgrade of GRUB may undo this)`,
      }));
    }
    this.fail(problems.join('; '));
  }
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
  this.needsPerson([
    'choose a boot password and make its hash with grub-mkpasswd-pbkdf2',
    `add "set superusers=\"<user>\"" and "password_pbkdf2 <user> <hash>" to /etc/grub.d/40_custom (the hash is a secret: keep the file readable by root only)`,
    `regenerate ${acl.file}: ${grubRegenerateCommand(acl.file)}`,
  ]);
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
    this.needsPerson([
      `add ${wanted.join(' ')} to GRUB_CMDLINE_LINUX in /etc/default/grub`,
      `regenerate ${grub.file}: ${grubRegenerateCommand(grub.file)}`,
      'reboot, so that the running kernel gets the parameters',
    ]);
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
  if (e.state === 'empty' || e.state === 'no-login') this.needsPerson([`set a password for ${name} (passwd ${name}) and keep it where the site keeps emergency credentials`]);
  if (e.state === 'empty') this.fail(`${name} has an empty password field: single user mode lets anyone in without a password`);
  if (e.state === 'no-login') this.fail(`${name} has no password set ("*" or "!" in /etc/shadow:${e.line})`);
});

/* ---------- GRUB 2 configuration files (the RPM family) ---------- */

Given('the GRUB 2 configuration files {string} and {string}, with the {string} beside each, whichever exist, or the item does not apply', async function (this: CisWorld, bios: string, efi: string, user: string) {
  if (bios !== GRUB2_CFG || efi !== EFI_GRUB_CFG || user !== 'user.cfg') {
    throw new CheckError(`GRUB 2's configuration is read from ${GRUB2_CFG} and ${EFI_GRUB_CFG}, with user.cfg beside each`);
  }
  const found = await this.fact(grub2ConfigFiles);
  if (!found.files.length) {
    this.record('GRUB 2 configuration', `none of ${found.looked.join(', ')} exists`);
    return this.notApplicable(`neither ${GRUB2_CFG} nor ${EFI_GRUB_CFG} exists: GRUB 2 does not boot this system (or its configuration was never generated)`);
  }
  return undefined;
});

Then('each of them has mode at most {mode} and is owned by {owners}', async function (this: CisWorld, max: number, owners: Owner[]) {
  const { files } = await this.fact(grub2ConfigFiles);
  const problems: string[] = [];
  const onEfi: GrubConfigFile[] = [];
  for (const f of files) {
    const p = await permissionProblems(this, f.stat, max, owners);
    if (!p.length) continue;
    problems.push(...p);
    if (onEfiPartition(f.path)) onEfi.push(f);
    else await remedyPermissions(this, f.stat, max, owners);
  }
  if (!problems.length) return;
  if (onEfi.length) {
    this.needsPerson([
      `${onEfi.map((f) => f.path).join(', ')} ${onEfi.length > 1 ? 'are' : 'is'} on the EFI system partition (FAT), whose modes and owner come from its mount options, not chmod`,
      `mount /boot/efi with uid=0,gid=0,fmask=0177,dmask=0077 in /etc/fstab (files become ${formatMode(0o600)}), then remount it`,
    ]);
  }
  this.fail(problems.join('; '));
});

/* ---------- single user mode: systemd's rescue and emergency units (the RPM family) ---------- */

/** sulogin asks for root's password before it gives a shell; systemd-sulogin-shell runs it (systemd 238+). */
const ASKS_PASSWORD = /(^|[\s"';/])(sulogin|systemd-sulogin-shell)([\s"';]|$)/;

function describeExec(u: UnitExecStart): string {
  if (u.masked) return `${u.unit} is masked (linked to /dev/null): systemd starts no shell for it`;
  if (!u.file) return `${u.unit}: no unit file`;
  const drop = u.dropIns.length ? ` with drop-in(s) ${u.dropIns.join(', ')}` : '';
  return `${u.unit} (${u.file}${drop}): ${u.commands.length ? u.commands.map((c) => `${c.file}:${c.line} ExecStart=${c.command}`).join('; ') : 'no ExecStart'}`;
}

Given('the systemd units {string} and {string} as systemd loads them, with their drop-ins', async function (this: CisWorld, a: string, b: string) {
  const units = await this.fact(singleUserModeUnits);
  for (const name of [a, b]) {
    const u = units.find((x) => x.unit === name);
    if (!u) throw new CheckError(`${name} is not one of the units this check reads (${units.map((x) => x.unit).join(', ')})`);
    this.record(u.file ?? name, describeExec(u));
  }
});

Then('the shell each of them starts asks for root\'s password through sulogin', async function (this: CisWorld) {
  const units = await this.fact(singleUserModeUnits);
  const wrong = units.filter((u) => !u.masked && (!u.file || !u.commands.length || !u.commands.every((c) => ASKS_PASSWORD.test(c.command.replace(/^[-@+!:]+/, '')))));
  if (!wrong.length) return;
  const missing = wrong.filter((u) => !u.file);
  if (missing.length) throw new CheckError(`no unit file for ${missing.map((u) => u.unit).join(', ')} in the systemd unit directories: what single user mode starts cannot be read`);
  const changes: Change[] = [];
  for (const u of wrong) {
    const dropIn = `/etc/systemd/system/${u.unit}.d/60-cis-bdd.conf`;
    const later = u.dropIns.filter((d) => d !== dropIn && d.slice(d.lastIndexOf('/') + 1) > '60-cis-bdd.conf' && u.commands.some((c) => c.file === d));
    changes.push(...contentFix({
      path: dropIn, content: `[Service]\nExecStart=\nExecStart=${u.suloginCommand}\n`, create: rootFile(0o644),
      commentOut: { paths: later, pattern: '^\\s*ExecStart\\s*=' },
    }).changes);
  }
  this.remedy(remediation(`make ${wrong.map((u) => u.unit).join(' and ')} ask for root's password with sulogin (systemd drop-ins; systemctl daemon-reload makes them apply)`, changes));
  this.fail(wrong.map((u) => `${u.unit} ${u.commands.length ? `starts ${u.commands.map((c) => `"${c.command}" (${c.file}:${c.line})`).join(' and ')}, without sulogin` : 'has no ExecStart command'}: single user mode would give a root shell without asking for root's password`).join('; '));
});
