/**
 * Steps about the Linux audit system: the kernel parameters GRUB boots with, the audit daemon's
 * settings, and the audit rules, on disk (/etc/audit/rules.d) and loaded in the running kernel
 * (`auditctl -l`). Rules are compared in their normalised form (src/facts/audit-rules.ts), so a rule
 * written differently but meaning the same counts.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { capped } from './filesystem.js';
import {
  AUDIT_RULES_GLOB, canonicalRule, coverage, parseAuditRules, auditRulesOnDisk, loadedAuditRules,
  type AuditRuleLine,
} from '../src/facts/audit-rules.js';
import { auditdConfig } from '../src/facts/auditd-config.js';
import { grubKernelLines, kernelParam, type GrubKernelLines } from '../src/facts/kernel-cmdline.js';
import { defaultGrubCmdline } from '../src/facts/grub.js';
import { filesystemScan } from '../src/facts/filesystem.js';
import { CheckError } from '../src/engine/verdict.js';

/* ---------- kernel command lines in GRUB's configuration ---------- */

Given('the kernel command lines in the GRUB configuration {string}, if that file exists', async function (this: CisWorld, path: string) {
  const grub = await this.fact(grubKernelLines);
  if (grub.file !== path) throw new CheckError(`the GRUB configuration is read from ${grub.file}, not ${path}`);
  if (!grub.exists) {
    this.record(path, 'does not exist');
    return this.notApplicable(`${path} does not exist: GRUB does not boot this system (or its configuration was never generated)`);
  }
  this.subject.grub = grub;
  this.record(path, grub.entries.length ? `${grub.entries.length} kernel command line(s)` : 'no "linux" line');
  return undefined;
});

function grubOf(world: CisWorld): GrubKernelLines {
  const g = world.subject.grub as GrubKernelLines | undefined;
  if (!g) throw new Error('the GRUB configuration was not read: a "Given the kernel command lines" step must come first');
  if (!g.entries.length) world.fail(`${g.file} has no "linux" line: no kernel command line to check`);
  return g;
}

/** Where the parameters come from: update-grub adds /etc/default/grub's command line to every entry. */
async function recordGrubDefaults(world: CisWorld): Promise<void> {
  for (const d of await world.fact(defaultGrubCmdline)) world.record(`${d.file}:${d.line}`, `${d.key}="${d.value}" (update-grub adds these to every kernel line)`);
}

Then('every kernel command line in it passes the audit parameter {string}', async function (this: CisWorld, param: string) {
  const grub = grubOf(this);
  const [name, wanted] = param.split('=');
  const wrong: string[] = [];
  for (const e of grub.entries) {
    const value = kernelParam(e, name);
    this.record(`${e.file}:${e.line}`, `${e.text}\n→ ${value === undefined ? `no ${name}=` : `${name}=${value}`}`);
    if (value !== wanted) wrong.push(`${e.file}:${e.line} ${value === undefined ? `has no ${name}=` : `has ${name}=${value}`}`);
  }
  if (wrong.length) {
    await recordGrubDefaults(this);
    this.fail(`kernel command lines without ${param}: ${wrong.join('; ')}`);
  }
});

Then('every kernel command line in it passes the audit parameter {string} with a value of at least {int}', async function (this: CisWorld, name: string, min: number) {
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
    await recordGrubDefaults(this);
    this.fail(wrong.join('; '));
  }
});

/* ---------- the audit daemon's configuration ---------- */

Given('the audit daemon configuration in \\/etc\\/audit\\/auditd.conf', async function (this: CisWorld) {
  const cfg = await this.fact(auditdConfig);
  this.record(cfg.file, cfg.exists ? `${cfg.lines.length} setting(s)` : 'does not exist');
});

async function auditdSetting(world: CisWorld, keyword: string) {
  const cfg = await world.fact(auditdConfig);
  if (!cfg.exists) world.fail(`${cfg.file} does not exist: ${keyword} is not set`);
  const s = cfg.settings.get(keyword.toLowerCase());
  if (!s) {
    world.record(cfg.file, `${keyword} is not set`);
    world.fail(`${keyword} is not set in ${cfg.file}`);
  }
  const earlier = cfg.lines.filter((l) => l.keyword.toLowerCase() === keyword.toLowerCase() && l !== s);
  world.record(`${s.file}:${s.line}`, `${s.keyword} = ${s.value}${earlier.length ? ` (the last line wins; ${earlier.map((l) => `line ${l.line} says ${l.value}`).join(', ')})` : ''}`);
  return s;
}

Then('the audit daemon setting {string} is {string}', async function (this: CisWorld, keyword: string, expected: string) {
  const s = await auditdSetting(this, keyword);
  if (s.value.toLowerCase() !== expected.toLowerCase()) this.fail(`${s.file}:${s.line} sets ${keyword} = ${s.value}, expected ${expected}`);
});

Then('the audit daemon setting {string} is a number of megabytes', async function (this: CisWorld, keyword: string) {
  const s = await auditdSetting(this, keyword);
  if (!/^\d+$/.test(s.value) || Number(s.value) === 0) this.fail(`${s.file}:${s.line} sets ${keyword} = ${s.value}, not a size in megabytes`);
});

/* ---------- audit rules ---------- */

Given('the audit rules in \\/etc\\/audit\\/rules.d', async function (this: CisWorld) {
  const disk = await this.fact(auditRulesOnDisk);
  this.record(AUDIT_RULES_GLOB, disk.files.length
    ? `${disk.files.join(', ')}: ${disk.rules.length} rule(s) and watch(es), ${disk.lines.length - disk.rules.length} other line(s)`
    : 'no file');
});

interface ExpectedRule { text: string; line: AuditRuleLine }

function parseExpected(docString: string): ExpectedRule[] {
  return parseAuditRules(docString, 'the benchmark').map((line) => ({ text: line.text, line }));
}

/**
 * Check that every expected rule is provided by the rules given; record which rule provides each,
 * and fail naming the missing ones.
 */
function requireRules(world: CisWorld, expected: ExpectedRule[], rules: AuditRuleLine[], where: string, source: string): void {
  const found: string[] = [];
  const missing: string[] = [];
  for (const e of expected) {
    const c = coverage(e.line.rule, rules);
    const by = c.by.map((l) => (l.source === source ? `line ${l.line}` : `${l.source}:${l.line}`)).join(', ');
    if (c.covered) found.push(`${e.text}  ← ${by}`);
    else missing.push(`${e.text}${c.by.length ? `  (only partly: no rule for ${c.missingSyscalls.join(', ')}; ${by} cover the rest)` : ''}`);
  }
  if (found.length) world.record(source, `provided:\n${capped(found)}`);
  if (missing.length) {
    world.record(source, `missing:\n${capped(missing)}`);
    world.fail(`${missing.length} of ${expected.length} rule(s) missing ${where}: ${missing.slice(0, 3).map((m) => m.split('  ')[0]).join('; ')}${missing.length > 3 ? '; …' : ''}`);
  }
}

Then('the audit rules on disk include:', async function (this: CisWorld, docString: string) {
  const expected = parseExpected(docString);
  this.subject.expectedAuditRules = expected;
  const disk = await this.fact(auditRulesOnDisk);
  requireRules(this, expected, disk.rules, `from ${AUDIT_RULES_GLOB}`, AUDIT_RULES_GLOB);
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

Then('for every set-user-ID or set-group-ID program found, the audit rules on disk include:', async function (this: CisWorld, docString: string) {
  const template = docString.trim();
  if (!template.includes('<program>') || template.includes('\n')) throw new CheckError('the rule template must be one line naming <program>');
  const programs = await privilegedPrograms(this);
  this.record('set-user-ID and set-group-ID programs', programs.length ? `${programs.length}:\n${capped(programs)}` : 'none found');
  if (!programs.length) return this.notApplicable('no set-user-ID or set-group-ID program was found on the local filesystems');
  const expected = programs.flatMap((p) => parseExpected(template.replace('<program>', p)));
  this.subject.expectedAuditRules = expected;
  const disk = await this.fact(auditRulesOnDisk);
  requireRules(this, expected, disk.rules, `from ${AUDIT_RULES_GLOB}`, AUDIT_RULES_GLOB);
  return undefined;
});

Then('the audit rules loaded in the kernel include the same rules', async function (this: CisWorld) {
  const expected = this.subject.expectedAuditRules as ExpectedRule[] | undefined;
  if (!expected) throw new Error('no expected rules: a step listing the rules on disk must come first');
  const loaded = await this.liveFact(loadedAuditRules);
  if (!loaded) return;
  requireRules(this, expected, loaded.lines, 'from the rules loaded in the kernel', loaded.command);
});

Then('the enabling flag augenrules loads last is {string}', async function (this: CisWorld, wanted: string) {
  const disk = await this.fact(auditRulesOnDisk);
  const want = canonicalRule(parseAuditRules(wanted, 'the benchmark')[0].rule);
  const flags = disk.lines.filter((l) => l.rule.kind === 'control' && l.rule.option === '-e');
  const last = disk.lines[disk.lines.length - 1];
  const flag = flags[flags.length - 1];
  if (!flag) {
    this.record(AUDIT_RULES_GLOB, last ? `no -e line; the last rule line is ${last.source}:${last.line} ${last.text}` : 'no rule line');
    this.fail(`no "-e" line in ${AUDIT_RULES_GLOB}: the audit rules can be changed while the system runs`);
  }
  const earlier = flags.slice(0, -1).map((l) => `${l.source}:${l.line} ${l.text}`);
  const note = [
    earlier.length ? `earlier -e lines, overridden: ${earlier.join(', ')}` : '',
    last !== flag ? `the last line in file order is ${last.source}:${last.line} ${last.text}; augenrules moves the last -e line after every rule` : 'it is the last rule line',
  ].filter(Boolean).join('; ');
  this.record(`${flag.source}:${flag.line}`, `${flag.text} (${note})`);
  if (canonicalRule(flag.rule) !== want) this.fail(`the -e line augenrules loads last is "${flag.text}" (${flag.source}:${flag.line}), not "${wanted}"`);
});
