/**
 * What the firewall steps share: the rulesets a Given step gathers into the scenario (ufw, nftables,
 * iptables; the boot configuration and the running ruleset), how a check ends when the running part could
 * not be read, and the words of the steps a person follows to change rules without being cut off.
 */
import type { CisWorld } from './world.js';
import { CheckError } from '../../src/model/verdict.js';
import { parseUfwStatus, toolOutput, type FirewallName, type LiveFirewall, type SavedIptables, type UfwConfig, type UfwStatus } from '../../src/facts/firewall.js';
import { type Family, type IptRule, type IptRuleset } from '../../src/facts/iptables.js';
import { type NftRuleset } from '../../src/facts/nftables.js';

export interface IptSet { label: string; running: boolean; family: Family; rs: IptRuleset | null; missing?: string }
export interface NftSet { label: string; running: boolean; rs: NftRuleset | null; missing?: string }

export interface FirewallSubject {
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

export const fw = (world: CisWorld): FirewallSubject => {
  const s = world.subject.firewall as FirewallSubject | undefined;
  if (!s) throw new Error('no firewall rules were gathered: the scenario lacks its Given step');
  return s;
};

/**
 * Read the running ruleset into the subject. When it cannot be read (no CAP_NET_ADMIN, tool failing), the
 * reason is kept: the configuration part is still checked, and only a configuration that complies ends
 * the item as an error.
 */
export function readLive(world: CisWorld, subject: FirewallSubject, read: () => void): void {
  try {
    read();
  } catch (e) {
    if (!(e instanceof CheckError)) throw e;
    subject.liveError = e.message;
    world.record('the running firewall ruleset', `could not be read: ${e.message}`);
  }
}

/** End a check: fail on the problems found; otherwise an error if the running part could not be read. */
export function conclude(world: CisWorld, problems: string[]): void {
  if (problems.length) world.fail(problems.join('; '));
  const s = world.subject.firewall as FirewallSubject | undefined;
  if (s?.liveError) throw new CheckError(s.liveError);
}

/**
 * ufw's running status; null when the ufw command is absent from the target, which decides the question:
 * without the command nothing loads ufw's rules or reports ufw active.
 */
export function ufwRunningStatus(world: CisWorld, live: LiveFirewall): UfwStatus | null {
  if (live.tools.ufw.absent) {
    world.record(live.tools.ufw.command, 'the ufw command is not installed on the target: ufw is not running and loads no rules');
    return null;
  }
  const status = parseUfwStatus(toolOutput(live, 'ufw'));
  world.record(live.tools.ufw.command, [`Status: ${status.active ? 'active' : 'inactive'}`, status.defaultLine].filter(Boolean).join('; '));
  return status;
}

export const famTool = (f: Family) => (f === 4 ? 'iptables' : 'ip6tables') as 'iptables' | 'ip6tables';
export const ruleRef = (r: IptRule) => `${r.file}:${r.line} ${r.text}`;

/** The last step of an iptables fix: keep the rules for the next boot. */
export const saveStep = (boot: SavedIptables) => `save the rules so that they are restored at boot: ${boot.save}`
  + (boot.layout === 'iptables-services' ? ` (and have ${boot.loader} enabled: it comes with the iptables-services package)` : '');
export const LOCKOUT = 'change the rules from the console, or with a timed rollback in place: a wrong rule cuts off remote access';

/** How a person makes rules added at the prompt permanent (ufw writes its rule files itself). */
export function persistSteps(s: FirewallSubject): string[] {
  if (s.name === 'nftables') return ['write the same rules into /etc/nftables.conf (or a file it includes), which nftables.service loads at boot'];
  return s.boot ? [saveStep(s.boot)] : [];
}
