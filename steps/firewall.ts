/**
 * Steps about the host firewall (section 3.5): which firewall is in use, and the rules of ufw, nftables
 * and iptables, read from the configuration each loads at boot and, on a running system, from the
 * ruleset loaded in the kernel. A Given step gathers the rulesets of one firewall into the scenario; the
 * Then steps check every one of them (the boot configuration and the running ruleset) and report all
 * that is missing. Changing firewall rules can cut the operator off, so the fixes are left to a person:
 * a failing check lists the rules or commands to add.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { CheckError } from '../src/model/verdict.js';
import {
  baseChains, describeNftChain, firewallInUse, iptablesSaved, loopbackRules, nftablesBootConfig, nftLoopbackRules,
  parseIptables, parseNft, parseUfwStatus, ruleConditions, ruleNamesPort, runningFirewall, toolOutput, ufwConfig,
  ufwInputChain, ufwOutputChain, UFW_CONF, UFW_DEFAULTS, UFW_RULE_FILES,
  type Family, type FirewallName, type IptRule, type IptRuleset, type LiveFirewall, type NftRuleset, type SavedIptables, type UfwConfig, type UfwStatus,
} from '../src/facts/firewall.js';
import { describeListeningPort, describeSocket, isLoopbackAddress, listeningSockets, socketTables } from '../src/facts/listening-sockets.js';
import { installedPackages } from '../src/facts/packages.js';
import { describeUnit, systemdUnits } from '../src/facts/systemd-units.js';
import { ipv6Status } from '../src/facts/ipv6.js';
import { ipv6 } from './support/ipv6.js';

interface IptSet { label: string; running: boolean; family: Family; rs: IptRuleset | null; missing?: string }
interface NftSet { label: string; running: boolean; rs: NftRuleset | null; missing?: string }

interface FirewallSubject {
  name: FirewallName;
  ipt: IptSet[];
  nft: NftSet[];
  isInput: (chain: string) => boolean;
  isOutput: (chain: string) => boolean;
  /** IPv6 is enabled: IPv6 rules are expected too */
  ipv6: boolean;
  /** the running firewall, undefined on an offline root filesystem */
  live?: LiveFirewall;
  ufw?: { config: UfwConfig; status?: UfwStatus; commandAbsent?: boolean };
  /** why the running ruleset could not be read (the configuration is still checked) */
  liveError?: string;
  /** iptables: the rules restored at boot (which file, what loads it, how to save to it) */
  boot?: SavedIptables;
}

const fw = (world: CisWorld): FirewallSubject => {
  const s = world.subject.firewall as FirewallSubject | undefined;
  if (!s) throw new Error('no firewall rules were gathered: the scenario lacks its Given step');
  return s;
};

/**
 * Read the running ruleset into the subject. When it cannot be read (no CAP_NET_ADMIN, tool failing), the
 * reason is kept: the configuration part is still checked, and only a configuration that complies ends
 * the item as an error.
 */
function readLive(world: CisWorld, subject: FirewallSubject, read: () => void): void {
  try {
    read();
  } catch (e) {
    if (!(e instanceof CheckError)) throw e;
    subject.liveError = e.message;
    world.record('the running firewall ruleset', `could not be read: ${e.message}`);
  }
}

/** End a check: fail on the problems found; otherwise an error if the running part could not be read. */
function conclude(world: CisWorld, problems: string[]): void {
  if (problems.length) world.fail(problems.join('; '));
  const s = world.subject.firewall as FirewallSubject | undefined;
  if (s?.liveError) throw new CheckError(s.liveError);
}

/**
 * ufw's running status; null when the ufw command is absent from the target, which decides the question:
 * without the command nothing loads ufw's rules or reports ufw active.
 */
function ufwRunningStatus(world: CisWorld, live: LiveFirewall): UfwStatus | null {
  if (live.tools.ufw.absent) {
    world.record(live.tools.ufw.command, 'the ufw command is not installed on the target: ufw is not running and loads no rules');
    return null;
  }
  const status = parseUfwStatus(toolOutput(live, 'ufw'));
  world.record(live.tools.ufw.command, [`Status: ${status.active ? 'active' : 'inactive'}`, status.defaultLine].filter(Boolean).join('; '));
  return status;
}

const famTool = (f: Family) => (f === 4 ? 'iptables' : 'ip6tables') as 'iptables' | 'ip6tables';
const ruleRef = (r: IptRule) => `${r.file}:${r.line} ${r.text}`;

/** The last step of an iptables fix: keep the rules for the next boot. */
const saveStep = (boot: SavedIptables) => `save the rules so that they are restored at boot: ${boot.save}`
  + (boot.layout === 'iptables-services' ? ` (and have ${boot.loader} enabled: it comes with the iptables-services package)` : '');
const LOCKOUT = 'change the rules from the console, or with a timed rollback in place: a wrong rule cuts off remote access';

// ---------------------------------------------------------------------------------------------------
// Which firewall

Given('the firewall in use is {string}, or the item does not apply', async function (this: CisWorld, name: string) {
  const choice = await this.fact(firewallInUse);
  const s = choice.signals;
  this.record('firewall in use', `${choice.name}: ${choice.reason} (nftables installed: ${s.nftablesInstalled}, nftables.service enabled: ${s.nftablesServiceEnabled}; `
    + `ufw installed: ${s.ufwInstalled}, ENABLED=yes: ${s.ufwEnabled}; iptables-persistent installed: ${s.iptablesPersistentInstalled}, rules saved in /etc/iptables: ${s.iptablesRulesSaved})`);
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

// ---------------------------------------------------------------------------------------------------
// Loopback

/** The commands that add one missing loopback rule, per firewall. */
function loopbackFix(name: FirewallName, family: Family, part: 'in' | 'out' | 'drop'): string {
  const src = family === 4 ? '127.0.0.0/8' : '::1';
  if (name === 'ufw') return { in: 'ufw allow in on lo', out: 'ufw allow out on lo', drop: `ufw deny in from ${src}` }[part];
  if (name === 'nftables') return { in: 'nft add rule inet filter input iif lo accept', out: 'nft add rule inet filter output oif lo accept',
    drop: `nft add rule inet filter input ${family === 4 ? 'ip' : 'ip6'} saddr ${src} counter drop` }[part];
  const tool = famTool(family);
  return { in: `${tool} -A INPUT -i lo -j ACCEPT`, out: `${tool} -A OUTPUT -o lo -j ACCEPT`, drop: `${tool} -A INPUT -s ${src} -j DROP` }[part];
}

/** How a person makes rules added at the prompt permanent (ufw writes its rule files itself). */
function persistSteps(s: FirewallSubject): string[] {
  if (s.name === 'nftables') return ['write the same rules into /etc/nftables.conf (or a file it includes), which nftables.service loads at boot'];
  return s.boot ? [saveStep(s.boot)] : [];
}

function iptLoopback(world: CisWorld): void {
  const s = fw(world);
  const problems: string[] = [];
  const fixes = new Map<Family, Set<string>>();
  const need = (f: Family, cmd: string) => fixes.set(f, (fixes.get(f) ?? new Set()).add(cmd));
  for (const set of s.ipt) {
    if (!set.rs) {
      problems.push(set.missing!);
      for (const part of ['in', 'out', 'drop'] as const) need(set.family, loopbackFix(s.name, set.family, part));
      continue;
    }
    const lb = loopbackRules(set.rs, set.family, s.isInput, s.isOutput);
    const src = set.family === 4 ? '127.0.0.0/8' : '::1';
    const parts: Array<[IptRule | undefined, string, 'in' | 'out' | 'drop']> = [
      [lb.acceptIn, 'accepting input on lo', 'in'], [lb.acceptOut, 'accepting output on lo', 'out'], [lb.dropFromLoopback, `dropping input from ${src}`, 'drop']];
    for (const [rule, what, part] of parts) {
      if (rule) world.record(set.label, `rule ${what}: ${ruleRef(rule)}`);
      else { problems.push(`${set.label}: no rule ${what}`); need(set.family, loopbackFix(s.name, set.family, part)); }
    }
  }
  if (problems.length) {
    world.needsPerson([LOCKOUT, `add the missing loopback rules (the accept rules before any rule that drops): ${[...fixes.values()].flatMap((x) => [...x]).join('; ')}`,
      ...persistSteps(s)]);
  }
  conclude(world, problems);
}

Then('loopback traffic is accepted in and out, and traffic from loopback addresses arriving on other interfaces is dropped', function (this: CisWorld) {
  iptLoopback(this);
});

Then('loopback traffic is accepted, and traffic from loopback addresses arriving on other interfaces is dropped', function (this: CisWorld) {
  const s = fw(this);
  const problems: string[] = [];
  const fixes = new Set<string>();
  for (const set of s.nft) {
    const lb = set.rs ? nftLoopbackRules(set.rs) : {};
    const parts: Array<[typeof lb.acceptIn, string, string]> = [[lb.acceptIn, 'accepting input on lo (iif "lo" accept)', loopbackFix('nftables', 4, 'in')],
      [lb.drop4, 'dropping input from 127.0.0.0/8', loopbackFix('nftables', 4, 'drop')]];
    if (s.ipv6) parts.push([lb.drop6, 'dropping input from ::1', loopbackFix('nftables', 6, 'drop')]);
    if (!set.rs) { problems.push(set.missing!); for (const [, , fix] of parts) fixes.add(fix); continue; }
    for (const [rule, what, fix] of parts) {
      if (rule) this.record(set.label, `input base chain rule ${what}: ${rule.file}:${rule.line} ${rule.text}`);
      else { problems.push(`${set.label}: no input base chain rule ${what}`); fixes.add(fix); }
    }
  }
  if (problems.length) this.needsPerson([LOCKOUT, `add the missing loopback rules to the input base chain (table inet filter here; use the table the host has): ${[...fixes].join('; ')}`, ...persistSteps(s)]);
  conclude(this, problems);
});

// ---------------------------------------------------------------------------------------------------
// Default policies

const UFW_POLICY_KEYS: Array<[string, string]> = [['DEFAULT_INPUT_POLICY', 'incoming'], ['DEFAULT_OUTPUT_POLICY', 'outgoing'], ['DEFAULT_FORWARD_POLICY', 'routed']];

Then('the default policy denies incoming, forwarded and outgoing traffic', function (this: CisWorld) {
  const s = fw(this);
  const problems: string[] = [];
  if (s.name === 'ufw') {
    const d = s.ufw!.config.defaults;
    if (!d) problems.push(`${UFW_DEFAULTS} does not exist`);
    else {
      for (const [key] of UFW_POLICY_KEYS) {
        const a = d.get(key);
        this.record(UFW_DEFAULTS, a ? `line ${a.line}: ${key}="${a.value}"` : `${key} is not set`);
        if (!a || !['DROP', 'REJECT'].includes(a.value.toUpperCase())) problems.push(`${UFW_DEFAULTS}: ${key} is ${a ? `"${a.value}"` : 'not set'}, expected DROP or REJECT`);
      }
    }
    const status = s.ufw!.status;
    if (s.ufw!.commandAbsent) problems.push('the ufw command is not installed on the running system: no ufw default policy applies');
    if (status) {
      if (!status.active) problems.push('ufw is inactive in the running system: no default policy applies');
      else {
        for (const [, dir] of UFW_POLICY_KEYS) {
          const v = status.defaults.get(dir);
          const ok = v === 'deny' || v === 'reject' || (dir === 'routed' && v === 'disabled');
          if (!ok) problems.push(`ufw status verbose: ${v ?? 'no'} (${dir})`);
        }
      }
    }
  } else if (s.name === 'iptables') {
    for (const set of s.ipt) {
      if (!set.rs) { problems.push(set.missing!); continue; }
      for (const chain of ['INPUT', 'FORWARD', 'OUTPUT']) {
        const p = set.rs.policies.get(chain);
        this.record(set.label, p ? `${p.file}:${p.line} ${chain} policy ${p.policy}` : `${chain}: no policy given (ACCEPT)`);
        if (!p || !['DROP', 'REJECT'].includes(p.policy)) problems.push(`${set.label}: the ${chain} chain's policy is ${p?.policy ?? 'ACCEPT (not set)'}`);
      }
    }
  } else {
    for (const set of s.nft) {
      if (!set.rs) { problems.push(set.missing!); continue; }
      for (const hook of ['input', 'forward', 'output']) {
        const chains = baseChains(set.rs, hook);
        if (!chains.length) { problems.push(`${set.label}: no base chain on the ${hook} hook`); continue; }
        for (const c of chains) {
          this.record(set.label, `${c.file}:${c.line} ${describeNftChain(c)}`);
          if (c.policy !== 'drop') problems.push(`${set.label}: chain ${c.family} ${c.table} ${c.name} (hook ${hook}) has policy ${c.policy ?? 'accept (default)'}`);
        }
      }
    }
  }
  if (problems.length) this.needsPerson(defaultDenySteps(s));
  conclude(this, problems);
});

/** A default-deny policy drops whatever no rule accepts: the rules the host needs come first. */
function defaultDenySteps(s: FirewallSubject): string[] {
  const first = 'first make sure rules accept what the host needs: loopback traffic, replies to its own connections (established), '
    + 'the administrators\' SSH from their networks, and the outbound traffic the host needs (DNS, time, package mirrors, its services); '
    + 'with a deny policy and no such rules the host is cut off';
  if (s.name === 'ufw') return [LOCKOUT, first, 'ufw default deny incoming; ufw default deny outgoing; ufw default deny routed'];
  if (s.name === 'nftables') return [LOCKOUT, first, 'give every base chain on the input, forward and output hooks "policy drop;" in /etc/nftables.conf, then load it: nft -f /etc/nftables.conf'];
  const families = [...new Set(s.ipt.map((x) => x.family))];
  return [LOCKOUT, first, ...families.map((f) => ['INPUT', 'FORWARD', 'OUTPUT'].map((c) => `${famTool(f)} -P ${c} DROP`).join('; ')), ...persistSteps(s)];
}

// ---------------------------------------------------------------------------------------------------
// Open ports

/** The rule a person would add for an open port: accept new connections to it (or drop them, if it must not be reachable). */
function portRule(s: FirewallSubject, proto: 'tcp' | 'udp', family: Family, port: number): string {
  if (s.name === 'ufw') return `ufw allow ${port}/${proto} (or ufw deny ${port}/${proto})`;
  if (s.name === 'nftables') return `nft add rule inet filter input ${proto} dport ${port} ct state new accept`;
  return `${famTool(family)} -A INPUT -p ${proto} --dport ${port} -m state --state NEW -j ACCEPT (or -j DROP)`;
}

Then('every port open on a non-loopback address is named by a rule of the running ruleset', async function (this: CisWorld) {
  const s = fw(this);
  const tables = await this.liveFact(socketTables);
  if (!tables) return;
  if (s.liveError) throw new CheckError(s.liveError);
  const ports = listeningSockets(tables);
  const families = new Set(s.ipt.filter((x) => x.running).map((x) => x.family));
  const exposed = ports.filter((p) => !isLoopbackAddress(p.localAddress) && (s.name === 'ufw' ? true : families.has(p.family)));
  this.record('open ports (/proc/net/tcp, tcp6, udp, udp6)', ports.length ? ports.map(describeSocket).join('\n') : 'none');
  const uncovered: typeof ports = [];
  for (const p of exposed) {
    const set = s.ipt.find((x) => x.running && x.family === p.family);
    if (!set?.rs) {
      this.record(describeListeningPort(p), `IPv${p.family} is ${s.ipv6 ? 'not filtered by this firewall' : 'disabled'}; not checked`);
      continue;
    }
    const rule = set.rs.rules.find((r) => s.isInput(r.chain) && ruleNamesPort(r, p.proto, p.localPort));
    if (rule) this.record(describeListeningPort(p), `${set.label}: ${rule.text}`);
    else uncovered.push(p);
  }
  if (uncovered.length) {
    this.needsPerson([
      'decide for each port whether other hosts may reach it; stop the service if nothing should',
      `add a rule for each (before any rule that drops): ${[...new Set(uncovered.map((p) => portRule(s, p.proto, p.family as Family, p.localPort)))].join('; ')}`,
      ...persistSteps(s),
    ]);
    this.fail(`no firewall rule names these open ports: ${uncovered.map(describeListeningPort).join(', ')}`);
  }
});

// ---------------------------------------------------------------------------------------------------
// Outbound and established connections: a person decides

const isConntrack = (r: IptRule) => ruleConditions(r).some((o) => o.name === '--ctstate' || o.name === '--state');

Then('an auditor reviews the rules for outbound and established connections', function (this: CisWorld) {
  const s = fw(this);
  if (s.name === 'ufw') {
    const out = s.ufw!.config.defaults?.get('DEFAULT_OUTPUT_POLICY');
    this.record(UFW_DEFAULTS, out ? `line ${out.line}: DEFAULT_OUTPUT_POLICY="${out.value}"` : 'DEFAULT_OUTPUT_POLICY is not set');
    if (s.ufw!.status) this.record(s.live!.tools.ufw.command, s.live!.tools.ufw.output.split('\n').slice(0, 60).join('\n'));
  }
  for (const set of s.ipt) {
    if (!set.rs) { this.record(set.label, set.missing!); continue; }
    const outRules = set.rs.rules.filter((r) => s.isOutput(r.chain) && (s.name !== 'ufw' || r.chain.includes('user')));
    const established = set.rs.rules.filter((r) => s.isInput(r.chain) && isConntrack(r));
    this.record(set.label, [`output rules: ${outRules.length ? outRules.slice(0, 30).map((r) => r.text).join(' | ') : 'none'}`,
      `connection-state rules on input: ${established.length ? established.slice(0, 10).map((r) => r.text).join(' | ') : 'none'}`].join('\n'));
  }
  for (const set of s.nft) {
    if (!set.rs) { this.record(set.label, set.missing!); continue; }
    const outChains = baseChains(set.rs, 'output');
    const established = baseChains(set.rs, 'input').flatMap((c) => c.rules).filter((r) => /\bct state\b/.test(r.text));
    this.record(set.label, [...outChains.map((c) => `${describeNftChain(c)}: ${c.rules.map((r) => r.text).join(' | ') || 'no rule'}`),
      `connection-state rules on input: ${established.length ? established.map((r) => r.text).join(' | ') : 'none'}`].join('\n'));
  }
  return this.manual(`compare the ${s.name} rules for outbound connections, and for the replies to them (established connections), with the site's policy: the rules gathered are in the evidence`);
});

// ---------------------------------------------------------------------------------------------------
// ufw enabled, or out of the way

Then('ufw is enabled in \\/etc\\/ufw\\/ufw.conf and active in the running system', async function (this: CisWorld) {
  const config = await this.fact(ufwConfig);
  const e = config.conf?.get('ENABLED');
  this.record(UFW_CONF, config.conf ? (e ? `line ${e.line}: ENABLED=${e.value}` : 'ENABLED is not set') : 'does not exist');
  if (!config.enabled) this.fail(`ufw is not enabled at boot: ${config.conf ? (e ? `${UFW_CONF}:${e.line} ENABLED=${e.value}` : `ENABLED is not set in ${UFW_CONF}`) : `${UFW_CONF} does not exist`}`);
  const live = await this.liveFact(runningFirewall);
  if (!live) return;
  const status = ufwRunningStatus(this, live);
  if (!status) this.fail('ufw is not active in the running system: the ufw command is not installed');
  if (!status!.active) this.fail('ufw is inactive in the running system');
});

Then('ufw is not installed, or it is disabled', async function (this: CisWorld) {
  const db = await this.fact(installedPackages);
  const pkg = db.packages.get('ufw');
  if (!pkg) { this.record(db.source, 'ufw is not installed'); return; }
  this.record(db.source, `ufw ${pkg.version} installed (line ${pkg.line})`);
  const unit = (await this.fact(systemdUnits)).state('ufw.service');
  this.record('systemd unit files', describeUnit(unit));
  if (unit.masked) return;
  const config = await this.fact(ufwConfig);
  const e = config.conf?.get('ENABLED');
  this.record(UFW_CONF, config.conf ? (e ? `line ${e.line}: ENABLED=${e.value}` : 'ENABLED is not set') : 'does not exist');
  if (config.enabled) this.fail(`ufw is installed and enabled: ${UFW_CONF}:${e!.line} ENABLED=${e!.value}`);
  const live = await this.liveFact(runningFirewall);
  if (!live) return;
  const status = ufwRunningStatus(this, live);
  if (status?.active) this.fail('ufw is active in the running system');
});

// ---------------------------------------------------------------------------------------------------
// nftables tables and chains; iptables flushed

Then('at least one nftables table is defined', function (this: CisWorld) {
  const problems: string[] = [];
  for (const set of fw(this).nft) {
    if (!set.rs) { problems.push(set.missing!); continue; }
    if (set.rs.tables.length) this.record(set.label, `tables: ${set.rs.tables.map((t) => `${t.family} ${t.name} (${t.file}:${t.line})`).join(', ')}`);
    else problems.push(`${set.label}: no table`);
  }
  conclude(this, problems);
});

function nftHooks(world: CisWorld, sets: NftSet[]): void {
  const problems: string[] = [];
  for (const set of sets) {
    if (!set.rs) { problems.push(set.missing!); continue; }
    for (const hook of ['input', 'forward', 'output']) {
      const chains = baseChains(set.rs, hook);
      if (chains.length) world.record(set.label, `hook ${hook}: ${chains.map((c) => `${c.file}:${c.line} ${c.family} ${c.table} ${c.name}`).join(', ')}`);
      else problems.push(`${set.label}: no base chain on the ${hook} hook`);
    }
  }
  conclude(world, problems);
}

Then('base chains are attached to the input, forward and output hooks', function (this: CisWorld) {
  nftHooks(this, fw(this).nft);
});

Then('the running iptables and ip6tables rulesets hold no rule', async function (this: CisWorld) {
  const live = await this.liveFact(runningFirewall);
  if (!live) return;
  const families: Family[] = (await ipv6(this)).disabled ? [4] : [4, 6];
  const problems: string[] = [];
  for (const f of families) {
    const tool = live.tools[famTool(f)];
    if (tool.absent) { this.record(tool.command, 'not installed: no rules'); continue; }
    const rs = parseIptables(toolOutput(live, famTool(f)), tool.command);
    this.record(tool.command, rs.rules.length ? rs.rules.slice(0, 20).map((r) => r.text).join(' | ') : 'no rules');
    if (rs.rules.length) problems.push(`${tool.command} lists ${rs.rules.length} rule(s)`);
  }
  conclude(this, problems);
});
