/**
 * Steps about logging: rsyslog's configuration, journald's settings, the files under /var/log and
 * logrotate's configuration. Each decision records the file and line that gave the value; a failing check
 * records its fix (rsyslog's default file mode, journald settings in cis-bdd's drop-in, the modes of log
 * files, logrotate's "create" modes), or what a person must decide (the central log host).
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode } from './support/parameter-types.js';
import { capped } from './support/evidence.js';
import { identities } from '../src/facts/accounts.js';
import {
  RSYSLOG_CONF, RSYSLOG_D_GLOB, fileCreateModes, loggingRules, networkInputs, remoteTargets, rsyslogConfig, type FileCreateMode, type RsyslogConfig,
} from '../src/facts/rsyslog.js';
import { JOURNALD_CONF, journaldConfig, systemdBoolean, type JournaldConfig } from '../src/facts/journald.js';
import { LOG_DIR, LOG_FILE_FORBIDDEN_BITS, logFiles } from '../src/facts/log-files.js';
import {
  LOGROTATE_CONF, createMode, logrotateDropins, logrotateMainConfig, withStrictCreateModes, type LogrotateDirective, type LogrotateMain,
} from '../src/facts/logrotate.js';
import type { WalkEntry } from '../src/targets/target.js';
import type { Change } from '../src/model/remediation.js';
import {
  commentOutIn, contentFix, editFile, ensureLine, permissionsFix, reloadService, remediation, rootFile, settingFix,
} from '../src/remediation/templates.js';

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * cis-bdd's rsyslog drop-in. Its name sorts first, so that a legacy "$FileCreateMode" there comes before
 * the rules of every other drop-in (rsyslog applies the directive to the file actions that follow it).
 */
export const CIS_BDD_RSYSLOG = '/etc/rsyslog.d/00-cis-bdd.conf';
/** cis-bdd's journald drop-in: hardening writes journald settings here and nowhere else. */
export const CIS_BDD_JOURNALD = '/etc/systemd/journald.conf.d/60-cis-bdd.conf';

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

/**
 * The fix of rsyslog's file creation mode: legacy "$FileCreateMode" lines that are too open are commented
 * out, and cis-bdd's drop-in sets the default when no compliant one is left. A mode given in a RainerScript
 * object (a module default or one action's own) is part of a statement that may span lines: a person edits it.
 */
function remedyFileCreateMode(world: CisWorld, modes: FileCreateMode[], tooOpen: FileCreateMode[], max: number): void {
  const legacy = tooOpen.filter((m) => /^\$FileCreateMode\b/i.test(m.text));
  const objects = tooOpen.filter((m) => !legacy.includes(m));
  const compliantDefault = modes.some((m) => m.scope === 'default' && !tooOpen.includes(m));
  const changes: Change[] = [];
  for (const file of [...new Set(legacy.map((m) => m.file))]) {
    const values = [...new Set(legacy.filter((m) => m.file === file).map((m) => reEscape(m.value)))];
    changes.push(...commentOutIn([file], `^\\s*\\$FileCreateMode\\s+(${values.join('|')})\\s*$`, 'i'));
  }
  if (!compliantDefault) changes.push(editFile(CIS_BDD_RSYSLOG, [ensureLine(`$FileCreateMode ${formatMode(max)}`)], rootFile(0o644)));
  if (changes.length) {
    changes.push(reloadService('rsyslog.service'));
    world.remedy(remediation(`make rsyslog create log files with mode ${formatMode(max)}${legacy.length ? `, commenting out ${legacy.map(at).join(', ')}` : ''}`, changes));
  }
  if (objects.length) {
    world.needsPerson(objects.map((m) => `${at(m)}: set fileCreateMode to ${formatMode(max)} or stricter in "${m.text}", then restart rsyslog`));
  }
}

Then('rsyslog creates log files with mode at most {mode}', async function (this: CisWorld, max: number) {
  const modes = fileCreateModes((await rsyslog(this)).statements);
  for (const m of modes) this.record(at(m), `${m.text} (${m.scope === 'default' ? 'the default for the file actions that follow' : 'this action only'})`);
  const tooOpen = modes.filter((m) => m.mode & ~max & 0o7777);
  const noDefault = !modes.some((m) => m.scope === 'default');
  if (tooOpen.length || noDefault) remedyFileCreateMode(this, modes, tooOpen, max);
  if (tooOpen.length) this.fail(tooOpen.map((m) => `${at(m)} sets file creation mode ${m.value}, more permissive than ${formatMode(max)}`).join('; '));
  if (noDefault) {
    this.record(`${RSYSLOG_CONF}, ${RSYSLOG_D_GLOB}`, 'no $FileCreateMode (nor module(load="builtin:omfile" fileCreateMode=...)): rsyslog creates files with mode 0644');
    this.fail(`$FileCreateMode is not set: rsyslog creates log files with its default mode 0644`);
  }
});

Then('rsyslog forwards messages to a remote log host', async function (this: CisWorld) {
  const targets = remoteTargets((await rsyslog(this)).statements);
  if (!targets.length) {
    this.record(`${RSYSLOG_CONF}, ${RSYSLOG_D_GLOB}`, 'no "@host" or "@@host" rule and no action with a target: nothing is sent to another host');
    this.needsPerson([
      'choose the central log host this system sends its messages to',
      `add a rule such as "*.* @@loghost.example.com:514" (TCP) to a file of /etc/rsyslog.d, or an action(type="omfwd" target=... protocol="tcp")`,
      'restart rsyslog',
    ]);
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

/**
 * The fix of a journald setting: set it in cis-bdd's drop-in and comment out the assignments of other
 * values elsewhere (a drop-in read later would otherwise win), then restart journald.
 */
function remedyJournald(world: CisWorld, cfg: JournaldConfig, key: string, value: string): void {
  const conflicting = [...new Set(cfg.assignments.filter((a) => a.key === key && a.value !== value && a.file !== CIS_BDD_JOURNALD).map((a) => a.file))];
  world.remedy(settingFix({
    path: CIS_BDD_JOURNALD, section: '[Journal]', settings: [[key, value]], separator: '=', create: rootFile(0o644),
    commentOut: { paths: conflicting, pattern: `^\\s*${reEscape(key)}\\s*=` }, reload: 'systemd-journald.service',
    summary: `set ${key}=${value} in ${CIS_BDD_JOURNALD}${conflicting.length ? ` and comment out the other values in ${conflicting.join(', ')}` : ''}`,
  }));
}

Then('the journald setting {string} is {string}', async function (this: CisWorld, key: string, expected: string) {
  const cfg = await this.fact(journaldConfig);
  const s = cfg.settings.get(key);
  const others = cfg.assignments.filter((a) => a.key === key && a !== s);
  if (!s) {
    this.record(cfg.files.join(', ') || JOURNALD_CONF, `${key} is not set in the [Journal] section`);
    remedyJournald(this, cfg, key, expected);
    this.fail(`${key} is not set (its built-in default applies); it must be set to ${expected}`);
  }
  this.record(at(s), `${key}=${s.value}${others.length ? ` (the last assignment wins; ${others.map((o) => `${at(o)} says ${o.value}`).join(', ')})` : ''}`);
  const wantBool = systemdBoolean(expected);
  const ok = wantBool === undefined ? s.value === expected : systemdBoolean(s.value) === wantBool;
  if (!ok) {
    remedyJournald(this, cfg, key, expected);
    this.fail(`${at(s)} sets ${key}=${s.value}, expected ${expected}`);
  }
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
  // as the benchmark's `chmod g-wx,o-rwx`: only the forbidden bits go
  this.remedy(permissionsFix(
    `remove group write and execute and every permission of others from ${logs.tooOpen.length} file(s) under ${LOG_DIR}`,
    logs.tooOpen.map((e) => ({ path: e.path, mode: e.mode & 0o7777 & ~LOG_FILE_FORBIDDEN_BITS })),
  ));
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

/** What the benchmark asks logrotate.conf to say for every log, at the mode given. */
const defaultCreate = (max: number) => `create ${formatMode(max)} root utmp`;

/** The fix of logrotate.conf's "create" directives: one rewrite of the file, keeping every other line. */
function remedyLogrotate(world: CisWorld, main: LogrotateMain, max: number): void {
  if (!main.parsed || main.text === null) return;
  world.remedy(contentFix({
    path: LOGROTATE_CONF, content: withStrictCreateModes(main.text, main.parsed, max, defaultCreate(max)),
    summary: `give new log files mode ${formatMode(max)} or stricter in ${LOGROTATE_CONF} ("${defaultCreate(max)}" for every log, no "create" more permissive)`,
  }));
}

/** The mode logrotate.conf's "create" lines are checked against (the item's second step names it). */
const LOGROTATE_MAX_MODE = 0o640;

Then('a "create" directive outside any block of \\/etc\\/logrotate.conf gives new log files a mode', async function (this: CisWorld) {
  const main = await this.fact(logrotateMainConfig);
  if (!main.parsed) this.fail(`${LOGROTATE_CONF} does not exist`);
  const global = main.parsed.directives.filter((d) => d.block === null && (d.name === 'create' || d.name === 'nocreate'));
  const last = global[global.length - 1];
  if (!last) {
    this.record(LOGROTATE_CONF, 'no "create" directive outside a block');
    remedyLogrotate(this, main, LOGROTATE_MAX_MODE);
    this.fail(`${LOGROTATE_CONF} has no global "create" directive: new log files are not created with a stated mode`);
  }
  this.record(`${LOGROTATE_CONF}:${last.line}`, last.text);
  if (last.name === 'nocreate' || createMode(last) === null) remedyLogrotate(this, main, LOGROTATE_MAX_MODE);
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
  if (problems.length) {
    remedyLogrotate(this, main, max);
    this.fail(problems.join('; '));
  }
});
