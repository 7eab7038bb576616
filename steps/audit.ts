/**
 * Steps about the Linux audit system: the kernel parameters GRUB boots with, the audit daemon's
 * settings, and the audit rules, on disk (what augenrules loads at boot) and loaded in the running kernel
 * (`auditctl -l`). Rules are compared in their normalised form (src/facts/audit-rules.ts), so a rule
 * written differently but meaning the same counts. Failing checks record their fix: auditd.conf keys,
 * missing rules added to cis-bdd's own rules file, and, for what a person must do (the boot loader,
 * loading the rules into the kernel), the steps.
 */
import { Given, Then, type DataTable } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { capped } from './support/evidence.js';
import { AUDIT_RULES_DIR, canonicalRule, coverage, parseAuditRules, loadedAuditRules, type AuditRuleLine } from '../src/facts/audit-rules.js';
import { auditRulesOnDisk, decidingEnableFlag, type AuditRulesOnDisk } from '../src/facts/audit-rules-on-disk.js';
import { AUDITD_CONF, auditdConfig } from '../src/facts/auditd-config.js';
import {
  GRUB_CFG_LOCATIONS, grubCfgMatches, grubKernelLines, grubRegenerateCommand, kernelParam, type KernelEntry,
} from '../src/facts/kernel-cmdline.js';
import { defaultGrubCmdline } from '../src/facts/grub.js';
import { filesystemScan } from '../src/facts/filesystem.js';
import { globalDefaults, sudoers } from '../src/facts/sudoers.js';
import { CheckError } from '../src/model/verdict.js';
import { linesFix, rootFile, settingFix } from '../src/remediation/templates.js';

/** cis-bdd's own audit rules file: hardening adds missing rules here and nowhere else. */
export const CIS_BDD_AUDIT_RULES = '/etc/audit/rules.d/60-cis-bdd.rules';
const RULES_FILE_CREATE = rootFile(0o600);

/* ---------- kernel command lines in GRUB's configuration ---------- */

interface GrubSubject { files: string[]; entries: KernelEntry[] }

/** Read the kernel lines of the generated GRUB configuration files at the locations named. */
async function readGrubConfigs(world: CisWorld, locations: string[]) {
  for (const l of locations) {
    if (!GRUB_CFG_LOCATIONS.includes(l)) throw new CheckError(`${l} is not a place GRUB's configuration is read from (${GRUB_CFG_LOCATIONS.join(', ')})`);
  }
  const grub = await world.fact(grubKernelLines);
  const files = grub.files.filter((f) => locations.some((l) => grubCfgMatches(l, f)));
  if (!files.length) {
    for (const l of locations) world.record(l, 'does not exist');
    const what = locations.length === 1 ? `${locations[0]} does not exist` : `none of ${locations.join(', ')} exists`;
    return world.notApplicable(`${what}: GRUB does not boot this system (or its configuration was never generated)`);
  }
  const entries = grub.entries.filter((e) => files.includes(e.file));
  world.subject.grub = { files, entries } satisfies GrubSubject;
  for (const f of files) {
    const n = entries.filter((e) => e.file === f).length;
    world.record(f, n ? `${n} kernel command line(s)` : 'no "linux" line');
  }
  return undefined;
}

Given('the kernel command lines in the GRUB configuration {string}, if that file exists', async function (this: CisWorld, path: string) {
  return readGrubConfigs(this, [path]);
});

Given('the kernel command lines in the GRUB configuration {string} or {string}, whichever exist', async function (this: CisWorld, a: string, b: string) {
  return readGrubConfigs(this, [a, b]);
});

function grubOf(world: CisWorld): GrubSubject {
  const g = world.subject.grub as GrubSubject | undefined;
  if (!g) throw new Error('the GRUB configuration was not read: a "Given the kernel command lines" step must come first');
  if (!g.entries.length) world.fail(`${g.files.join(', ')} ${g.files.length > 1 ? 'have' : 'has'} no "linux" line: no kernel command line to check`);
  return g;
}

/**
 * Where the parameters come from (the generator adds /etc/default/grub's command line to every entry), and
 * the fix: a person edits that line and regenerates the files, then reboots.
 */
async function grubFix(world: CisWorld, g: GrubSubject, param: string): Promise<void> {
  const defaults = await world.fact(defaultGrubCmdline);
  for (const d of defaults) world.record(`${d.file}:${d.line}`, `${d.key}="${d.value}" (the generator adds these to every kernel line)`);
  const cmdline = defaults.find((d) => d.key === 'GRUB_CMDLINE_LINUX');
  world.needsPerson([
    `add ${param} to GRUB_CMDLINE_LINUX in /etc/default/grub${cmdline ? ` (${cmdline.file}:${cmdline.line})` : ''}`,
    ...g.files.map((f) => `regenerate ${f}: ${grubRegenerateCommand(f)}`),
    'reboot, so that the running kernel gets the parameter',
  ]);
}

Then('every kernel command line in it/them passes the audit parameter {string}', async function (this: CisWorld, param: string) {
  const grub = grubOf(this);
  const [name, wanted] = param.split('=');
  const wrong: string[] = [];
  for (const e of grub.entries) {
    const value = kernelParam(e, name);
    this.record(`${e.file}:${e.line}`, `${e.text}\n→ ${value === undefined ? `no ${name}=` : `${name}=${value}`}`);
    if (value !== wanted) wrong.push(`${e.file}:${e.line} ${value === undefined ? `has no ${name}=` : `has ${name}=${value}`}`);
  }
  if (wrong.length) {
    await grubFix(this, grub, param);
    this.fail(`kernel command lines without ${param}: ${wrong.join('; ')}`);
  }
});

Then('every kernel command line in it/them passes the audit parameter {string} with a value of at least {int}', async function (this: CisWorld, name: string, min: number) {
  const grub = grubOf(this);
  const wrong: string[] = [];
  for (const e of grub.entries) {
    const value = kernelParam(e, name);
    this.record(`${e.file}:${e.line}`, `${e.text}\n→ ${value === undefined ? `no ${name}=` : `${name}=${value}`}`);
    if (value === undefined) wrong.push(`${e.file}:${e.line} has no ${name}=`);
    else if (!/^\d+$/.test(value)) wrong.push(`${e.file}:${e.line} has ${name}=${value}, not a number`);
    else if (Number(value) < min) wrong.push(`${e.file}:${e.line} has ${name}=${value}, less than ${min}`);
  }
  if (wrong.length) {
    await grubFix(this, grub, `${name}=${min}`);
    this.fail(wrong.join('; '));
  }
});

/* ---------- the audit daemon's configuration ---------- */

Given('the audit daemon configuration in \\/etc\\/audit\\/auditd.conf', async function (this: CisWorld) {
  const cfg = await this.fact(auditdConfig);
  this.record(cfg.file, cfg.exists ? `${cfg.lines.length} setting(s)` : 'does not exist');
});

/** The fix of an auditd.conf setting: set the keyword (every line of it), then have auditd re-read its configuration. */
function remedyAuditd(world: CisWorld, keyword: string, value: string, why = ''): void {
  world.remedy(settingFix({
    path: AUDITD_CONF, settings: [[keyword, value]], separator: ' = ', create: rootFile(0o640), reload: 'auditd.service',
    summary: `set ${keyword} = ${value} in ${AUDITD_CONF}${why}`,
  }));
}

async function auditdSetting(world: CisWorld, keyword: string, fix: string, why?: string) {
  const cfg = await world.fact(auditdConfig);
  if (!cfg.exists) {
    remedyAuditd(world, keyword, fix, why);
    world.fail(`${cfg.file} does not exist: ${keyword} is not set`);
  }
  const s = cfg.settings.get(keyword.toLowerCase());
  if (!s) {
    world.record(cfg.file, `${keyword} is not set`);
    remedyAuditd(world, keyword, fix, why);
    world.fail(`${keyword} is not set in ${cfg.file}`);
  }
  const earlier = cfg.lines.filter((l) => l.keyword.toLowerCase() === keyword.toLowerCase() && l !== s);
  world.record(`${s.file}:${s.line}`, `${s.keyword} = ${s.value}${earlier.length ? ` (the last line wins; ${earlier.map((l) => `line ${l.line} says ${l.value}`).join(', ')})` : ''}`);
  return s;
}

Then('the audit daemon setting {string} is {string}', async function (this: CisWorld, keyword: string, expected: string) {
  const s = await auditdSetting(this, keyword, expected);
  if (s.value.toLowerCase() !== expected.toLowerCase()) {
    remedyAuditd(this, keyword, expected);
    this.fail(`${s.file}:${s.line} sets ${keyword} = ${s.value}, expected ${expected}`);
  }
});

Then('the audit daemon settings are:', async function (this: CisWorld, table: DataTable) {
  const cfg = await this.fact(auditdConfig);
  const problems: string[] = [];
  for (const { setting, value } of table.hashes()) {
    if (!setting || !value) throw new CheckError('the table of audit daemon settings needs the columns "setting" and "value"');
    const s = cfg.settings.get(setting.toLowerCase());
    if (!s) {
      this.record(cfg.file, `${setting} is not set`);
      problems.push(cfg.exists ? `${setting} is not set in ${cfg.file}` : `${cfg.file} does not exist: ${setting} is not set`);
    } else {
      const earlier = cfg.lines.filter((l) => l.keyword.toLowerCase() === setting.toLowerCase() && l !== s);
      this.record(`${s.file}:${s.line}`, `${s.keyword} = ${s.value}${earlier.length ? ` (the last line wins; ${earlier.map((l) => `line ${l.line} says ${l.value}`).join(', ')})` : ''}`);
      if (s.value.toLowerCase() === value.toLowerCase()) continue;
      problems.push(`${s.file}:${s.line} sets ${setting} = ${s.value}, expected ${value}`);
    }
    remedyAuditd(this, setting, value);
  }
  if (problems.length) this.fail(problems.join('; '));
});

/** auditd's own default size, used by the fix when no valid size is set; a site may choose another. */
const AUDITD_DEFAULT_MAX_LOG_FILE = '8';

Then('the audit daemon setting {string} is a number of megabytes', async function (this: CisWorld, keyword: string) {
  const why = ` (auditd's default size; the site's policy may ask for another)`;
  const s = await auditdSetting(this, keyword, AUDITD_DEFAULT_MAX_LOG_FILE, why);
  if (!/^\d+$/.test(s.value) || Number(s.value) === 0) {
    remedyAuditd(this, keyword, AUDITD_DEFAULT_MAX_LOG_FILE, why);
    this.fail(`${s.file}:${s.line} sets ${keyword} = ${s.value}, not a size in megabytes`);
  }
});

/* ---------- audit rules ---------- */

async function readRulesOnDisk(world: CisWorld): Promise<void> {
  const disk = await world.fact(auditRulesOnDisk);
  const other = disk.lines.filter((l) => l.rule.kind === 'control').length;
  const counts = `${disk.rules.length} rule(s) and watch(es) loaded, ${other} other line(s)`;
  if (disk.compiled) {
    world.record(disk.source, `${disk.files.length ? `augenrules merges ${disk.files.join(', ')}` : 'no rules file: augenrules writes an empty rule set'}; ${counts}`
      + `${disk.awk ? ` (${disk.awk.why})` : ''}`);
  } else {
    world.record(disk.source, disk.files.length ? `${AUDIT_RULES_DIR} is not a directory: augenrules loads this file as it is; ${counts}`
      : `neither ${AUDIT_RULES_DIR} nor ${disk.source} exists: no rule is loaded at boot`);
  }
  if (disk.stoppedAt) {
    const s = disk.stoppedAt;
    world.record(`${s.line.source}:${s.line.line}`, `${s.line.text}\n→ ${s.reason}; ${disk.notLoaded.length} later line(s) are not loaded${disk.notLoaded.length ? `:\n${capped(disk.notLoaded.map((l) => `${l.source}:${l.line} ${l.text}`))}` : ''}`);
  }
}

Given('the audit rules the kernel holds after augenrules loads them at boot', async function (this: CisWorld) {
  await readRulesOnDisk(this);
});

interface ExpectedRule { text: string; line: AuditRuleLine }

function parseExpected(docString: string): ExpectedRule[] {
  return parseAuditRules(docString, 'the benchmark').map((line) => ({ text: line.text, line }));
}

/**
 * Which expected rules the rules given provide; record which rule provides each, and the missing ones.
 * Returns the missing rules.
 */
function findRules(world: CisWorld, expected: ExpectedRule[], rules: AuditRuleLine[], source: string): ExpectedRule[] {
  const found: string[] = [];
  const missing: string[] = [];
  const missingRules: ExpectedRule[] = [];
  for (const e of expected) {
    const c = coverage(e.line.rule, rules);
    const by = c.by.map((l) => (l.source === source ? `line ${l.line}` : `${l.source}:${l.line}`)).join(', ');
    const at = (l: AuditRuleLine) => (l.source === source ? `line ${l.line}` : `${l.source}:${l.line}`);
    const silenced = c.silencedBy.map((n) => `${n.syscall && n.syscall !== 'all' ? `${n.syscall}: ` : ''}silenced by the never rule ${at(n.never)} ${n.never.text}, tried first`);
    if (c.covered) found.push(`${e.text}  ← ${by}`);
    else {
      const why = [
        c.missingSyscalls.length && c.by.length ? `only partly: no rule for ${c.missingSyscalls.join(', ')}` : '',
        ...silenced,
      ].filter(Boolean);
      missing.push(`${e.text}${why.length ? `  (${why.join('; ')}; ${c.silencedBy.length ? 'provided by' : 'the rest from'} ${by})` : ''}`);
      missingRules.push(e);
    }
  }
  if (found.length) world.record(source, `provided:\n${capped(found)}`);
  if (missing.length) world.record(source, `missing:\n${capped(missing)}`);
  return missingRules;
}

function failMissing(world: CisWorld, missing: ExpectedRule[], total: number, where: string): never {
  return world.fail(`${missing.length} of ${total} rule(s) missing ${where}: ${missing.slice(0, 3).map((m) => m.text).join('; ')}${missing.length > 3 ? '; …' : ''}`);
}

/**
 * The fix of rules missing on disk: add them, as the benchmark writes them, to cis-bdd's rules file. When
 * augenrules loads /etc/audit/audit.rules as it is (rules.d has no rules file), a new rules.d file would
 * replace that whole file at the next boot: a person moves the rules instead.
 */
function remedyRules(world: CisWorld, disk: AuditRulesOnDisk, missing: ExpectedRule[]): void {
  if (!disk.compiled) {
    world.needsPerson([
      `move the rules of ${disk.source} into a file of /etc/audit/rules.d ending in .rules (augenrules replaces ${disk.source} with what it compiles from there)`,
      `add there: ${missing.map((m) => m.text).join(' | ')}`,
      'load them: augenrules --load (or reboot)',
    ]);
    return;
  }
  world.remedy(linesFix({
    path: CIS_BDD_AUDIT_RULES, lines: missing.map((m) => m.text), create: RULES_FILE_CREATE,
    summary: `add ${missing.length} audit rule(s) to ${CIS_BDD_AUDIT_RULES} (loaded at the next boot, or by augenrules --load)`,
  }));
}

async function requireOnDisk(world: CisWorld, expected: ExpectedRule[]): Promise<void> {
  world.subject.expectedAuditRules = expected;
  const disk = await world.fact(auditRulesOnDisk);
  const missing = findRules(world, expected, disk.rules, disk.source);
  if (missing.length) {
    remedyRules(world, disk, missing);
    failMissing(world, missing, expected.length, `from ${disk.source}`);
  }
}

Then('the audit rules on disk include:', async function (this: CisWorld, docString: string) {
  await requireOnDisk(this, parseExpected(docString));
});

/** The paths of every set-user-ID and set-group-ID regular file on the local filesystems. */
async function privilegedPrograms(world: CisWorld): Promise<string[]> {
  const scan = await world.fact(filesystemScan);
  for (const kind of ['setuidFiles', 'setgidFiles'] as const) {
    const f = scan[kind];
    if (f.total > f.entries.length) throw new CheckError(`the walk found ${f.total} ${kind === 'setuidFiles' ? 'set-user-ID' : 'set-group-ID'} files, more than the ${f.entries.length} it keeps: their rules cannot all be checked`);
  }
  return [...new Set([...scan.setuidFiles.entries, ...scan.setgidFiles.entries].map((e) => e.path))].sort();
}

/** A one-line rule template naming its placeholder. */
function template(docString: string, placeholder: string): string {
  const t = docString.trim();
  if (!t.includes(placeholder) || t.includes('\n')) throw new CheckError(`the rule template must be one line naming ${placeholder}`);
  return t;
}

Then('for every set-user-ID or set-group-ID program found, the audit rules on disk include:', async function (this: CisWorld, docString: string) {
  const rule = template(docString, '<program>');
  const programs = await privilegedPrograms(this);
  this.record('set-user-ID and set-group-ID programs', programs.length ? `${programs.length}:\n${capped(programs)}` : 'none found');
  if (!programs.length) return this.notApplicable('no set-user-ID or set-group-ID program was found on the local filesystems');
  await requireOnDisk(this, programs.flatMap((p) => parseExpected(rule.replace('<program>', p))));
  return undefined;
});

/** sudo's default log file when the benchmark names one: where sudo writes once "logfile" is set. */
export const SUDO_LOG_DEFAULT = '/var/log/sudo.log';

Then('for the file sudo logs to \\(its "logfile" option, or \\/var\\/log\\/sudo.log when it is not set), the audit rules on disk include:', async function (this: CisWorld, docString: string) {
  const rule = template(docString, '<sudo log file>');
  const s = await this.fact(sudoers);
  const set = s.exists ? globalDefaults(s, 'logfile').filter((d) => d.op === '=' || d.op === 'off') : [];
  const last = set[set.length - 1];
  let logfile = SUDO_LOG_DEFAULT;
  if (last?.op === '=' && last.value?.startsWith('/')) {
    logfile = last.value;
    this.record(`${last.file}:${last.line}`, `${last.text} (sudo logs to ${logfile})`);
  } else {
    this.record(s.files.join(', ') || '/etc/sudoers', `${last ? `${last.file}:${last.line} ${last.text}: no log file` : 'no "logfile" option for all users'}; the benchmark's ${SUDO_LOG_DEFAULT} is watched`);
  }
  await requireOnDisk(this, parseExpected(rule.replace('<sudo log file>', logfile)));
});

Then('the audit rules loaded in the kernel include the same rules', async function (this: CisWorld) {
  const expected = this.subject.expectedAuditRules as ExpectedRule[] | undefined;
  if (!expected) throw new Error('no expected rules: a step listing the rules on disk must come first');
  const loaded = await this.liveFact(loadedAuditRules);
  if (!loaded) return;
  const missing = findRules(this, expected, loaded.lines, loaded.command);
  if (missing.length) {
    // the rules on disk comply (the step before passed): they were not loaded since they were written
    this.needsPerson([
      'load the audit rules on disk into the kernel: augenrules --load',
      'when the loaded rules are locked ("enabled 2" in auditctl -s), reboot instead',
    ]);
    failMissing(this, missing, expected.length, 'from the rules loaded in the kernel');
  }
});

Then('the enabling flag augenrules loads last is {string}', async function (this: CisWorld, wanted: string) {
  const disk = await this.fact(auditRulesOnDisk);
  const want = canonicalRule(parseAuditRules(wanted, 'the benchmark')[0].rule);
  const { flag, others } = decidingEnableFlag(disk);
  const last = disk.lines[disk.lines.length - 1];
  const fix = () => {
    if (!disk.compiled) {
      this.needsPerson([`end ${disk.source} with the line "${wanted}", with no other -e line before it, or move its rules into a file of /etc/audit/rules.d ending in .rules`]);
      return;
    }
    const wrong = [...new Set(others.concat(flag ? [flag] : []).filter((l) => canonicalRule(l.rule) !== want).map((l) => l.source))]
      .filter((f) => f !== CIS_BDD_AUDIT_RULES);
    this.remedy(linesFix({
      path: CIS_BDD_AUDIT_RULES, lines: [wanted], create: RULES_FILE_CREATE, commentOut: { paths: wrong, pattern: '^\\s*-e\\s+[01]\\s*$' },
      summary: `lock the audit rules with "${wanted}" in ${CIS_BDD_AUDIT_RULES}${wrong.length ? `, commenting out the other -e lines in ${wrong.join(', ')}` : ''}`,
    }));
  };
  const stop = disk.stoppedAt;
  const neverApplied = disk.notLoaded.filter((l) => l.rule.kind === 'control' && l.rule.option === '-e');
  if (!flag) {
    fix();
    if (stop && neverApplied.length) {
      const e = neverApplied[neverApplied.length - 1];
      this.record(`${e.source}:${e.line}`, `${e.text} (never applied: auditctl -R stops before it)`);
      this.fail(`"${e.text}" (${e.source}:${e.line}) is never applied: auditctl -R stops at ${stop.line.source}:${stop.line.line} ${stop.line.text} (${stop.reason})`);
    }
    this.record(disk.source, last ? `no -e line; the last rule line is ${last.source}:${last.line} ${last.text}` : 'no rule line');
    this.fail(`no "-e" line in ${disk.source}: the audit rules can be changed while the system runs`);
  }
  const overridden = others.filter((l) => !neverApplied.includes(l)).map((l) => `${l.source}:${l.line} ${l.text}`);
  const inFiles = (a: AuditRuleLine, b: AuditRuleLine) => disk.files.indexOf(a.source) - disk.files.indexOf(b.source) || a.line - b.line;
  const lastInFiles = disk.lines.filter((l) => l !== flag).sort(inFiles).pop();
  const note = disk.compiled
    ? [
      overridden.length ? `earlier -e lines, overridden: ${overridden.join(', ')}` : '',
      lastInFiles && inFiles(lastInFiles, flag) > 0
        ? `the last line in file order is ${lastInFiles.source}:${lastInFiles.line} ${lastInFiles.text}; augenrules moves the last -e line after every rule`
        : 'it is the last rule line',
      neverApplied.length ? `never applied (the load stops before them): ${neverApplied.map((l) => `${l.source}:${l.line} ${l.text}`).join(', ')}` : '',
    ]
    : [
      `${disk.source} is loaded as it is, line by line`,
      overridden.length ? `other -e lines: ${overridden.join(', ')}` : '',
      neverApplied.length ? `never applied (the load stops before them): ${neverApplied.map((l) => `${l.source}:${l.line} ${l.text}`).join(', ')}` : '',
    ];
  this.record(`${flag.source}:${flag.line}`, `${flag.text} (${note.filter(Boolean).join('; ')})`);
  if (canonicalRule(flag.rule) !== want) {
    fix();
    this.fail(`the -e line ${disk.compiled ? 'augenrules loads last' : 'that decides'} is "${flag.text}" (${flag.source}:${flag.line}), not "${wanted}"`);
  }
});
