/**
 * Steps about logging: rsyslog's configuration, journald's settings, the files under /var/log and
 * logrotate's configuration. Each decision records the file and line that gave the value.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './filesystem.js';
import { identities } from '../src/facts/accounts.js';
import {
  RSYSLOG_CONF, RSYSLOG_D_GLOB, fileCreateModes, loggingRules, networkInputs, remoteTargets, rsyslogConfig, type RsyslogConfig,
} from '../src/facts/rsyslog.js';
import { JOURNALD_CONF, journaldConfig, systemdBoolean } from '../src/facts/journald.js';
import { LOG_DIR, LOG_FILE_FORBIDDEN_BITS, logFiles } from '../src/facts/log-files.js';
import { LOGROTATE_CONF, createMode, logrotateDropins, logrotateMainConfig, type LogrotateDirective } from '../src/facts/logrotate.js';
import type { WalkEntry } from '../src/targets/target.js';

/* ---------- rsyslog ---------- */

Given('the rsyslog configuration in \\/etc\\/rsyslog.conf and \\/etc\\/rsyslog.d', async function (this: CisWorld) {
  const cfg = await this.fact(rsyslogConfig);
  if (!cfg.exists) {
    this.record(RSYSLOG_CONF, 'does not exist');
    this.fail(`${RSYSLOG_CONF} does not exist: rsyslog is not configured`);
  }
  const notIncluded = cfg.notIncluded.length ? `; not included by ${RSYSLOG_CONF} but read as the benchmark does: ${cfg.notIncluded.join(', ')}` : '';
  this.record(`${RSYSLOG_CONF}, ${RSYSLOG_D_GLOB}`, `read in this order: ${cfg.files.join(', ')}${notIncluded}`);
});

const at = (s: { file: string; line: number }) => `${s.file}:${s.line}`;

async function rsyslog(world: CisWorld): Promise<RsyslogConfig> {
  return world.fact(rsyslogConfig);
}

Then('rsyslog creates log files with mode at most {mode}', async function (this: CisWorld, max: number) {
  const modes = fileCreateModes((await rsyslog(this)).statements);
  for (const m of modes) this.record(at(m), `${m.text} (${m.scope === 'default' ? 'the default for the file actions that follow' : 'this action only'})`);
  const tooOpen = modes.filter((m) => m.mode & ~max & 0o7777);
  if (tooOpen.length) this.fail(tooOpen.map((m) => `${at(m)} sets file creation mode ${m.value}, more permissive than ${formatMode(max)}`).join('; '));
  if (!modes.some((m) => m.scope === 'default')) {
    this.record(`${RSYSLOG_CONF}, ${RSYSLOG_D_GLOB}`, 'no $FileCreateMode (nor module(load="builtin:omfile" fileCreateMode=...)): rsyslog creates files with mode 0644');
    this.fail(`$FileCreateMode is not set: rsyslog creates log files with its default mode 0644`);
  }
});

Then('rsyslog forwards messages to a remote log host', async function (this: CisWorld) {
  const targets = remoteTargets((await rsyslog(this)).statements);
  if (!targets.length) {
    this.record(`${RSYSLOG_CONF}, ${RSYSLOG_D_GLOB}`, 'no "@host" or "@@host" rule and no action with a target: nothing is sent to another host');
    this.fail('rsyslog sends no message to a remote log host');
  }
  for (const t of targets) this.record(at(t), `${t.text} (${t.how}, to ${t.target})`);
});

Then('a person reviews which messages rsyslog logs, and where', async function (this: CisWorld) {
  const rules = loggingRules((await rsyslog(this)).statements);
  this.record(`${RSYSLOG_CONF}, ${RSYSLOG_D_GLOB}`, rules.length ? `logging rules:\n${capped(rules.map((r) => `${at(r)} ${r.text}`))}` : 'no logging rule');
  const logs = await this.fact(logFiles);
  this.record(`files under ${LOG_DIR}`, `${logs.regularFiles} regular file(s):\n${capped(logs.listed.map((e) => e.path), logs.regularFiles)}`);
  return this.manual('review that the rsyslog rules send each facility and priority to the files (or hosts) the site\'s policy asks for, and that those files exist under /var/log');
});

Then('a person confirms that only a designated log host accepts messages from the network', async function (this: CisWorld) {
  const inputs = networkInputs((await rsyslog(this)).statements);
  if (!inputs.length) {
    this.record(`${RSYSLOG_CONF}, ${RSYSLOG_D_GLOB}`, 'no network input (imtcp, imudp, imrelp) is loaded: rsyslog accepts no message from other hosts');
    return this.manual('rsyslog accepts no message from the network here: confirm that this host is not one of the designated log hosts');
  }
  this.record(`${RSYSLOG_CONF}, ${RSYSLOG_D_GLOB}`, `network inputs:\n${inputs.map((s) => `${at(s)} ${s.text}`).join('\n')}`);
  return this.manual('rsyslog listens for messages from other hosts (see the evidence): confirm that this host is a designated log host, otherwise remove those lines');
});

/* ---------- journald ---------- */

Given('the journald configuration in \\/etc\\/systemd\\/journald.conf and its drop-ins', async function (this: CisWorld) {
  const cfg = await this.fact(journaldConfig);
  this.record(JOURNALD_CONF, cfg.files.length ? `read in this order: ${cfg.files.join(', ')}` : 'no configuration file: every setting keeps its built-in default');
});

Then('the journald setting {string} is {string}', async function (this: CisWorld, key: string, expected: string) {
  const cfg = await this.fact(journaldConfig);
  const s = cfg.settings.get(key);
  const others = cfg.assignments.filter((a) => a.key === key && a !== s);
  if (!s) {
    this.record(cfg.files.join(', ') || JOURNALD_CONF, `${key} is not set in the [Journal] section`);
    this.fail(`${key} is not set (its built-in default applies); it must be set to ${expected}`);
  }
  this.record(at(s), `${key}=${s.value}${others.length ? ` (the last assignment wins; ${others.map((o) => `${at(o)} says ${o.value}`).join(', ')})` : ''}`);
  const wantBool = systemdBoolean(expected);
  const ok = wantBool === undefined ? s.value === expected : systemdBoolean(s.value) === wantBool;
  if (!ok) this.fail(`${at(s)} sets ${key}=${s.value}, expected ${expected}`);
});

/* ---------- files under /var/log ---------- */

Given('every file under \\/var\\/log', async function (this: CisWorld) {
  const logs = await this.fact(logFiles);
  this.record(`walk of ${logs.roots.join(' ')}`, `${logs.entriesWalked} entries, ${logs.regularFiles} regular file(s)`);
});

async function describeLogFile(world: CisWorld, e: WalkEntry): Promise<string> {
  const ids = await world.fact(identities);
  return `${e.path} (mode ${formatMode(e.mode)}, owner ${ids.userName(e.uid) ?? `uid ${e.uid}`}:${ids.groupName(e.gid) ?? `gid ${e.gid}`})`;
}

Then('no regular file there may be written or executed by its group, or used at all by other users', async function (this: CisWorld) {
  const logs = await this.fact(logFiles);
  if (!logs.tooOpen.length) {
    this.record(`walk of ${logs.roots.join(' ')}`, `none of the ${logs.regularFiles} regular files has any of the bits ${formatMode(LOG_FILE_FORBIDDEN_BITS)}`);
    return;
  }
  const lines = await Promise.all(logs.tooOpen.map((e) => describeLogFile(this, e)));
  this.record(`walk of ${logs.roots.join(' ')}`, `${logs.tooOpen.length} file(s) with group write or execute, or permissions for others:\n${capped(lines)}`);
  this.fail(`${logs.tooOpen.length} log file(s) too open, e.g. ${lines.slice(0, 3).join(', ')}`);
});

/* ---------- logrotate ---------- */

Given('the logrotate configuration in \\/etc\\/logrotate.conf and \\/etc\\/logrotate.d', async function (this: CisWorld) {
  const main = await this.fact(logrotateMainConfig);
  this.record(LOGROTATE_CONF, main.exists ? `${main.parsed!.directives.length} directive(s), ${main.parsed!.blocks.length} block(s)` : 'does not exist');
});

Then('a person reviews that logs are rotated as the site\'s policy requires', async function (this: CisWorld) {
  const main = await this.fact(logrotateMainConfig);
  if (main.parsed) {
    const global = main.parsed.directives.filter((d) => d.block === null).map((d) => `line ${d.line}: ${d.text}`);
    const blocks = main.parsed.blocks.map((b) => `line ${b.line}: ${b.logs.join(' ')}`);
    this.record(LOGROTATE_CONF, `settings for every log:\n${global.join('\n')}${blocks.length ? `\nblocks for:\n${blocks.join('\n')}` : ''}`);
  }
  const dropins = await this.fact(logrotateDropins);
  this.record('/etc/logrotate.d', dropins.length ? capped(dropins.map((d) => ('problem' in d ? `${d.path}: ${d.problem}`
    : `${d.path}: ${d.blocks.map((b) => b.logs.join(' ')).join('; ')}`))) : 'no file');
  return this.manual('review that every log is rotated often enough and kept as long as the site\'s policy requires, so that logs neither fill the disk nor vanish too soon');
});

Then('a "create" directive outside any block of \\/etc\\/logrotate.conf gives new log files a mode', async function (this: CisWorld) {
  const main = await this.fact(logrotateMainConfig);
  if (!main.parsed) this.fail(`${LOGROTATE_CONF} does not exist`);
  const global = main.parsed.directives.filter((d) => d.block === null && (d.name === 'create' || d.name === 'nocreate'));
  const last = global[global.length - 1];
  if (!last) {
    this.record(LOGROTATE_CONF, 'no "create" directive outside a block');
    this.fail(`${LOGROTATE_CONF} has no global "create" directive: new log files are not created with a stated mode`);
  }
  this.record(`${LOGROTATE_CONF}:${last.line}`, last.text);
  if (last.name === 'nocreate') this.fail(`${LOGROTATE_CONF}:${last.line} says nocreate: logrotate leaves creating new log files to the programs that write them`);
  if (createMode(last) === null) this.fail(`${LOGROTATE_CONF}:${last.line} "${last.text}" names no mode: new log files take the mode of the file rotated away`);
});

Then('every "create" directive in \\/etc\\/logrotate.conf states a mode of at most {mode}', async function (this: CisWorld, max: number) {
  const main = await this.fact(logrotateMainConfig);
  if (!main.parsed) this.fail(`${LOGROTATE_CONF} does not exist`);
  const creates = main.parsed.directives.filter((d) => d.name === 'create');
  const where = (d: LogrotateDirective) => `${LOGROTATE_CONF}:${d.line}`;
  const scope = (d: LogrotateDirective) => (d.block ? `for ${d.block.join(' ')}` : 'for every log');
  for (const d of creates) this.record(where(d), `${d.text} (${scope(d)})`);
  const problems: string[] = [];
  for (const d of creates) {
    const mode = createMode(d);
    if (mode === null) { if (d.args.length) problems.push(`${where(d)} "${d.text}" names no mode`); continue; }
    if (mode & ~max & 0o7777) problems.push(`${where(d)} "${d.text}" (${scope(d)}) is more permissive than ${formatMode(max)}`);
  }
  if (problems.length) this.fail(problems.join('; '));
});
