/**
 * Steps about PAM: which modules a service's stack calls for one management group once its includes are
 * followed, with which control and options, and the password quality settings pam_pwquality applies.
 * Every decision records the rules (file:line, and the include that led there) it was made on.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { CheckError } from '../src/engine/verdict.js';
import {
  PAM_TYPES, describePamEntry, moduleName, pamArgument, pamConfig, type PamStack, type PamStackEntry, type PamType,
} from '../src/facts/pam.js';
import { pwqualityConf } from '../src/facts/pwquality.js';

function pamType(type: string): PamType {
  if (!(PAM_TYPES as readonly string[]).includes(type)) throw new CheckError(`"${type}" is not a PAM management group (${PAM_TYPES.join(', ')})`);
  return type as PamType;
}

const stackSource = (s: PamStack) => `${s.file} (${s.type} rules, includes followed)`;

/** Several steps of one item look at the same rules: record them once. */
function recordOnce(world: CisWorld, source: string, excerpt: string) {
  if (!world.evidence.some((e) => e.source === source && e.excerpt === excerpt)) world.record(source, excerpt);
}

/** The stack of a service for one group; a missing service file fails, a broken rule on the way is an error. */
export async function pamStack(world: CisWorld, service: string, type: string): Promise<PamStack> {
  const stack = (await world.fact(pamConfig)).stack(service, pamType(type));
  if (!stack.exists) {
    world.record(stack.file, 'does not exist');
    world.fail(`${stack.file} does not exist`);
  }
  if (stack.problems.length) {
    world.record(stackSource(stack), stack.problems.join('\n'));
    throw new CheckError(`the ${type} rules of ${stack.file} cannot be read: ${stack.problems[0]}`);
  }
  return stack;
}

/** The rules of a stack that call a module (by file name); fails when there is none. */
export async function pamCalls(world: CisWorld, service: string, type: string, module: string): Promise<PamStackEntry[]> {
  const stack = await pamStack(world, service, type);
  const calls = stack.entries.filter((e) => moduleName(e.module) === module);
  if (!calls.length) {
    const modules = stack.entries.map((e) => moduleName(e.module));
    world.record(stackSource(stack), `no rule calls ${module}; the ${type} rules call ${modules.join(', ') || 'nothing'}`);
    world.fail(`the ${type} rules of ${stack.file} do not call ${module}`);
  }
  recordOnce(world, stackSource(stack), calls.map(describePamEntry).join('\n'));
  return calls;
}

Then('the PAM service {string} calls {string} for {string}', async function (this: CisWorld, service: string, module: string, type: string) {
  await pamCalls(this, service, type, module);
});

Then('the PAM service {string} calls {string} for {string} as {words}', async function (this: CisWorld, service: string, module: string, type: string, controls: string[]) {
  const calls = await pamCalls(this, service, type, module);
  const wrong = calls.filter((c) => !controls.includes(c.control));
  if (wrong.length) {
    this.fail(`${wrong.map((c) => `${c.file}:${c.line} calls ${module} as ${c.control}`).join('; ')}, expected ${controls.join(' or ')}`);
  }
});

Then('every {string} call of {string} in {string} has the options {words}', async function (this: CisWorld, type: string, module: string, service: string, options: string[]) {
  const calls = await pamCalls(this, service, type, module);
  const problems = calls.flatMap((c) => {
    const missing = options.filter((o) => !c.args.includes(o));
    return missing.length ? [`${c.file}:${c.line} lacks ${missing.join(', ')}`] : [];
  });
  if (problems.length) this.fail(`${module}: ${problems.join('; ')}`);
});

Then('every {string} call of {string} in {string} has the option {string}', async function (this: CisWorld, type: string, module: string, service: string, option: string) {
  const calls = await pamCalls(this, service, type, module);
  const without = calls.filter((c) => !c.args.includes(option));
  if (without.length) this.fail(`${module} without ${option}: ${without.map((c) => `${c.file}:${c.line}`).join(', ')}`);
});

/** Check a numeric option on every call of a module. */
async function numericOption(world: CisWorld, type: string, module: string, service: string, name: string, ok: (n: number) => boolean, wanted: string) {
  const calls = await pamCalls(world, service, type, module);
  const problems: string[] = [];
  for (const c of calls) {
    const value = pamArgument(c, name);
    if (value === undefined) problems.push(`${c.file}:${c.line} does not set ${name}`);
    else if (!/^-?\d+$/.test(value)) problems.push(`${c.file}:${c.line} sets ${name}=${value}, which is not a number`);
    else if (!ok(Number(value))) problems.push(`${c.file}:${c.line} sets ${name}=${value}`);
  }
  if (problems.length) world.fail(`${module} ${name} must be ${wanted}: ${problems.join('; ')}`);
}

Then('every {string} call of {string} in {string} sets {string} to at most {int}', async function (this: CisWorld, type: string, module: string, service: string, name: string, max: number) {
  await numericOption(this, type, module, service, name, (n) => n <= max, `at most ${max}`);
});

Then('every {string} call of {string} in {string} sets {string} to at least {int}', async function (this: CisWorld, type: string, module: string, service: string, name: string, min: number) {
  await numericOption(this, type, module, service, name, (n) => n >= min, `at least ${min}`);
});

Then('every {string} call of {string} in {string} sets {string} to between {int} and {int}', async function (this: CisWorld, type: string, module: string, service: string, name: string, min: number, max: number) {
  await numericOption(this, type, module, service, name, (n) => n >= min && n <= max, `between ${min} and ${max}`);
});

// ---------------------------------------------------------------- pam_pwquality and pwquality.conf

interface QualityValue { call: PamStackEntry; value: number | null; says: string }

/**
 * The value of a password quality setting for each pam_pwquality.so call in a service's password rules:
 * the module argument when the rule gives one (it overrides the file), otherwise pwquality.conf.
 */
async function qualityValues(world: CisWorld, service: string, name: string): Promise<QualityValue[]> {
  const calls = await pamCalls(world, service, 'password', 'pam_pwquality.so');
  const conf = await world.fact(pwqualityConf);
  const out: QualityValue[] = [];
  const lines: string[] = [];
  for (const call of calls) {
    const arg = pamArgument(call, name);
    const set = conf.settings.get(name);
    let value: string | undefined;
    let says: string;
    if (arg !== undefined) { value = arg; says = `${name}=${arg} as an argument at ${call.file}:${call.line} (overrides ${conf.file})`; }
    else if (set) { value = set.value; says = `${name} = ${set.value} at ${set.file}:${set.line}`; }
    else says = `${name} is not set (${conf.exists ? `neither in ${conf.file} nor` : `${conf.file} does not exist, nor is it`} an argument at ${call.file}:${call.line})`;
    if (value !== undefined && !/^-?\d+$/.test(value)) throw new CheckError(`${says}: not a number`);
    out.push({ call, value: value === undefined ? null : Number(value), says });
    lines.push(says);
  }
  world.record(conf.exists ? conf.file : `${conf.file} (missing)`, lines.join('\n'));
  return out;
}

Then('pam_pwquality in {string} requires {string} of at least {int}', async function (this: CisWorld, service: string, name: string, min: number) {
  const values = await qualityValues(this, service, name);
  const bad = values.filter((v) => v.value === null || v.value < min);
  if (bad.length) this.fail(`${name} must be at least ${min}: ${bad.map((v) => v.says).join('; ')}`);
});

Then('pam_pwquality in {string} requires {string} of at least {int}, or {words} each of at most {int}', async function (this: CisWorld, service: string, name: string, min: number, credits: string[], max: number) {
  const classes = await qualityValues(this, service, name);
  // the credits matter only where minclass falls short
  if (classes.every((c) => c.value !== null && c.value >= min)) return;
  const perCredit: QualityValue[][] = [];
  for (const c of credits) perCredit.push(await qualityValues(this, service, c));
  const problems: string[] = [];
  classes.forEach((cls, i) => {
    if (cls.value !== null && cls.value >= min) return;
    const weak = perCredit.map((vals) => vals[i]).filter((v) => v.value === null || v.value > max);
    if (!weak.length) return;
    problems.push(`${cls.call.file}:${cls.call.line}: ${cls.says}, and ${weak.map((v) => v.says).join(', ')}`);
  });
  if (problems.length) this.fail(`neither ${name} is at least ${min} nor are ${credits.join(', ')} each at most ${max}: ${problems.join('; ')}`);
});
