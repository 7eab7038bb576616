/**
 * Steps about the password quality settings pam_pwquality applies: the module's arguments, which override
 * the files, and pwquality.conf (with pwquality.conf.d where the library reads it). A remediation sets a
 * value where it decides: in pwquality.conf, or on the module's line when an argument overrides the file.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { person, remedyOptions } from './support/pam-fixes.js';
import { CheckError } from '../src/model/verdict.js';
import type { PamStackEntry } from '../src/facts/pam.js';
import { PWQUALITY_CONF, PWQUALITY_INT_DEFAULTS, pwqualityConf, type PwqualityRead } from '../src/facts/pwquality.js';
import { pwqualitySetting } from '../src/facts/pam-args.js';
import { callsIn, recordOnce } from './support/pam.js';
import { rootFile, settingFix } from '../src/remediation/templates.js';

// ---------------------------------------------------------------- pam_pwquality and pwquality.conf

interface QualityValue { call: PamStackEntry; value: number | null; says: string; fromArgument: boolean }

/** Which files pam_pwquality's library reads on the target, as a Given step of the feature says (default: the directory, then the file). */
const READS_DIR = 'pwquality reads pwquality.conf.d';

Given('pam_pwquality reads \\/etc\\/security\\/pwquality.conf.d and then \\/etc\\/security\\/pwquality.conf', function (this: CisWorld) {
  this.subject[READS_DIR] = true;
});

Given('pam_pwquality reads \\/etc\\/security\\/pwquality.conf alone', function (this: CisWorld) {
  this.subject[READS_DIR] = false;
});

async function pwqualityRead(world: CisWorld): Promise<PwqualityRead> {
  const conf = await world.fact(pwqualityConf);
  const read = world.subject[READS_DIR] === false ? conf.fileOnly : conf.withDir;
  const files = read.files.length ? read.files.join(', then ') : `nothing (${conf.file} does not exist)`;
  const stop = read.stopped ? `; the library stops reading at ${read.stopped.file}:${read.stopped.line} "${read.stopped.text}" (${read.stopped.reason}): nothing after it counts` : '';
  const ignored = world.subject[READS_DIR] === false && conf.dirFiles.length ? `; ${conf.dirFiles.join(', ')} not read by this version of libpwquality` : '';
  recordOnce(world, 'libpwquality settings', `reads ${files}${stop}${ignored}`);
  return read;
}

/**
 * The value of a password quality setting for each pam_pwquality.so call in the services' password
 * rules: the module's last valid argument (it overrides the files), else the files as the library reads
 * them, else the library's default.
 */
async function qualityValues(world: CisWorld, services: string[], name: string): Promise<QualityValue[]> {
  const calls = await callsIn(world, services, 'password', 'pam_pwquality.so');
  const read = await pwqualityRead(world);
  const out: QualityValue[] = [];
  const lines: string[] = [];
  for (const call of calls) {
    const s = pwqualitySetting(call.args, read, name, PWQUALITY_INT_DEFAULTS);
    let says: string;
    if (s.from === 'argument') says = `${s.argument} as an argument at ${call.file}:${call.line} (overrides ${PWQUALITY_CONF})`;
    else if (s.from === 'file') says = `${name} = ${s.value} at ${s.file}:${s.line}`;
    else says = `${name} is not set (neither in ${read.files.join(' nor in ') || `${PWQUALITY_CONF} (missing)`} nor an argument at ${call.file}:${call.line}): the default ${s.value} applies`;
    if (typeof s.value !== 'number') throw new CheckError(`${says}: not a number`);
    out.push({ call, value: s.value, says, fromArgument: s.from === 'argument' });
    lines.push(says);
  }
  recordOnce(world, `${name} for pam_pwquality`, lines.join('\n'));
  return out;
}

/** Set quality values: in pwquality.conf, or on the module line where an argument overrides the file. */
async function remedyQuality(world: CisWorld, values: Array<{ v: QualityValue; name: string; fix: number }>): Promise<void> {
  const read = await pwqualityRead(world);
  if (read.stopped) person(world, [`remove or correct ${read.stopped.file} line ${read.stopped.line} ("${read.stopped.text}"): libpwquality stops reading its settings there`]);
  const inFile = [...new Map(values.filter((x) => !x.v.fromArgument).map((x) => [x.name, x])).values()];
  if (inFile.length) {
    world.remedy(settingFix({ path: PWQUALITY_CONF, settings: inFile.map((x) => [x.name, String(x.fix)] as const), separator: ' = ', create: rootFile(0o644) }));
  }
  const onLine = values.filter((x) => x.v.fromArgument);
  if (onLine.length) await remedyOptions(world, onLine.map((x) => ({ rule: x.v.call, options: [`${x.name}=${x.fix}`] })));
}

Then('pam_pwquality in {words} requires {string} of at least {int}', async function (this: CisWorld, services: string[], name: string, min: number) {
  const values = await qualityValues(this, services, name);
  const bad = values.filter((v) => v.value === null || v.value < min);
  if (bad.length) {
    await remedyQuality(this, bad.map((v) => ({ v, name, fix: min })));
    this.fail(`${name} must be at least ${min}: ${bad.map((v) => v.says).join('; ')}`);
  }
});

Then('pam_pwquality in {words} requires {string} of at least {int}, or {words} each of at most {int}', async function (this: CisWorld, services: string[], name: string, min: number, credits: string[], max: number) {
  const classes = await qualityValues(this, services, name);
  // the credits matter only where minclass falls short
  if (classes.every((c) => c.value !== null && c.value >= min)) return;
  const perCredit: QualityValue[][] = [];
  for (const c of credits) perCredit.push(await qualityValues(this, services, c));
  const problems: string[] = [];
  const short: QualityValue[] = [];
  classes.forEach((cls, i) => {
    if (cls.value !== null && cls.value >= min) return;
    const weak = perCredit.map((vals) => vals[i]).filter((v) => v.value === null || v.value > max);
    if (!weak.length) return;
    short.push(cls);
    problems.push(`${cls.call.file}:${cls.call.line}: ${cls.says}, and ${weak.map((v) => v.says).join(', ')}`);
  });
  if (problems.length) {
    // the simpler of the two ways: require every class
    await remedyQuality(this, short.map((v) => ({ v, name, fix: min })));
    this.fail(`neither ${name} is at least ${min} nor are ${credits.join(', ')} each at most ${max}: ${problems.join('; ')}`);
  }
});
