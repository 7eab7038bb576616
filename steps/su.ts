/**
 * Steps about who may act as root: the terminals root may log in on (/etc/securetty, a judgement) and
 * the group su is restricted to by pam_wheel. Which rules call pam_wheel uses the PAM steps of pam.ts.
 * pam_wheel admits the members of its group= option's group, or without it of "wheel" (the group with
 * GID 0 where there is no "wheel").
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { securetty } from '../src/facts/securetty.js';
import { describePamEntry, pamArgument, pamConfig } from '../src/facts/pam.js';
import { moduleName } from '../src/facts/pam-parse.js';
import { groups } from '../src/facts/accounts.js';
import { pamCalls } from './support/pam.js';

Given('the terminals listed in \\/etc\\/securetty', async function (this: CisWorld) {
  const s = await this.fact(securetty);
  this.record(s.path, s.exists
    ? `${s.terminals.length} terminals: ${s.terminals.map((t) => t.name).join(' ')}`
    : 'does not exist (pam_securetty then lets root log in on any terminal)');
  const login = (await this.fact(pamConfig)).stack('login', 'auth');
  const calls = login.entries.filter((e) => moduleName(e.module) === 'pam_securetty.so');
  this.record(`${login.file} (auth rules)`, !login.exists ? 'does not exist'
    : calls.length ? calls.map(describePamEntry).join('\n') : 'pam_securetty.so is not called: /etc/securetty is not consulted by login');
});

Then('an auditor confirms that root may log in only on the physical console', function (this: CisWorld) {
  return this.manual('review /etc/securetty (in the evidence): it should list only the terminals of the physical console; '
    + 'serial lines, virtual consoles and remote pseudo-terminals listed there let root log in directly');
});

Then('the group named by the "group" option of every {string} call of {string} in {string} exists and has no members', async function (this: CisWorld, type: string, module: string, service: string) {
  const calls = await pamCalls(this, service, type, module);
  const grps = await this.fact(groups);
  const problems: string[] = [];
  for (const c of calls) {
    const name = pamArgument(c, 'group');
    if (name === undefined) { problems.push(`${c.file}:${c.line} names no group (group=...)`); continue; }
    const found = grps.filter((g) => g.name === name);
    if (!found.length) {
      this.record('/etc/group', `no group named ${name}`);
      problems.push(`the group ${name} (${c.file}:${c.line}) does not exist`);
      continue;
    }
    this.record('/etc/group', found.map((g) => `/etc/group:${g.line} ${g.name} (gid ${g.gid}) members: ${g.members.join(',') || 'none'}`).join('\n'));
    const members = [...new Set(found.flatMap((g) => g.members))];
    if (members.length) problems.push(`the group ${name} has member(s): ${members.join(', ')}`);
  }
  if (problems.length) {
    this.needsPerson([
      `make ${service}'s pam_wheel rule name a group of its own that lists nobody (for example create it with "groupadd sugroup" and add group=sugroup to the rule), or remove the members of the group it names (gpasswd -d <user> <group>)`,
      'administrators then use sudo, which records who ran what',
    ]);
    this.fail(problems.join('; '));
  }
});

Then('the group each {string} call of {string} in {string} restricts su to exists, and its members are listed for review', async function (this: CisWorld, type: string, module: string, service: string) {
  const calls = await pamCalls(this, service, type, module);
  const grps = await this.fact(groups);
  const problems: string[] = [];
  for (const c of calls) {
    const named = pamArgument(c, 'group');
    const found = named !== undefined ? grps.filter((g) => g.name === named)
      : grps.some((g) => g.name === 'wheel') ? grps.filter((g) => g.name === 'wheel') : grps.filter((g) => g.gid === 0);
    const which = named !== undefined ? `the group ${named} (group= at ${c.file}:${c.line})` : `the default group of pam_wheel (${found[0]?.name ?? 'wheel'}; ${c.file}:${c.line} names none)`;
    if (!found.length) {
      this.record('/etc/group', `no group for ${which}`);
      problems.push(`${which} does not exist`);
      continue;
    }
    this.record('/etc/group', `${which}: ${found.map((g) => `/etc/group:${g.line} ${g.name} (gid ${g.gid}) members: ${g.members.join(',') || 'none'}`).join('; ')}; only these users may use su; whether each is authorized is for the site to confirm`);
  }
  if (problems.length) {
    this.needsPerson(['create the group su is restricted to ("groupadd wheel", or the group named by group=), and add only the users allowed to use su']);
    this.fail(problems.join('; '));
  }
});
