/** Parsers of the firewall facts, on files of the Ubuntu 18.04 fixture, on real tool output and on malformed input. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { FactStore } from '../../src/facts/store.js';
import { RootfsTarget } from '../../src/targets/rootfs.js';
import { baseChains, nftLoopbackRules, parseNft } from '../../src/facts/nftables.js';
import { parseShellAssignments } from '../../src/facts/shell-assignments.js';
import { chooseFirewall, parseLiveFirewall, ufwConfig, ufwSysctl, ufwEnabledAtBoot, parseUfwStatus, toolOutput, ufwInputChain, ufwOutputChain, LIVE_FIREWALL_COMMAND, type FirewallSignals } from '../../src/facts/firewall.js';
import { loopbackRules, mergeIptables, parseIptables, portSpec, ruleNamesPort } from '../../src/facts/iptables.js';

const base = ensureUbuntuBase();
const fixture = (p: string) => readFileSync(path.join(base, p), 'utf8');

/** A scratch root with /etc/default/ufw and /etc/ufw/ufw.conf as given (null: the file is not there), for fn. */
async function withUfwFiles<T>(defaults: string | null, conf: string | null, fn: (root: string) => Promise<T>): Promise<T> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-ufw-'));
  try {
    mkdirSync(path.join(root, 'etc/default'), { recursive: true });
    mkdirSync(path.join(root, 'etc/ufw'), { recursive: true });
    if (defaults !== null) writeFileSync(path.join(root, 'etc/default/ufw'), defaults);
    if (conf !== null) writeFileSync(path.join(root, 'etc/ufw/ufw.conf'), conf);
    return await fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('KEY=value files', () => {
  it('reads /etc/default/ufw and /etc/ufw/ufw.conf of the fixture, without quotes', () => {
    const d = parseShellAssignments(fixture('etc/default/ufw'), '/etc/default/ufw');
    expect(d.get('DEFAULT_INPUT_POLICY')).toMatchObject({ value: 'DROP' });
    expect(d.get('DEFAULT_OUTPUT_POLICY')).toMatchObject({ value: 'ACCEPT' });
    expect(d.get('IPT_SYSCTL')?.value).toBe('/etc/ufw/sysctl.conf');
    expect(parseShellAssignments(fixture('etc/ufw/ufw.conf'), '/etc/ufw/ufw.conf').get('ENABLED')?.value).toBe('no');
  });
  it('lets the last assignment win and drops trailing comments', () => {
    const d = parseShellAssignments('A=1\n# A=2\nA=3 # three\nB="x y"\n', '/etc/default/ufw');
    expect(d.get('A')).toEqual({ name: 'A', value: '3', file: '/etc/default/ufw', line: 3 });
    expect(d.get('B')?.value).toBe('x y');
  });
  it('reads a word as dash does: quotes joined, backslashes, ";" between assignments, a CR kept', () => {
    const d = parseShellAssignments('A="a\\"b"\nB=a\\ b\nC=x; D="p"\'q\'r\nE=yes\r\n', '/etc/default/ufw');
    expect(['A', 'B', 'C', 'D', 'E'].map((n) => d.get(n)?.value)).toEqual(['a"b', 'a b', 'x', 'pqr', 'yes\r']);
    expect(d.get('D')?.line).toBe(3);
  });
  it('refuses a line that runs a command or expands, which sh would do', () => {
    expect(() => parseShellAssignments('A=1\n not an assignment\n', '/etc/default/ufw')).toThrow(/\/etc\/default\/ufw:2 runs a command/);
    expect(() => parseShellAssignments('ENABLED=yes no\n', '/etc/default/ufw')).toThrow(/followed by a command/);
    expect(() => parseShellAssignments('IPT_SYSCTL=$DIR/sysctl.conf\n', '/etc/default/ufw')).toThrow(/expands a \$ expression/);
  });
  it('takes ENABLED from /etc/default/ufw when ufw.conf sets none, and needs both files there and not empty, as ufw-init-functions sources them', async () => {
    const enabled = (defaults: string | null, conf: string | null) =>
      withUfwFiles(defaults, conf, async (root) => (await new FactStore(new RootfsTarget(`rootfs:${root}`, root)).get(ufwConfig)).enabled);
    expect(await enabled('IPV6=yes\n', 'ENABLED=yes\n')).toBe(true);
    expect(await enabled('ENABLED=yes\n', 'LOGLEVEL=low\n')).toBe(true);
    expect(await enabled('ENABLED=yes\n', 'ENABLED=no\n')).toBe(false);
    expect(await enabled(null, 'ENABLED=yes\n')).toBe(false);
    expect(await enabled('', 'ENABLED=yes\n')).toBe(false);
    expect(await enabled('ENABLED=yes\n', '')).toBe(false);
  });

  it('sees ENABLED and IPT_SYSCTL as dash does after sourcing both files the way ufw-init-functions does', async () => {
    const cases: Array<[string | null, string | null]> = [
      ['ENABLED=no\nIPT_SYSCTL=/etc/ufw/sysctl.conf\n', 'ENABLED=yes\n'],
      ['ENABLED=yes\nIPT_SYSCTL=/etc/ufw/sysctl.conf\n', 'LOGLEVEL=low\n'],
      ['IPT_SYSCTL=/etc/ufw/sysctl.conf\n', 'ENABLED=YES\nIPT_SYSCTL=/etc/ufw/other.conf\n'],
      ['IPT_SYSCTL=/etc/ufw/sysctl.conf\n', 'ENABLED=Yes\n'],
      ['ENABLED=yes\nIPT_SYSCTL=/etc/ufw/sysctl.conf\n', ''],
      ['', 'ENABLED=yes\nIPT_SYSCTL=/etc/ufw/sysctl.conf\n'],
      [null, 'ENABLED=yes\nIPT_SYSCTL=/etc/ufw/sysctl.conf\n'],
      ['IPT_SYSCTL=/etc/ufw/sysctl.conf\n', null],
    ];
    // ufw-init-functions' loop: each file must be there and not empty, else it stops; both sourced in order
    const script = 'for s in "$1/etc/default/ufw" "$1/etc/ufw/ufw.conf"; do if [ -s "$s" ]; then . "$s"; else exit 1; fi; done; printf "%s|%s" "$ENABLED" "$IPT_SYSCTL"';
    for (const [defaults, conf] of cases) {
      await withUfwFiles(defaults, conf, async (root) => {
        const sh = spawnSync('/bin/sh', ['-c', script, 'sh', root], { encoding: 'utf8', env: { PATH: '' }, timeout: 10_000 });
        const [enabled, sysctlFile] = sh.status === 0 ? sh.stdout.split('|') : ['', ''];
        const facts = new FactStore(new RootfsTarget(`rootfs:${root}`, root));
        const label = JSON.stringify([defaults, conf]);
        expect((await facts.get(ufwConfig)).enabled, label).toBe(enabled === 'yes' || enabled === 'YES');
        expect((await facts.get(ufwSysctl)).file, label).toBe(sysctlFile || null);
      });
    }
  });

  it('reads the file IPT_SYSCTL names, and refuses a value ufw-init would split or glob', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-ufw-'));
    try {
      mkdirSync(path.join(root, 'etc/default'), { recursive: true });
      mkdirSync(path.join(root, 'etc/ufw'), { recursive: true });
      writeFileSync(path.join(root, 'etc/ufw/sysctl.conf'), 'net/ipv4/ip_forward=0\n');
      // ufw's boot script needs ufw.conf too (there and not empty) before it reads IPT_SYSCTL
      writeFileSync(path.join(root, 'etc/ufw/ufw.conf'), 'ENABLED=yes\n');
      const read = (defaults: string) => {
        writeFileSync(path.join(root, 'etc/default/ufw'), defaults);
        return new FactStore(new RootfsTarget(`rootfs:${root}`, root)).get(ufwSysctl);
      };
      const plain = await read('IPT_SYSCTL=/etc/ufw/sysctl.conf\n');
      expect(plain.file).toBe('/etc/ufw/sysctl.conf');
      expect(plain.settings).toHaveLength(1);
      await expect(read('IPT_SYSCTL="/etc/ufw/sysctl.conf /etc/other.conf"\n')).rejects.toThrow(/split or globbed/);
      await expect(read('IPT_SYSCTL=/etc/ufw/*.conf\n')).rejects.toThrow(/split or globbed/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('counts ufw enabled at boot only for ENABLED=yes or YES, as ufw-init compares it', () => {
    const enabled = (t: string) => ufwEnabledAtBoot(parseShellAssignments(t, '/etc/ufw/ufw.conf').get('ENABLED')?.value);
    expect(['ENABLED=yes\n', 'ENABLED="YES"\n', 'ENABLED=Yes\n', "ENABLED='yes '\n", 'ENABLED=no\n', 'ENABLED=yes\r\n', '# ENABLED=yes\n'].map(enabled))
      .toEqual([true, true, false, false, false, false, false]);
  });
  it('refuses a value whose quoting it cannot read, rather than guess', () => {
    expect(() => parseShellAssignments('DEFAULT_INPUT_POLICY="DROP\n', '/etc/default/ufw')).toThrow(/\/etc\/default\/ufw:1 has an assignment whose quoting cannot be read/);
  });
});

describe('iptables rules', () => {
  it('parses ufw\'s before.rules of the fixture and finds its loopback accept rules', () => {
    const rs = parseIptables(fixture('etc/ufw/before.rules'), '/etc/ufw/before.rules');
    const lb = loopbackRules(rs, 4, ufwInputChain, ufwOutputChain);
    expect(lb.acceptIn?.text).toBe('-A ufw-before-input -i lo -j ACCEPT');
    expect(lb.acceptOut?.text).toBe('-A ufw-before-output -o lo -j ACCEPT');
    expect(lb.dropFromLoopback).toBeUndefined();
  });
  it('reads policies and rules from iptables -S output, quotes and negations included', () => {
    const rs = parseIptables([
      '-P INPUT DROP', '-P FORWARD DROP', '-P OUTPUT ACCEPT', '-N ufw-user-input',
      '-A INPUT -i lo -j ACCEPT', '-A INPUT -s 127.0.0.0/8 ! -i lo -j DROP', '-A OUTPUT -o lo -j ACCEPT',
      '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp -m multiport --dports 80,443,8000:8010 -j ACCEPT',
      '-A ufw-after-logging-input -m limit --limit 3/min -j LOG --log-prefix "[UFW BLOCK] "',
      '-A INPUT -p udp -m udp ! --dport 53 -j DROP',
    ].join('\n'), 'iptables -S');
    expect(rs.policies.get('INPUT')?.policy).toBe('DROP');
    expect(rs.policies.get('OUTPUT')?.policy).toBe('ACCEPT');
    const lb = loopbackRules(rs, 4, (c) => c === 'INPUT', (c) => c === 'OUTPUT');
    expect(lb.dropFromLoopback?.line).toBe(6);
    expect(rs.rules[5].options.find((o) => o.name === '--log-prefix')?.values).toEqual(['[UFW BLOCK] ']);
    const names = (proto: 'tcp' | 'udp', port: number) => rs.rules.some((r) => ruleNamesPort(r, proto, port));
    expect([names('tcp', 22), names('tcp', 443), names('tcp', 8005), names('tcp', 8011), names('udp', 22), names('udp', 53)]).toEqual([true, true, true, false, false, false]);
  });
  it('does not count a loopback rule that carries other conditions', () => {
    const rs = parseIptables('-A INPUT -i lo -p tcp -j ACCEPT\n-A INPUT -s 127.0.0.0/8 -p udp -j DROP\n', 'x');
    expect(loopbackRules(rs, 4, (c) => c === 'INPUT', () => false)).toEqual({});
  });
  it('reads an iptables-save file: filter table only, policies from ":CHAIN POLICY" lines, ::1 for IPv6', () => {
    const rs = parseIptables('*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n:custom - [0:0]\n-A INPUT -i lo -j ACCEPT\n-A OUTPUT -o lo -j ACCEPT\n-A INPUT -s ::1/128 -j DROP\nCOMMIT\n', '/etc/iptables/rules.v6');
    expect([...rs.policies.keys()]).toEqual(['INPUT', 'FORWARD', 'OUTPUT']);
    expect(rs.rules.map((r) => r.chain)).toEqual(['INPUT', 'OUTPUT', 'INPUT']);
    const lb = loopbackRules(rs, 6, (c) => c === 'INPUT', (c) => c === 'OUTPUT');
    expect(lb.dropFromLoopback?.file).toBe('/etc/iptables/rules.v6');
    expect(mergeIptables([rs, parseIptables(':INPUT ACCEPT [0:0]\n', 'later')]).policies.get('INPUT')?.policy).toBe('ACCEPT');
  });
  it('rejects a line that is not an iptables rule', () => {
    expect(() => parseIptables('*filter\n-A INPUT -j ACCEPT\nallow everything\nCOMMIT\n', '/etc/iptables/rules.v4')).toThrow(/rules\.v4:3 is not an iptables rule line/);
    expect(() => parseIptables('-A INPUT lo -j ACCEPT\n', 'f')).toThrow(/f:1 cannot be parsed/);
  });
  it('reads port lists and ranges', () => {
    expect(portSpec(['22'])).toEqual([[22, 22]]);
    expect(portSpec(['80,443', '1000:'])).toEqual([[80, 80], [443, 443], [1000, 65535]]);
  });
});

const NFT_LIVE = `table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		iif "lo" accept
		ip saddr 127.0.0.0/8 counter packets 0 bytes 0 drop
		ip6 saddr ::1 counter packets 0 bytes 0 drop
		tcp dport { ssh, http } ct state new accept
	}

	chain forward {
		type filter hook forward priority 0; policy accept;
	}

	chain output {
		type filter hook output priority 0; policy accept;
	}
}`;

describe('nftables rulesets', () => {
  it('parses the fixture\'s /etc/nftables.conf: one table, three base chains, no policy', () => {
    const rs = parseNft(fixture('etc/nftables.conf'), '/etc/nftables.conf');
    expect(rs.tables).toEqual([{ family: 'inet', name: 'filter', file: '/etc/nftables.conf', line: 5 }]);
    expect(['input', 'forward', 'output'].map((h) => baseChains(rs, h).map((c) => `${c.name}@${c.line} ${c.policy ?? '-'}`))).toEqual([['input@6 -'], ['forward@9 -'], ['output@12 -']]);
    expect(nftLoopbackRules(rs)).toEqual({ acceptIn: undefined, drop4: undefined, drop6: undefined });
  });
  it('parses nft list ruleset output, set literals in rules included', () => {
    const rs = parseNft(NFT_LIVE, 'nft list ruleset');
    const input = baseChains(rs, 'input')[0];
    expect(input).toMatchObject({ family: 'inet', table: 'filter', type: 'filter', priority: '0', policy: 'accept' });
    expect(input.rules.map((r) => r.text)).toEqual(['iif "lo" accept', 'ip saddr 127.0.0.0/8 counter packets 0 bytes 0 drop', 'ip6 saddr ::1 counter packets 0 bytes 0 drop', 'tcp dport { ssh, http } ct state new accept']);
    const lb = nftLoopbackRules(rs);
    expect([lb.acceptIn?.line, lb.drop4?.line, lb.drop6?.line]).toEqual([4, 5, 6]);
  });
  it('reads includes, command forms, sets, comments and multi-line literals', () => {
    const rs = parseNft([
      '#!/usr/sbin/nft -f', 'flush ruleset', 'define LAN = 10.0.0.0/8', 'include "/etc/nftables.d/*.nft"',
      'add table ip fw', 'add chain ip fw in { type filter hook input priority 0 ; policy drop ; }', 'add rule ip fw in iif lo accept # loopback',
      'table ip6 six {', '  set blocked { type ipv6_addr; elements = { ::2,', '    ::3 } }', '  chain out { type filter hook output priority 0; policy drop; ip6 daddr @blocked drop }', '}',
    ].join('\n'), 'f.nft');
    expect(rs.includes).toEqual([{ path: '/etc/nftables.d/*.nft', file: 'f.nft', line: 4 }]);
    expect(rs.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ip fw', 'ip6 six']);
    expect(rs.chains.map((c) => `${c.table}/${c.name} ${c.hook} ${c.policy} [${c.rules.map((r) => r.text).join('|')}]`)).toEqual(['fw/in input drop [iif lo accept]', 'six/out output drop [ip6 daddr @blocked drop]']);
  });
  it('rejects unbalanced braces and misplaced statements', () => {
    expect(() => parseNft('table inet filter {\n chain input {\n', 'a')).toThrow(/not closed/);
    expect(() => parseNft('}\n', 'b')).toThrow(/b:1 closes a block/);
    expect(() => parseNft('include /etc/x\n', 'c')).toThrow(/c:1 include without a quoted path/);
    expect(() => parseNft('table inet filter\n', 'd')).toThrow(/should open a block/);
  });
});

describe('running firewall', () => {
  const out = (caps: string, sections: Record<string, [number, string]>) => [
    `@@cis-bdd-firewall@@ capabilities 0\nCapEff:\t${caps}`,
    ...Object.entries(sections).map(([k, [rc, text]]) => `@@cis-bdd-firewall@@ ${k} ${rc}\n${text}`),
  ].join('\n');
  const all = (over: Record<string, [number, string]> = {}) => ({ ufw: [0, 'Status: inactive'], nft: [0, ''], iptables: [0, '-P INPUT ACCEPT'], ip6tables: [0, '-P INPUT ACCEPT'], ...over } as Record<string, [number, string]>);

  it('splits the batched command\'s output and reads CAP_NET_ADMIN', () => {
    const live = parseLiveFirewall(out('00000000a80435fb', all()));
    expect(live.netAdmin).toBe(true);
    expect(toolOutput(live, 'iptables')).toBe('-P INPUT ACCEPT');
    expect(LIVE_FIREWALL_COMMAND).toMatch(/s nft nft list ruleset; s iptables iptables -S; s ip6tables ip6tables -S$/);
  });
  it('refuses an empty nft listing when the shell lacks CAP_NET_ADMIN', () => {
    const live = parseLiveFirewall(out('00000000a80425fb', all()));
    expect(live.netAdmin).toBe(false);
    expect(() => toolOutput(live, 'nft')).toThrow(/lacks CAP_NET_ADMIN/);
  });
  it('reports a missing or failing tool', () => {
    const live = parseLiveFirewall(out('00000000a80435fb', all({ nft: [127, 'sh: 1: nft: not found'], iptables: [3, "iptables v1.6.1: can't initialize iptables table `filter'"] })));
    expect(live.tools.nft.absent).toBe(true);
    expect(() => toolOutput(live, 'nft')).toThrow(/not installed on the target/);
    expect(() => toolOutput(live, 'iptables')).toThrow(/iptables -S failed \(exit 3\): iptables v1\.6\.1/);
    expect(() => parseLiveFirewall('garbage')).toThrow(/no "capabilities" section/);
  });
  it('parses ufw status verbose', () => {
    const s = parseUfwStatus(['Status: active', 'Logging: on (low)', 'Default: deny (incoming), allow (outgoing), disabled (routed)', 'New profiles: skip', '',
      'To                         Action      From', '--                         ------      ----', 'Anywhere on lo             ALLOW IN    Anywhere                  ', ''].join('\n'));
    expect(s.active).toBe(true);
    expect(Object.fromEntries(s.defaults)).toEqual({ incoming: 'deny', outgoing: 'allow', routed: 'disabled' });
    expect(s.rules).toEqual(['Anywhere on lo             ALLOW IN    Anywhere']);
    expect(parseUfwStatus('Status: inactive').active).toBe(false);
    expect(() => parseUfwStatus('ERROR: problem running iptables')).toThrow(/no "Status:" line/);
  });
});

describe('the firewall in use', () => {
  const none: FirewallSignals = { nftablesInstalled: false, nftablesServiceEnabled: false, ufwInstalled: false, ufwEnabled: false, iptablesPersistentInstalled: false, iptablesRulesSaved: false };
  const pick = (s: Partial<FirewallSignals>) => chooseFirewall({ ...none, ...s }).name;
  it('follows the documented order', () => {
    expect(pick({ nftablesServiceEnabled: true, ufwEnabled: true, iptablesPersistentInstalled: true })).toBe('nftables');
    expect(pick({ ufwInstalled: true, ufwEnabled: true, iptablesPersistentInstalled: true, nftablesInstalled: true })).toBe('ufw');
    expect(pick({ ufwInstalled: true, iptablesRulesSaved: true, nftablesInstalled: true })).toBe('iptables');
    expect(pick({ ufwInstalled: true, nftablesInstalled: true })).toBe('nftables');
    expect(pick({ ufwInstalled: true })).toBe('ufw');
    expect(pick({})).toBe('ufw');
  });
});
