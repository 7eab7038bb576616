/**
 * The host firewall: which of ufw, nftables and iptables the system is set up to use, the configuration
 * each of them loads at boot, and the ruleset loaded in the running kernel.
 *
 * Configuration (read on every target, including an offline root filesystem):
 * - ufw: /etc/default/ufw (default policies, IPV6, IPT_SYSCTL), /etc/ufw/ufw.conf (ENABLED) and the rule
 *   files it restores (before, user and after rules, IPv4 and IPv6), all in iptables-restore format;
 * - nftables: /etc/nftables.conf, which nftables.service loads, with the files it includes;
 * - iptables: the rules restored at boot, /etc/iptables/rules.v4 and rules.v6 (iptables-persistent, Debian
 *   family) or /etc/sysconfig/iptables and ip6tables (iptables-services, RPM family), whichever exist.
 *
 * The running ruleset (live targets only) is read with one command: `ufw status verbose`,
 * `nft list ruleset`, `iptables -S` and `ip6tables -S`, plus the effective capabilities of the shell,
 * since reading the firewall of a network namespace needs CAP_NET_ADMIN there: without it iptables
 * refuses and nft prints an empty ruleset, which must not be mistaken for "no rules".
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { installedPackages, packageManager, type PackageManagerKind } from './packages.js';
import { systemdUnits } from './systemd-units.js';
import { parseSysctlConf, type SysctlSetting } from './sysctl.js';
import { mergeIptables, parseIptables, type Family, type IptRuleset } from './iptables.js';
import { mergeNft, parseNft, type NftRuleset } from './nftables.js';
import { parseShellAssignments, type ShellAssignment } from './shell-assignments.js';

// ---------------------------------------------------------------------------------------------------
// ufw

export const UFW_DEFAULTS = '/etc/default/ufw';
export const UFW_CONF = '/etc/ufw/ufw.conf';
export const UFW_RULE_FILES: Record<Family, string[]> = {
  4: ['/etc/ufw/before.rules', '/etc/ufw/user.rules', '/etc/ufw/after.rules'],
  6: ['/etc/ufw/before6.rules', '/etc/ufw/user6.rules', '/etc/ufw/after6.rules'],
};
const UFW_SYSCTL_DEFAULT = '/etc/ufw/sysctl.conf';

export interface UfwConfig {
  /** /etc/default/ufw, or null when it does not exist */
  defaults: Map<string, ShellAssignment> | null;
  /** /etc/ufw/ufw.conf, or null when it does not exist */
  conf: Map<string, ShellAssignment> | null;
  /**
   * ENABLED=yes or ENABLED=YES in /etc/ufw/ufw.conf (or, when it sets none, in /etc/default/ufw), both files
   * there and not empty: ufw-init loads the rules at boot (ufwEnabledAtBoot)
   */
  enabled: boolean;
  /** where the ENABLED that decided came from (file:line ENABLED=value), or why there is none */
  enabledEvidence: string;
  /** the rule files ufw restores, per family; files that do not exist are left out */
  rules: Record<Family, IptRuleset>;
  ruleFiles: Record<Family, string[]>;
}

/** ufw's chains: ufw-before-input, ufw-user-input, ufw6-after-output and so on. */
export const ufwInputChain = (c: string) => /^ufw6?-(before|user|after)-input$/.test(c) || c === 'INPUT';
export const ufwOutputChain = (c: string) => /^ufw6?-(before|user|after)-output$/.test(c) || c === 'OUTPUT';

/**
 * Whether ufw's boot script loads the firewall for this ENABLED value: ufw_start in
 * /lib/ufw/ufw-init-functions (which /lib/ufw/ufw-init runs at boot) compares the sourced ENABLED with the
 * exact strings "yes" and "YES" only, so "Yes", "yes " or an unset ENABLED leave the firewall unloaded.
 */
export function ufwEnabledAtBoot(value: string | undefined): boolean {
  return value === 'yes' || value === 'YES';
}

/** /etc/default/ufw and /etc/ufw/ufw.conf, each parsed (null when missing), for ufwBootVariable. */
interface UfwBootFiles { defaults: Map<string, ShellAssignment> | null; conf: Map<string, ShellAssignment> | null; gaveUp?: string }

/** The two files ufw's boot script sources, read and parsed once per run for ufwConfig and ufwSysctl. */
const ufwBootFiles = defineFact<UfwBootFiles>('ufw-boot-files', async ({ facts }) => {
  const defaultsText = await facts.text(UFW_DEFAULTS);
  const confText = await facts.text(UFW_CONF);
  const missing = (file: string, text: string | null) => (text === null ? `${file} does not exist` : text === '' ? `${file} is empty` : undefined);
  const gone = missing(UFW_DEFAULTS, defaultsText) ?? missing(UFW_CONF, confText);
  const parse = (text: string | null, file: string) => (text === null ? null : parseShellAssignments(text, file));
  return { defaults: parse(defaultsText, UFW_DEFAULTS), conf: parse(confText, UFW_CONF), gaveUp: gone && `${gone}: ufw-init-functions gives up without loading the firewall` };
}, [UFW_DEFAULTS, UFW_CONF]);

/**
 * A variable as ufw's boot script sees it: ufw-init-functions sources /etc/default/ufw and then
 * /etc/ufw/ufw.conf in one shell, and gives up when either is missing or empty (`[ -s FILE ]`); so
 * ufw.conf's value wins, and /etc/default/ufw's counts when ufw.conf sets none. Returns the deciding
 * assignment and, for evidence, where the value came from (or why there is none).
 */
function ufwBootVariable(name: string, files: UfwBootFiles): { by?: ShellAssignment; evidence: string } {
  if (files.gaveUp) return { evidence: files.gaveUp };
  const by = files.conf?.get(name) ?? files.defaults?.get(name);
  return by
    ? { by, evidence: `${by.file}:${by.line} ${name}=${by.value}${by.file === UFW_DEFAULTS ? ` (${UFW_CONF} sets none)` : ''}` }
    : { evidence: `${name} is set in neither ${UFW_DEFAULTS} nor ${UFW_CONF}` };
}

export const ufwConfig = defineFact<UfwConfig>('ufw-config', async ({ facts }) => {
  const files = await facts.get(ufwBootFiles);
  const rules = {} as Record<Family, IptRuleset>;
  const ruleFiles = {} as Record<Family, string[]>;
  for (const fam of [4, 6] as Family[]) {
    const sets: IptRuleset[] = [];
    ruleFiles[fam] = [];
    for (const f of UFW_RULE_FILES[fam]) {
      const t = await facts.text(f);
      if (t === null) continue;
      ruleFiles[fam].push(f);
      sets.push(parseIptables(t, f));
    }
    rules[fam] = mergeIptables(sets);
  }
  const boot = ufwBootVariable('ENABLED', files);
  return { defaults: files.defaults, conf: files.conf, enabled: ufwEnabledAtBoot(boot.by?.value), enabledEvidence: boot.evidence, rules, ruleFiles };
}, [UFW_DEFAULTS, UFW_CONF, ...UFW_RULE_FILES[4], ...UFW_RULE_FILES[6]]);

export interface UfwSysctl {
  /** the file IPT_SYSCTL names as ufw's boot script sees it (ufwBootVariable); null when there is none */
  file: string | null;
  settings: SysctlSetting[];
}

/**
 * The kernel parameters ufw sets each time it starts (the file IPT_SYSCTL names, set in /etc/default/ufw
 * or overridden in ufw.conf), after the boot-time sysctl configuration: a value there overrides the one in
 * /etc/sysctl.d. None when ufw's boot script gives up (either file missing or empty).
 */
export const ufwSysctl = defineFact<UfwSysctl>('ufw-sysctl', async ({ facts }) => {
  const boot = ufwBootVariable('IPT_SYSCTL', await facts.get(ufwBootFiles));
  const file = boot.by?.value;
  if (!file) return { file: null, settings: [] };
  // ufw-init-functions runs `sysctl -e -q -p $IPT_SYSCTL` unquoted: blanks split it, wildcards glob it
  if (/[\s*?[]/.test(file)) throw new CheckError(`${boot.by!.file}: IPT_SYSCTL=${file} is split or globbed by ufw-init (it is used unquoted): which files it loads is not read here`);
  const t = await facts.text(file);
  return { file, settings: t === null ? [] : parseSysctlConf(t, file) };
}, [UFW_DEFAULTS, UFW_CONF, UFW_SYSCTL_DEFAULT]);

// ---------------------------------------------------------------------------------------------------
// nftables boot configuration

export const NFTABLES_CONF = '/etc/nftables.conf';

export interface NftablesBootConfig {
  /** files read: /etc/nftables.conf first, then what it includes */
  files: string[];
  exists: boolean;
  ruleset: NftRuleset;
}

/** An include path as nft resolves it: absolute, or relative to /etc (its default include directory). */
export const resolveNftInclude = (p: string) => (p.startsWith('/') ? p : `/etc/${p}`);

export const nftablesBootConfig = defineFact<NftablesBootConfig>('nftables-boot-config', async ({ facts }) => {
  const top = await facts.text(NFTABLES_CONF);
  if (top === null) return { files: [], exists: false, ruleset: { tables: [], chains: [], includes: [] } };
  const files = [NFTABLES_CONF];
  const sets = [parseNft(top, NFTABLES_CONF)];
  for (let i = 0; i < sets.length && i < 64; i++) {
    for (const inc of sets[i].includes) {
      const reads = await facts.readMany([resolveNftInclude(inc.path)]);
      for (const r of reads) {
        if (r.state === 'missing') throw new CheckError(`${inc.file}:${inc.line} includes ${inc.path}, which does not exist (nft would refuse to load the ruleset)`);
        if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
        if (r.state !== 'file' || files.includes(r.path)) continue;
        files.push(r.path);
        sets.push(parseNft(r.content.toString('utf8'), r.path));
      }
    }
  }
  return { files, exists: true, ruleset: mergeNft(sets) };
}, [NFTABLES_CONF]);

// ---------------------------------------------------------------------------------------------------
// iptables rules saved for boot: iptables-persistent (Debian family) or iptables-services (RPM family)

export type IptablesBootLayoutName = 'iptables-persistent' | 'iptables-services';

export interface IptablesBootLayout {
  name: IptablesBootLayoutName;
  /** the file each family's rules are restored from at boot */
  files: Record<Family, string>;
  /** what restores them, for messages */
  loader: Record<Family, string>;
  /** the command that saves the running rules there */
  save: Record<Family, string>;
}

/**
 * Where saved rules live: iptables-persistent (Debian, Ubuntu) restores /etc/iptables/rules.v4 and rules.v6;
 * iptables-services (CentOS 7, Alibaba Cloud Linux 2) has iptables.service and ip6tables.service restore
 * /etc/sysconfig/iptables and /etc/sysconfig/ip6tables. All four files are iptables-save output.
 */
export const IPTABLES_BOOT_LAYOUTS: Record<IptablesBootLayoutName, IptablesBootLayout> = {
  'iptables-persistent': {
    name: 'iptables-persistent',
    files: { 4: '/etc/iptables/rules.v4', 6: '/etc/iptables/rules.v6' },
    loader: { 4: 'iptables-persistent', 6: 'iptables-persistent' },
    save: { 4: 'iptables-save > /etc/iptables/rules.v4', 6: 'ip6tables-save > /etc/iptables/rules.v6' },
  },
  'iptables-services': {
    name: 'iptables-services',
    files: { 4: '/etc/sysconfig/iptables', 6: '/etc/sysconfig/ip6tables' },
    loader: { 4: 'iptables.service', 6: 'ip6tables.service' },
    save: { 4: 'iptables-save > /etc/sysconfig/iptables', 6: 'ip6tables-save > /etc/sysconfig/ip6tables' },
  },
};

export interface SavedIptables {
  /** the file the rules are restored from at boot (it may not exist) */
  file: string;
  exists: boolean;
  /** its filter table; null when the file does not exist or cannot be parsed */
  ruleset: IptRuleset | null;
  /** why the file cannot be parsed (kept per family: a broken IPv4 file says nothing of the IPv6 rules) */
  error?: string;
  /** what restores it at boot, for messages */
  loader: string;
  /** how to save the running rules there */
  save: string;
  layout: IptablesBootLayoutName;
}

/**
 * The layout in use: the one whose files exist; when both or neither have files, the one of the
 * system's package manager (rpm: iptables-services; otherwise iptables-persistent).
 */
export function chooseIptablesLayout(existing: IptablesBootLayoutName[], manager: PackageManagerKind | null): IptablesBootLayout {
  const native: IptablesBootLayoutName = manager === 'rpm' ? 'iptables-services' : 'iptables-persistent';
  return IPTABLES_BOOT_LAYOUTS[existing.length === 1 ? existing[0] : native];
}

export const iptablesSaved = defineFact<Record<Family, SavedIptables>>('iptables-saved-rules', async ({ facts }) => {
  const texts = new Map<string, string | null>();
  for (const layout of Object.values(IPTABLES_BOOT_LAYOUTS)) for (const f of Object.values(layout.files)) texts.set(f, await facts.text(f));
  const existing = Object.values(IPTABLES_BOOT_LAYOUTS).filter((l) => Object.values(l.files).some((f) => texts.get(f) !== null)).map((l) => l.name);
  const layout = chooseIptablesLayout(existing, await facts.get(packageManager));
  const out = {} as Record<Family, SavedIptables>;
  for (const fam of [4, 6] as Family[]) {
    const file = layout.files[fam];
    const t = texts.get(file) ?? null;
    let ruleset: IptRuleset | null = null;
    let error: string | undefined;
    try {
      ruleset = t === null ? null : parseIptables(t, file);
    } catch (e) {
      if (!(e instanceof CheckError)) throw e;
      error = e.message;
    }
    out[fam] = { file, exists: t !== null, ruleset, error, loader: layout.loader[fam], save: layout.save[fam], layout: layout.name };
  }
  return out;
}, Object.values(IPTABLES_BOOT_LAYOUTS).flatMap((l) => Object.values(l.files)));

// ---------------------------------------------------------------------------------------------------
// The running ruleset

export const LIVE_FIREWALL_TOOLS = {
  ufw: 'ufw status verbose',
  nft: 'nft list ruleset',
  iptables: 'iptables -S',
  ip6tables: 'ip6tables -S',
} as const;
export type LiveTool = keyof typeof LIVE_FIREWALL_TOOLS;

const MARK = '@@cis-bdd-firewall@@';
export const LIVE_FIREWALL_COMMAND = [
  'export LC_ALL=C PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"',
  `s() { n=$1; shift; o=$("$@" 2>&1); r=$?; printf '%s %s %s\\n%s\\n' '${MARK}' "$n" "$r" "$o"; }`,
  `s capabilities grep '^CapEff:' /proc/self/status`,
  ...Object.entries(LIVE_FIREWALL_TOOLS).map(([k, cmd]) => `s ${k} ${cmd}`),
].join('; ');

export interface ToolOutput { command: string; exitCode: number; output: string; absent: boolean }

export interface LiveFirewall {
  /** CAP_NET_ADMIN in the effective set of the audit's shell (null when it could not be read) */
  netAdmin: boolean | null;
  tools: Record<LiveTool, ToolOutput>;
}

const CAP_NET_ADMIN = 12n;

export function parseLiveFirewall(stdout: string): LiveFirewall {
  const sections = new Map<string, { exitCode: number; lines: string[] }>();
  let current: { exitCode: number; lines: string[] } | undefined;
  const mark = new RegExp(`^${MARK} (\\S+) (\\d+)$`);
  for (const line of stdout.split('\n')) {
    const m = mark.exec(line);
    if (m) { current = { exitCode: Number(m[2]), lines: [] }; sections.set(m[1], current); continue; }
    current?.lines.push(line);
  }
  const get = (name: string) => {
    const s = sections.get(name);
    if (!s) throw new CheckError(`the firewall listing has no "${name}" section: the command did not run as expected`);
    return { exitCode: s.exitCode, output: s.lines.join('\n').replace(/\n+$/, '') };
  };
  const hex = /^CapEff:\s*([0-9a-fA-F]+)/.exec(get('capabilities').output)?.[1];
  const netAdmin = hex ? ((BigInt(`0x${hex}`) >> CAP_NET_ADMIN) & 1n) === 1n : null;
  const tools = {} as Record<LiveTool, ToolOutput>;
  for (const [k, command] of Object.entries(LIVE_FIREWALL_TOOLS) as Array<[LiveTool, string]>) {
    const t = get(k);
    tools[k] = { command, ...t, absent: t.exitCode === 127 };
  }
  return { netAdmin, tools };
}

export const runningFirewall = defineFact<LiveFirewall>('running-firewall', async ({ facts }) => {
  const r = await facts.command('the running firewall ruleset (ufw status verbose, nft list ruleset, iptables -S, ip6tables -S)', LIVE_FIREWALL_COMMAND);
  return parseLiveFirewall(r.stdout.toString('utf8'));
});

/**
 * The output of one firewall tool, or a CheckError saying why it cannot be trusted: the tool is missing,
 * it failed, or the shell lacks CAP_NET_ADMIN (nft then prints an empty ruleset and exits 0).
 */
export function toolOutput(live: LiveFirewall, tool: LiveTool): string {
  const t = live.tools[tool];
  if (t.absent) throw new CheckError(`${t.command}: the command is not installed on the target`);
  if (live.netAdmin === false) {
    throw new CheckError(`${t.command}: the audit's shell lacks CAP_NET_ADMIN, so the firewall of its network namespace cannot be read`
      + ' (run the audit as root; a container needs --cap-add NET_ADMIN)');
  }
  if (t.exitCode !== 0) throw new CheckError(`${t.command} failed (exit ${t.exitCode}): ${t.output.split('\n')[0]}`);
  return t.output;
}

export interface UfwStatus {
  active: boolean;
  /** "deny (incoming)" → incoming: deny; present when ufw is active */
  defaults: Map<string, string>;
  defaultLine?: string;
  /** the rule table lines */
  rules: string[];
}

export function parseUfwStatus(text: string): UfwStatus {
  const status = /^Status: (\S+)/m.exec(text)?.[1];
  if (!status) throw new CheckError(`ufw status printed no "Status:" line: ${JSON.stringify(text.slice(0, 200))}`);
  const defaults = new Map<string, string>();
  const defaultLine = /^Default: .*$/m.exec(text)?.[0];
  if (defaultLine) for (const m of defaultLine.matchAll(/(\w+) \((\w+)\)/g)) defaults.set(m[2], m[1]);
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^--\s+-+\s+-+/.test(l));
  const rules = start < 0 ? [] : lines.slice(start + 1).map((l) => l.trimEnd()).filter(Boolean);
  return { active: status === 'active', defaults, defaultLine, rules };
}

// ---------------------------------------------------------------------------------------------------
// Which firewall is in use

export type FirewallName = 'ufw' | 'nftables' | 'iptables';

export interface FirewallSignals {
  nftablesInstalled: boolean;
  nftablesServiceEnabled: boolean;
  ufwInstalled: boolean;
  /** ufw loads at boot: ENABLED=yes or YES, from /etc/ufw/ufw.conf or else /etc/default/ufw (UfwConfig.enabled) */
  ufwEnabled: boolean;
  iptablesPersistentInstalled: boolean;
  /** /etc/iptables/rules.v4 or rules.v6 exists */
  iptablesRulesSaved: boolean;
}

export interface FirewallChoice { name: FirewallName; reason: string; signals: FirewallSignals }

/**
 * The benchmark asks for one firewall and gives a section to each. The one in use is the one the system
 * is set up to load at boot, looked at in this order:
 * 1. nftables, when nftables.service is enabled;
 * 2. ufw, when it loads at boot (ENABLED=yes or YES, from /etc/ufw/ufw.conf or else /etc/default/ufw);
 * 3. iptables, when iptables-persistent is installed or rules are saved in /etc/iptables;
 * 4. nftables, when only its package is installed;
 * 5. otherwise no firewall is set up, and the ufw section, Ubuntu's own firewall, says what is missing.
 * The signals are the admin's set-up, not the packages alone, so that "is installed" and "is enabled"
 * items can fail; and the order lets every mix of two firewalls fail an item of the section in use:
 * nftables with ufw enabled fails 3.5.2.2, ufw with iptables-persistent fails 3.5.1.2, iptables with
 * nftables installed fails 3.5.3.1.2.
 */
export function chooseFirewall(s: FirewallSignals): FirewallChoice {
  const choose = (name: FirewallName, reason: string): FirewallChoice => ({ name, reason, signals: s });
  if (s.nftablesServiceEnabled) return choose('nftables', 'nftables.service is enabled');
  if (s.ufwEnabled) return choose('ufw', 'ufw is enabled (ENABLED=yes or YES, from /etc/ufw/ufw.conf or else /etc/default/ufw) and nftables.service is not');
  if (s.iptablesPersistentInstalled || s.iptablesRulesSaved) {
    return choose('iptables', `${s.iptablesPersistentInstalled ? 'iptables-persistent is installed' : 'rules are saved in /etc/iptables'}, and neither nftables.service nor ufw is enabled`);
  }
  if (s.nftablesInstalled) return choose('nftables', 'the nftables package is installed, and neither ufw nor iptables-persistent is set up');
  return choose('ufw', 'no firewall is set up (nftables.service and ufw not enabled, no iptables-persistent, no nftables package): the ufw section, Ubuntu\'s own firewall, applies');
}

export const firewallInUse = defineFact<FirewallChoice>('firewall-in-use', async ({ facts }) => {
  const pkgs = (await facts.get(installedPackages)).packages;
  const nft = (await facts.get(systemdUnits)).state('nftables.service');
  const ufw = await facts.get(ufwConfig);
  const saved = await facts.get(iptablesSaved);
  return chooseFirewall({
    nftablesInstalled: pkgs.has('nftables'),
    nftablesServiceEnabled: nft.enabledBy.length > 0 && !nft.masked,
    ufwInstalled: pkgs.has('ufw'),
    ufwEnabled: ufw.enabled,
    iptablesPersistentInstalled: pkgs.has('iptables-persistent'),
    iptablesRulesSaved: saved[4].layout === 'iptables-persistent' && (saved[4].exists || saved[6].exists),
  });
});
