/**
 * Steps about TCP Wrappers: the access rules of /etc/hosts.allow and /etc/hosts.deny. Which networks may
 * reach which service is the site's decision; that everything not allowed is refused is mechanical.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { HOSTS_ALLOW, HOSTS_DENY, isAllForAll, tcpWrappersRules, type AccessFile } from '../src/facts/tcp-wrappers.js';

function recordRules(world: CisWorld, f: AccessFile): void {
  if (!f.exists) world.record(f.file, 'does not exist');
  else if (!f.rules.length) world.record(f.file, 'no rule (only comments or blank lines)');
  else world.record(f.file, f.rules.slice(0, 40).map((r) => `line ${r.line}: ${r.text}`).join('\n') + (f.rules.length > 40 ? `\n… and ${f.rules.length - 40} more` : ''));
}

Given('the TCP Wrappers access rules in \\/etc\\/hosts.allow and \\/etc\\/hosts.deny', async function (this: CisWorld) {
  const r = await this.fact(tcpWrappersRules);
  recordRules(this, r.allow);
  recordRules(this, r.deny);
});

Then('a person confirms that \\/etc\\/hosts.allow admits only the networks the site trusts', async function (this: CisWorld) {
  const { allow } = await this.fact(tcpWrappersRules);
  const open = allow.rules.find((r) => isAllForAll(r, 'deny'));
  if (open) {
    this.needsPerson([`replace ${HOSTS_ALLOW}:${open.line} "${open.text}" with one line per service and the networks that may reach it (for example "sshd: 192.0.2.0/24")`]);
    this.fail(`${HOSTS_ALLOW}:${open.line} "${open.text}" admits every client to every service: ${HOSTS_DENY} never applies`);
  }
  if (!allow.rules.length) {
    return this.manual(`${HOSTS_ALLOW} ${allow.exists ? 'has no rule' : 'does not exist'}: no client is admitted explicitly, so with "ALL: ALL" in ${HOSTS_DENY} `
      + 'every service built with TCP Wrappers (sshd among them on ACL2 and CentOS 7) refuses everyone; confirm which networks must be admitted');
  }
  return this.manual(`compare the ${allow.rules.length} rule(s) of ${HOSTS_ALLOW} with the networks the site trusts for each service (they are in the evidence)`);
});

Then('\\/etc\\/hosts.deny refuses every service to every client \\(ALL: ALL)', async function (this: CisWorld) {
  const { deny, allow } = await this.fact(tcpWrappersRules);
  const rule = deny.rules.find((r) => isAllForAll(r, 'allow'));
  if (rule) {
    this.record(`${HOSTS_DENY}:${rule.line}`, `${rule.text} (refuses whatever ${HOSTS_ALLOW} does not admit)`);
    return;
  }
  this.needsPerson([
    `first list in ${HOSTS_ALLOW} the networks that must reach each service: sshd is built with TCP Wrappers on ACL2 and CentOS 7, so without an "sshd:" line there the next step refuses every SSH connection${allow.rules.length ? '' : ` (${HOSTS_ALLOW} has no rule now)`}`,
    `then add the line "ALL: ALL" to ${HOSTS_DENY}`,
  ]);
  this.fail(`${HOSTS_DENY} ${deny.exists ? 'has no "ALL: ALL" rule' : 'does not exist'}: a client ${HOSTS_ALLOW} does not admit is not refused`);
});
