/**
 * Steps about time synchronisation: which method is in use (systemd-timesyncd enabled, chrony or ntp
 * installed) and how chrony, ntp and systemd-timesyncd are configured. Each decision records the file and
 * line, the unit file or the process that decided it. Where a step names a file (chrony.conf, the options
 * file), the fact says which file this system's packages read; a step that names another file ends in
 * error rather than reading a file the daemon ignores.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { packageInstalled } from './support/packages.js';
import { CheckError } from '../src/model/verdict.js';
import type { FileEdit } from '../src/model/remediation.js';
import { describeUnit, systemdUnits } from '../src/facts/systemd-units.js';
import { chronyConfig, chronydOptionUser, chronydProcesses, withUserOption, type ChronyConfig } from '../src/facts/time-sync.js';
import { expandExecStart, ntpConfig, ntpdUserOption, NTP_SYSCONFIG, NTPD_UNIT_FILES } from '../src/facts/ntp.js';
import { timesyncdConfig } from '../src/facts/timesyncd.js';
import { type ConfigLine } from '../src/facts/time-sync-syntax.js';
import { packageInstallFix } from '../src/remediation/templates.js';
import { commentOutLines, editFile, ensureLine, reloadService, remediation, rootFile, settingFix } from '../src/remediation/templates.js';

const TIMESYNCD = 'systemd-timesyncd.service';

const lineOf = (d: ConfigLine) => `${d.file}:${d.line}`;

/** The feature names a file; it must be the one this system's chrony reads (the fact knows the layout). */
function chronyFileNamed(cfg: ChronyConfig, named: string, which: 'conf' | 'optionsFile'): void {
  const actual = which === 'conf' ? cfg.file : cfg.optionsFile;
  if (named !== actual) {
    throw new CheckError(`this system's chrony reads ${actual}, not ${named} (${cfg.layout.family} layout: ${cfg.layoutBecause})`);
  }
}

/** Set chronyd's -u in the layout's options file (the last -u on chronyd's command line wins). */
function remedyChronyUser(world: CisWorld, cfg: ChronyConfig, user: string): void {
  const value = withUserOption(cfg.daemonOptions?.value ?? '', user);
  world.remedy(settingFix({
    path: cfg.optionsFile, settings: [[cfg.layout.optionsVariable, `"${value}"`]], separator: '=', create: rootFile(0o644), reload: cfg.layout.unit,
    summary: `run chronyd as ${user}: ${cfg.layout.optionsVariable}="${value}" in ${cfg.optionsFile}`,
  }));
}

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
  if (!timesyncd && !chrony && !ntp) {
    this.remedy(packageInstallFix('chrony'));
    this.fail('no time synchronisation is in use: systemd-timesyncd is not enabled, and neither chrony nor ntp is installed');
  }
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
    this.needsPerson(['write /etc/systemd/timesyncd.conf with a [Time] section whose NTP= names the site\'s time servers', 'restart systemd-timesyncd']);
    this.fail('no systemd-timesyncd configuration names a time server: /etc/systemd/timesyncd.conf does not exist');
  }
  for (const list of [cfg.ntp, cfg.fallbackNtp]) for (const s of list.settings) this.record(`${s.file}:${s.line}`, `${s.key}=${s.value}${s.value ? '' : ' (empties the list)'}`);
  const max = cfg.other.get('RootDistanceMaxSec');
  if (max) this.record(`${max.file}:${max.line}`, `RootDistanceMaxSec=${max.value}`);
  this.record('systemd-timesyncd servers', `read ${cfg.files.join(', ')}: NTP=${cfg.ntp.servers.join(' ') || '(none)'}; FallbackNTP=${cfg.fallbackNtp.servers.join(' ') || '(none)'}`);
  if (!cfg.ntp.servers.length && !cfg.fallbackNtp.servers.length) {
    this.needsPerson([`name the site's time servers in NTP= of the [Time] section of /etc/systemd/timesyncd.conf (or of a drop-in in /etc/systemd/timesyncd.conf.d/)`,
      'restart systemd-timesyncd']);
    this.fail(`neither NTP= nor FallbackNTP= names a time server in ${cfg.files.join(', ')} (commented-out lines only show the built-in defaults)`);
  }
});

// ---------------------------------------------------------------------------------------------------
// 2.1.1.3 chrony

/** A time daemon's configuration must name a time source ("server" or "pool"); a person adds the site's own. */
function requireTimeSources(world: CisWorld, cfg: { file: string; exists: boolean; sources: Array<{ line: number; text: string }>; directives: unknown[] }, unit: string): void {
  const addSource = [`add a "server" or "pool" line naming the site's time source to ${cfg.file}`, `restart ${unit}`];
  if (!cfg.exists) {
    world.record(cfg.file, 'does not exist');
    world.needsPerson(addSource);
    world.fail(`${cfg.file} does not exist`);
  }
  if (!cfg.sources.length) {
    world.record(cfg.file, `no server or pool line among its ${cfg.directives.length} directives`);
    world.needsPerson(addSource);
    world.fail(`${cfg.file} has no server or pool line`);
  }
  world.record(cfg.file, cfg.sources.slice(0, 8).map((d) => `line ${d.line}: ${d.text}`).join('; ') + (cfg.sources.length > 8 ? `; and ${cfg.sources.length - 8} more` : ''));
}

Then(/^the chrony configuration (\/\S+) has a "server" or "pool" line$/, async function (this: CisWorld, named: string) {
  const cfg = await this.fact(chronyConfig);
  chronyFileNamed(cfg, named, 'conf');
  this.record('chrony files', `${cfg.layout.family} layout (${cfg.layoutBecause}): ${cfg.file}, ${cfg.layout.optionsVariable} of ${cfg.optionsFile}`);
  requireTimeSources(this, cfg, cfg.layout.unit);
});

Then('the chrony configuration lets chronyd run as the user {string}', async function (this: CisWorld, user: string) {
  const cfg = await this.fact(chronyConfig);
  if (cfg.daemonOptions) this.record(`${cfg.daemonOptions.file}:${cfg.daemonOptions.line}`, `${cfg.daemonOptions.name}="${cfg.daemonOptions.value}"`);
  if (cfg.userDirective) this.record(lineOf(cfg.userDirective), cfg.userDirective.text);
  this.record('chronyd user', `${cfg.effectiveUser.name}: ${cfg.effectiveUser.decidedBy}`);
  if (cfg.effectiveUser.name !== user) {
    remedyChronyUser(this, cfg, user);
    this.fail(`chronyd is configured to run as ${cfg.effectiveUser.name}, not ${user} (${cfg.effectiveUser.decidedBy})`);
  }
});

Then(/^the chronyd options (\w+) in (\/\S+) include "-u (\S+)"$/, async function (this: CisWorld, variable: string, named: string, user: string) {
  const cfg = await this.fact(chronyConfig);
  chronyFileNamed(cfg, named, 'optionsFile');
  if (variable !== cfg.layout.optionsVariable) throw new CheckError(`the chrony service reads its options from ${cfg.layout.optionsVariable} of ${cfg.optionsFile}, not ${variable}`);
  const o = cfg.daemonOptions;
  if (cfg.userDirective) this.record(lineOf(cfg.userDirective), `${cfg.userDirective.text} (a -u option wins over it)`);
  if (!o) {
    this.record(cfg.optionsFile, cfg.optionsFileExists ? `no ${variable}= line` : 'does not exist');
    remedyChronyUser(this, cfg, user);
    this.fail(cfg.optionsFileExists ? `${cfg.optionsFile} does not set ${variable}` : `${cfg.optionsFile} does not exist`);
  }
  const given = chronydOptionUser(o.value);
  this.record(`${o.file}:${o.line}`, `${o.name}="${o.value}"${given ? ` (-u ${given})` : ''}`);
  if (given !== user) {
    remedyChronyUser(this, cfg, user);
    this.fail(given ? `${o.file}:${o.line} ${o.name}="${o.value}" runs chronyd as ${given}, not ${user}` : `${o.file}:${o.line} ${o.name}="${o.value}" has no "-u ${user}"`);
  }
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
    this.needsPerson([`write ${cfg.file} with the restrict lines for the IPv4 and IPv6 defaults and the site's time sources`, `restart ${cfg.unit}`]);
    this.fail(`${cfg.file} does not exist`);
  }
  const problems: string[] = [];
  const edits: FileEdit[] = [];
  for (const family of [4, 6] as const) {
    const lines = cfg.restrictDefaults.filter((r) => r.family === family);
    const label = family === 4 ? 'IPv4 ("restrict default" or "restrict -4 default")' : 'IPv6 ("restrict -6 default")';
    if (!lines.length) {
      this.record(cfg.file, `no restrict line for the ${label} default`);
      problems.push(`no restrict line for the ${label} default`);
      edits.push(ensureLine(`restrict -${family} default ${flags.join(' ')}`));
      continue;
    }
    for (const r of lines) this.record(lineOf(r.at), r.at.text);
    const complete = lines.find((r) => flags.every((f) => r.flags.includes(f)));
    if (!complete) {
      const best = lines[lines.length - 1];
      const missing = flags.filter((f) => !best.flags.includes(f));
      problems.push(`${lineOf(best.at)} "${best.at.text}" lacks ${missing.join(', ')}`);
      // the incomplete lines give way to one line with their options and the missing ones
      edits.push(commentOutLines(family === 4 ? '^\\s*restrict\\s+(-4\\s+)?default(\\s|$)' : '^\\s*restrict\\s+-6\\s+default(\\s|$)'),
        ensureLine(`restrict -${family} default ${[...best.flags, ...missing].join(' ')}`));
    }
  }
  if (problems.length) {
    this.remedy(remediation(`restrict the default ntp access: ${edits.filter((e) => e.op === 'ensure-line').map((e) => (e as { line: string }).line).join('; ')}`,
      [editFile(cfg.file, edits), reloadService(cfg.unit)]));
    this.fail(problems.join('; '));
  }
});

Then('the ntp configuration \\/etc\\/ntp.conf has a "server" or "pool" line', async function (this: CisWorld) {
  const cfg = await this.fact(ntpConfig);
  requireTimeSources(this, cfg, cfg.unit);
});

Then('the ntp init script \\/etc\\/init.d\\/ntp sets RUNASUSER to {string}', async function (this: CisWorld, user: string) {
  const { initScript, unit } = await this.fact(ntpConfig);
  if (!initScript.exists) {
    this.record(initScript.file, 'does not exist');
    this.fail(`${initScript.file} does not exist`);
  }
  const r = initScript.runAsUser;
  this.record(r ? `${r.file}:${r.line}` : initScript.file, r ? `RUNASUSER=${r.value}` : 'no RUNASUSER= line');
  if (!r || r.value !== user) {
    this.remedy(settingFix({ path: initScript.file, settings: [['RUNASUSER', user]], separator: '=', reload: unit, summary: `run ntpd as ${user}: RUNASUSER=${user} in ${initScript.file}` }));
  }
  if (!r) this.fail(`${initScript.file} does not set RUNASUSER`);
  if (r.value !== user) this.fail(`${r.file}:${r.line} sets RUNASUSER=${r.value}, not ${user}`);
});

Then('ntpd.service starts ntpd with {string}, read from its ExecStart and OPTIONS in \\/etc\\/sysconfig\\/ntpd', async function (this: CisWorld, option: string) {
  const m = /^-u (\S+)$/.exec(option);
  if (!m) throw new CheckError(`"${option}" is not a -u USER[:GROUP] option`);
  const user = m[1];
  const { service: s } = await this.fact(ntpConfig);
  if (s.execStart) {
    this.record(`${s.execStart.file}:${s.execStart.line}`, `ExecStart=${s.execStart.value}`);
    for (const e of s.environmentFiles) this.record(`${e.file}:${e.line}`, `EnvironmentFile=${e.value}`);
  } else {
    this.record('ntpd.service', s.unitFile ? `${s.unitFile} has no ExecStart` : `no unit file: none of ${NTPD_UNIT_FILES.join(', ')} exists`);
  }
  if (s.options) this.record(`${s.options.file}:${s.options.line}`, `OPTIONS="${s.options.value}"${s.execStart && !s.optionsUsed ? ' (not read by the unit: no EnvironmentFile names it)' : ''}`);
  else this.record(NTP_SYSCONFIG, s.sysconfigExists ? 'no OPTIONS= line' : 'does not exist');
  if (s.arguments) this.record('ntpd command line', s.arguments.join(' '));
  if (s.user?.value === user) return;

  // OPTIONS is the place to set it when the unit passes $OPTIONS late enough for its -u to win
  const value = withUserOption(s.options?.value ?? '', user);
  const readsSysconfig = !s.execStart || s.environmentFiles.some((e) => e.value.replace(/^-/, '') === NTP_SYSCONFIG);
  const after = s.execStart ? ntpdUserOption(expandExecStart(s.execStart.value, new Map([['OPTIONS', value]])).slice(1)) : user;
  if (readsSysconfig && after === user) {
    this.remedy(settingFix({
      path: NTP_SYSCONFIG, settings: [['OPTIONS', `"${value}"`]], separator: '=', create: rootFile(0o644), reload: 'ntpd.service',
      summary: `run ntpd as ${user}: OPTIONS="${value}" in ${NTP_SYSCONFIG}`,
    }));
  }
  else this.needsPerson([`make ntpd.service start ntpd with "-u ${user}": a drop-in in /etc/systemd/system/ntpd.service.d/ that clears ExecStart= and sets it again with the option`, 'systemctl daemon-reload and restart ntpd']);
  this.fail(s.user ? `ntpd is started with -u ${s.user.value}, not ${user} (${s.user.decidedBy})` : `ntpd is started without "-u ${user}": it keeps root's rights`);
});
