/**
 * Steps about the state of the host firewalls (section 3.5): ufw enabled and active, or out of the way;
 * nftables tables and base chains defined; the iptables rulesets empty where another firewall is used.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { type NftSet, fw, conclude, ufwRunningStatus, famTool } from './support/firewall.js';
import { baseChains } from '../src/facts/nftables.js';
import { parseIptables, type Family } from '../src/facts/iptables.js';
import { runningFirewall, toolOutput, ufwConfig, UFW_CONF, UFW_DEFAULTS } from '../src/facts/firewall.js';
import { installedPackages } from '../src/facts/packages.js';
import { describeUnit, systemdUnits } from '../src/facts/systemd-units.js';
import { ipv6 } from './support/ipv6.js';

// ---------------------------------------------------------------------------------------------------
// ufw enabled, or out of the way

const UFW_BOOT_FILES = `${UFW_DEFAULTS}, ${UFW_CONF}`;

Then('ufw is enabled at boot and active in the running system', async function (this: CisWorld) {
  const config = await this.fact(ufwConfig);
  this.record(UFW_BOOT_FILES, config.enabledEvidence);
  if (!config.enabled) this.fail(`ufw is not enabled at boot: ${config.enabledEvidence}`);
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
  this.record(UFW_BOOT_FILES, config.enabledEvidence);
  if (config.enabled) this.fail(`ufw is installed and enabled: ${config.enabledEvidence}`);
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
