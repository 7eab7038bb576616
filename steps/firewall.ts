/**
 * Steps about the host firewall (section 3.5): which firewall is in use, and the Given steps that gather
 * the rules of ufw, nftables or iptables into the scenario, read from the configuration each loads at
 * boot and, on a running system, from the ruleset loaded in the kernel. The checks of those rules are in
 * firewall-rules.ts and firewall-state.ts.
 */
import { Given } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { type FirewallSubject, type IptSet, readLive, ufwRunningStatus, famTool } from './support/firewall.js';
import { CheckError } from '../src/model/verdict.js';
import { describeNftChain, parseNft } from '../src/facts/nftables.js';
import { firewallInUse, iptablesSaved, nftablesBootConfig, runningFirewall, toolOutput, ufwConfig, ufwInputChain, ufwOutputChain, UFW_RULE_FILES } from '../src/facts/firewall.js';
import { parseIptables, type Family } from '../src/facts/iptables.js';
import { ipv6Status } from '../src/facts/ipv6.js';
import { ipv6 } from './support/ipv6.js';

// ---------------------------------------------------------------------------------------------------
// Which firewall

Given('the firewall in use is {string}, or the item does not apply', async function (this: CisWorld, name: string) {
  const choice = await this.fact(firewallInUse);
  const s = choice.signals;
  this.record('firewall in use', `${choice.name}: ${choice.reason} (nftables installed: ${s.nftablesInstalled}, nftables.service enabled: ${s.nftablesServiceEnabled}; `
    + `ufw installed: ${s.ufwInstalled}, ENABLED=yes or YES: ${s.ufwEnabled}; iptables-persistent installed: ${s.iptablesPersistentInstalled}, rules saved in /etc/iptables: ${s.iptablesRulesSaved})`);
  if (choice.name !== name) return this.notApplicable(`firewall in use is ${choice.name}: ${choice.reason}`);
  return undefined;
});

// ---------------------------------------------------------------------------------------------------
// Gathering the rulesets

Given("ufw's rules: the rule files in \\/etc\\/ufw and the running ruleset", async function (this: CisWorld) {
  const config = await this.fact(ufwConfig);
  const v6 = !(await ipv6(this)).disabled;
  const families: Family[] = v6 ? [4, 6] : [4];
  const subject: FirewallSubject = { name: 'ufw', ipt: [], nft: [], isInput: ufwInputChain, isOutput: ufwOutputChain, ipv6: v6, ufw: { config } };
  for (const f of families) {
    const files = config.ruleFiles[f];
    this.record(`ufw rule files (IPv${f})`, files.length ? files.join(', ') : `none of ${UFW_RULE_FILES[f].join(', ')} exists`);
    subject.ipt.push({ label: `ufw rule files (${files.join(', ') || 'none'})`, running: false, family: f, rs: files.length ? config.rules[f] : null,
      missing: files.length ? undefined : `ufw has no IPv${f} rule files (${UFW_RULE_FILES[f].join(', ')})` });
  }
  const live = await this.liveFact(runningFirewall);
  if (live) {
    subject.live = live;
    readLive(this, subject, () => {
      const status = ufwRunningStatus(this, live);
      const sets = families.map((f): IptSet => ({ label: live.tools[famTool(f)].command, running: true, family: f, rs: parseIptables(toolOutput(live, famTool(f)), live.tools[famTool(f)].command) }));
      if (status) subject.ufw!.status = status;
      else subject.ufw!.commandAbsent = true;
      subject.ipt.push(...sets);
    });
  }
  this.subject.firewall = subject;
});

Given('the nftables rulesets: \\/etc\\/nftables.conf with the files it includes, and the running ruleset', async function (this: CisWorld) {
  const boot = await this.fact(nftablesBootConfig);
  const v6 = !(await ipv6(this)).disabled;
  const subject: FirewallSubject = { name: 'nftables', ipt: [], nft: [], isInput: () => false, isOutput: () => false, ipv6: v6 };
  this.record('nftables boot configuration', boot.exists ? `${boot.files.join(', ')}: ${boot.ruleset.chains.map(describeNftChain).join('; ') || 'no chain'}` : '/etc/nftables.conf does not exist');
  subject.nft.push({ label: boot.exists ? boot.files.join(' + ') : '/etc/nftables.conf', running: false, rs: boot.exists ? boot.ruleset : null,
    missing: boot.exists ? undefined : '/etc/nftables.conf, which nftables.service loads at boot, does not exist' });
  const live = await this.liveFact(runningFirewall);
  if (live) {
    subject.live = live;
    readLive(this, subject, () => {
      const rs = parseNft(toolOutput(live, 'nft'), live.tools.nft.command);
      this.record(live.tools.nft.command, rs.chains.map(describeNftChain).join('; ') || 'empty ruleset');
      subject.nft.push({ label: live.tools.nft.command, running: true, rs });
    });
  }
  this.subject.firewall = subject;
});

Given('the nftables boot configuration: \\/etc\\/nftables.conf with the files it includes', async function (this: CisWorld) {
  const boot = await this.fact(nftablesBootConfig);
  const subject: FirewallSubject = { name: 'nftables', ipt: [], nft: [], isInput: () => false, isOutput: () => false, ipv6: !(await ipv6(this)).disabled };
  this.record('nftables boot configuration', boot.exists ? `${boot.files.join(', ')}: ${boot.ruleset.chains.map(describeNftChain).join('; ') || 'no chain'}` : '/etc/nftables.conf does not exist');
  subject.nft.push({ label: boot.exists ? boot.files.join(' + ') : '/etc/nftables.conf', running: false, rs: boot.exists ? boot.ruleset : null,
    missing: boot.exists ? undefined : '/etc/nftables.conf, which nftables.service loads at boot, does not exist' });
  this.subject.firewall = subject;
});

/**
 * The iptables rules of one family: those restored at boot (iptables-persistent's /etc/iptables/rules.v4
 * or iptables-services' /etc/sysconfig/iptables, whichever the system uses) and, on a running system,
 * the running ruleset (`iptables -S`, `ip6tables -S`).
 */
async function gatherIptables(world: CisWorld, f: Family): Promise<void> {
  const saved = (await world.fact(iptablesSaved))[f];
  if (saved.error) throw new CheckError(saved.error);
  // the IPv6 status is evidence only for the IPv6 rules
  const v6 = !(f === 6 ? await ipv6(world) : await world.fact(ipv6Status)).disabled;
  const subject: FirewallSubject = { name: 'iptables', ipt: [], nft: [], isInput: (c) => c === 'INPUT', isOutput: (c) => c === 'OUTPUT', ipv6: v6, boot: saved };
  world.record(saved.file, `${saved.ruleset ? `${saved.ruleset.rules.length} rule(s) in the filter table` : 'does not exist'} (restored at boot by ${saved.loader})`);
  subject.ipt.push({ label: saved.file, running: false, family: f, rs: saved.ruleset,
    missing: saved.ruleset ? undefined : `${saved.file} does not exist: ${saved.loader} restores no IPv${f} rules at boot` });
  const live = await world.liveFact(runningFirewall);
  if (live) {
    subject.live = live;
    const tool = live.tools[famTool(f)];
    readLive(world, subject, () => subject.ipt.push({ label: tool.command, running: true, family: f, rs: parseIptables(toolOutput(live, famTool(f)), tool.command) }));
  }
  world.subject.firewall = subject;
}

Given(/^the iptables rules for IPv(4|6): \/etc\/iptables\/rules\.v(?:4|6) and the running ruleset$/, async function (this: CisWorld, fam: string) {
  await gatherIptables(this, Number(fam) as Family);
});

Given('the IPv4 rules iptables restores at boot and the running ruleset \\(iptables -S)', async function (this: CisWorld) {
  await gatherIptables(this, 4);
});

Given('the IPv6 rules ip6tables restores at boot and the running ruleset \\(ip6tables -S)', async function (this: CisWorld) {
  await gatherIptables(this, 6);
});
