/**
 * Steps about the rules of the host firewall (section 3.5): loopback traffic, default policies, open
 * ports and the rules for outbound and established connections. Each checks every ruleset the Given step
 * gathered (the boot configuration and the running ruleset) and reports all that is missing. Changing
 * firewall rules can cut the operator off, so the fixes are left to a person: a failing check lists the
 * rules or commands to add.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { type FirewallSubject, fw, conclude, famTool, ruleRef, LOCKOUT, persistSteps } from './support/firewall.js';
import { CheckError } from '../src/model/verdict.js';
import { baseChains, describeNftChain, nftLoopbackRules } from '../src/facts/nftables.js';
import { loopbackRules, ruleConditions, ruleNamesPort, type Family, type IptRule } from '../src/facts/iptables.js';
import { UFW_DEFAULTS, type FirewallName } from '../src/facts/firewall.js';
import { describeListeningPort, describeSocket, isLoopbackAddress, listeningSockets, socketTables } from '../src/facts/listening-sockets.js';

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
