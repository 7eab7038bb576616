/**
 * Steps about time synchronisation: which method is in use (systemd-timesyncd enabled, chrony or ntp
 * installed) and how chrony, ntp and systemd-timesyncd are configured. Each decision records the file and
 * line, the unit file or the process that decided it.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { packageInstalled } from './packages.js';
import { describeUnit, systemdUnits } from '../src/facts/systemd-units.js';
import { chronyConfig, chronydProcesses, ntpConfig, timesyncdConfig, type ConfigLine } from '../src/facts/time-sync.js';

const TIMESYNCD = 'systemd-timesyncd.service';

const lineOf = (d: ConfigLine) => `${d.file}:${d.line}`;

async function timesyncdEnabled(world: CisWorld): Promise<boolean> {
  const u = (await world.fact(systemdUnits)).state(TIMESYNCD);
  world.record('systemd unit files', describeUnit(u));
  return Boolean(u.path) && u.enabledBy.length > 0 && !u.masked;
}

// ---------------------------------------------------------------------------------------------------
// 2.1.1.1 / 2.1.1.2: which method

Then('systemd-timesyncd is enabled, or the package "chrony" or the package "ntp" is installed', async function (this: CisWorld) {
  const timesyncd = await timesyncdEnabled(this);
  const chrony = await packageInstalled(this, 'chrony');
  const ntp = await packageInstalled(this, 'ntp');
  if (!timesyncd && !chrony && !ntp) this.fail('no time synchronisation is in use: systemd-timesyncd is not enabled, and neither chrony nor ntp is installed');
});

Given('systemd-timesyncd is the time synchronisation method, as neither "chrony" nor "ntp" is installed, or the item does not apply', async function (this: CisWorld) {
  const others = [];
  for (const name of ['chrony', 'ntp']) if (await packageInstalled(this, name)) others.push(name);
  if (others.length) return this.notApplicable(`${others.join(' and ')} ${others.length > 1 ? 'are' : 'is'} installed: systemd-timesyncd is not the time synchronisation method`);
  return undefined;
});

Then('the systemd-timesyncd configuration names at least one time server in "NTP" or "FallbackNTP"', async function (this: CisWorld) {
  const cfg = await this.fact(timesyncdConfig);
  if (!cfg.files.length) {
    this.record('/etc/systemd/timesyncd.conf', 'does not exist, and there are no drop-ins');
    this.fail('no systemd-timesyncd configuration names a time server: /etc/systemd/timesyncd.conf does not exist');
  }
  for (const list of [cfg.ntp, cfg.fallbackNtp]) for (const s of list.settings) this.record(`${s.file}:${s.line}`, `${s.key}=${s.value}${s.value ? '' : ' (empties the list)'}`);
  const max = cfg.other.get('RootDistanceMaxSec');
  if (max) this.record(`${max.file}:${max.line}`, `RootDistanceMaxSec=${max.value}`);
  this.record('systemd-timesyncd servers', `read ${cfg.files.join(', ')}: NTP=${cfg.ntp.servers.join(' ') || '(none)'}; FallbackNTP=${cfg.fallbackNtp.servers.join(' ') || '(none)'}`);
  if (!cfg.ntp.servers.length && !cfg.fallbackNtp.servers.length) {
    this.fail(`neither NTP= nor FallbackNTP= names a time server in ${cfg.files.join(', ')} (commented-out lines only show the built-in defaults)`);
  }
});

// ---------------------------------------------------------------------------------------------------
// 2.1.1.3 chrony

Then('the chrony configuration \\/etc\\/chrony\\/chrony.conf has a "server" or "pool" line', async function (this: CisWorld) {
  const cfg = await this.fact(chronyConfig);
  if (!cfg.exists) {
    this.record(cfg.file, 'does not exist');
    this.fail(`${cfg.file} does not exist`);
  }
  if (!cfg.sources.length) {
    this.record(cfg.file, `no server or pool line among its ${cfg.directives.length} directives`);
    this.fail(`${cfg.file} has no server or pool line`);
  }
  this.record(cfg.file, cfg.sources.slice(0, 8).map((d) => `line ${d.line}: ${d.text}`).join('; ') + (cfg.sources.length > 8 ? `; and ${cfg.sources.length - 8} more` : ''));
});

Then('the chrony configuration lets chronyd run as the user {string}', async function (this: CisWorld, user: string) {
  const cfg = await this.fact(chronyConfig);
  if (cfg.daemonOptions) this.record(`${cfg.daemonOptions.file}:${cfg.daemonOptions.line}`, `DAEMON_OPTS="${cfg.daemonOptions.value}"`);
  if (cfg.userDirective) this.record(lineOf(cfg.userDirective), cfg.userDirective.text);
  this.record('chronyd user', `${cfg.effectiveUser.name}: ${cfg.effectiveUser.decidedBy}`);
  if (cfg.effectiveUser.name !== user) this.fail(`chronyd is configured to run as ${cfg.effectiveUser.name}, not ${user} (${cfg.effectiveUser.decidedBy})`);
});

Then('every chronyd process of the running system runs as the user {string}', async function (this: CisWorld, user: string) {
  const found = await this.liveFact(chronydProcesses);
  if (!found) return;
  const live = found.processes.filter((p) => p.state !== 'Z');
  const describe = (p: (typeof found.processes)[number]) => `pid ${p.pid} state ${p.state}${p.state === 'Z' ? ' (exited, not yet reaped: ignored)' : ''} user ${p.user ?? `uid ${p.effectiveUid}`} (real uid ${p.realUid}, effective uid ${p.effectiveUid})`;
  this.record('chronyd processes (/proc/*/status)', found.processes.length ? found.processes.map(describe).join('; ') : 'no process named chronyd');
  if (!live.length) this.fail(found.processes.length ? 'chronyd is not running: only exited (zombie) chronyd processes remain' : 'chronyd is not running');
  const wrong = live.filter((p) => p.user !== user);
  if (wrong.length) this.fail(`chronyd runs as ${wrong.map((p) => `${p.user ?? `uid ${p.effectiveUid}`} (pid ${p.pid})`).join(', ')}, not ${user}`);
});

// ---------------------------------------------------------------------------------------------------
// 2.1.1.4 ntp

Then('the ntp configuration \\/etc\\/ntp.conf restricts the IPv4 and the IPv6 default with {words}', async function (this: CisWorld, flags: string[]) {
  const cfg = await this.fact(ntpConfig);
  if (!cfg.exists) {
    this.record(cfg.file, 'does not exist');
    this.fail(`${cfg.file} does not exist`);
  }
  const problems: string[] = [];
  for (const family of [4, 6] as const) {
    const lines = cfg.restrictDefaults.filter((r) => r.family === family);
    const label = family === 4 ? 'IPv4 ("restrict default" or "restrict -4 default")' : 'IPv6 ("restrict -6 default")';
    if (!lines.length) {
      this.record(cfg.file, `no restrict line for the ${label} default`);
      problems.push(`no restrict line for the ${label} default`);
      continue;
    }
    for (const r of lines) this.record(lineOf(r.at), r.at.text);
    const complete = lines.find((r) => flags.every((f) => r.flags.includes(f)));
    if (!complete) {
      const best = lines[lines.length - 1];
      problems.push(`${lineOf(best.at)} "${best.at.text}" lacks ${flags.filter((f) => !best.flags.includes(f)).join(', ')}`);
    }
  }
  if (problems.length) this.fail(problems.join('; '));
});

Then('the ntp configuration \\/etc\\/ntp.conf has a "server" or "pool" line', async function (this: CisWorld) {
  const cfg = await this.fact(ntpConfig);
  if (!cfg.exists) {
    this.record(cfg.file, 'does not exist');
    this.fail(`${cfg.file} does not exist`);
  }
  if (!cfg.sources.length) {
    this.record(cfg.file, `no server or pool line among its ${cfg.directives.length} directives`);
    this.fail(`${cfg.file} has no server or pool line`);
  }
  this.record(cfg.file, cfg.sources.slice(0, 8).map((d) => `line ${d.line}: ${d.text}`).join('; '));
});

Then('the ntp init script \\/etc\\/init.d\\/ntp sets RUNASUSER to {string}', async function (this: CisWorld, user: string) {
  const { initScript } = await this.fact(ntpConfig);
  if (!initScript.exists) {
    this.record(initScript.file, 'does not exist');
    this.fail(`${initScript.file} does not exist`);
  }
  const r = initScript.runAsUser;
  this.record(r ? `${r.file}:${r.line}` : initScript.file, r ? `RUNASUSER=${r.value}` : 'no RUNASUSER= line');
  if (!r) this.fail(`${initScript.file} does not set RUNASUSER`);
  if (r.value !== user) this.fail(`${r.file}:${r.line} sets RUNASUSER=${r.value}, not ${user}`);
});
